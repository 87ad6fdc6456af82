package documentapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	dt "backoffice/commands/document/documenttest"
	"backoffice/eventstore"
	"backoffice/internal/apitest"
)

func position(t *testing.T, s string) eventstore.Position {
	t.Helper()
	p, err := eventstore.ParsePosition(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDocumentAsOf: GET /documents/{id}?as_of= answers the document as it
// was then, replayed from the event store: after each step of a history
// (upload, a signature request, a new version that supersedes it, a second
// request, the signature) the detail the read model showed equals the
// replay as of that step's position, for the signer and the back office;
// before the upload, and for another client, it is not found; an
// unreadable as_of is 400, never ignored (issue 14 §6).
func TestDocumentAsOf(t *testing.T) {
	e := newEnv(t)
	head := func() string { return apitest.Head(t, e.Store) }
	type step struct{ pos, client1, backoffice string }
	var steps []step
	var id string
	observe := func(p eventstore.Position) {
		t.Helper()
		e.Wait(t, p)
		pos := p.String()
		get := func(who string) string {
			return string(want(t, e.json(t, http.MethodGet, "/documents/"+id+"?min_position="+pos, who, nil), http.StatusOK).body)
		}
		// The live answer adds the consent text for its signer; the replay
		// never does (nobody signs in the past).
		live := get("client1")
		if i := strings.Index(live, `,"consent_text"`); i >= 0 {
			live = live[:i] + "}\n"
		}
		steps = append(steps, step{pos: pos, client1: live, backoffice: get("backoffice")})
	}
	before := head()
	r := want(t, e.upload(t, "client1", map[string]string{"title": "Raamovereenkomst"}, "raam.pdf", dt.PDF), http.StatusCreated)
	id = r.json(t)["id"].(string)
	observe(mustPosition(t, r))
	// A request is followed by the signing mailer's document.tan_issued:
	// observe once that is in too (the mail is delivered after it), so the
	// read model is not ahead of the observed position.
	want(t, e.json(t, http.MethodPost, "/documents/"+id+"/signature-requests", "backoffice", map[string]string{"signer_account_id": e.Client1.AccountID}), http.StatusCreated)
	e.SignMail(t, e.Emails["client1"], 1)
	observe(position(t, head()))
	v2 := append(bytes.Clone(dt.PDF), []byte("% versie 2\n")...)
	r = want(t, e.addVersion(t, "client1", id, "raam-v2.pdf", v2), http.StatusCreated)
	observe(position(t, r.json(t)["position"].(string)))
	want(t, e.json(t, http.MethodPost, "/documents/"+id+"/signature-requests", "backoffice", map[string]string{"signer_account_id": e.Client1.AccountID}), http.StatusCreated)
	_, tan := e.SignMail(t, e.Emails["client1"], 2)
	observe(position(t, head()))
	r = want(t, e.do(t, http.MethodPost, "/documents/"+id+"/sign", "client1", "application/json", strings.NewReader(`{"tan":"`+tan+`","read":true}`)), http.StatusOK)
	observe(position(t, r.header.Get("X-Position")))

	for i, s := range steps {
		for who, shown := range map[string]string{"client1": s.client1, "backoffice": s.backoffice} {
			got := string(want(t, e.json(t, http.MethodGet, "/documents/"+id+"?as_of="+s.pos, who, nil), http.StatusOK).body)
			if got != shown {
				t.Fatalf("step %d as %s: as_of %s =\n%s\nthe read model showed\n%s", i, who, s.pos, got, shown)
			}
		}
	}
	if steps[0].backoffice == steps[len(steps)-1].backoffice {
		t.Fatal("the history changed nothing")
	}
	want(t, e.json(t, http.MethodGet, "/documents/"+id+"?as_of="+before, "backoffice", nil), http.StatusNotFound)
	want(t, e.json(t, http.MethodGet, "/documents/"+id+"?as_of="+head(), "client2", nil), http.StatusNotFound)
	if r := e.json(t, http.MethodGet, "/documents/"+id+"?as_of=gisteren", "backoffice", nil); r.status != http.StatusBadRequest {
		t.Fatalf("as_of=gisteren: %d %s", r.status, r.body)
	} else if c, f := r.errCode(t); c != "as_of_invalid" || f != "as_of" {
		t.Fatalf("as_of=gisteren: %s %s", c, f)
	}
}
