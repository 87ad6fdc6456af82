package documentapi_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	"backoffice/eventstore"
)

func (e *env) addVersion(t *testing.T, actor, id, fileName string, content []byte) response {
	t.Helper()
	ct, body := form(t, nil, fileName, content)
	return e.do(t, http.MethodPost, "/documents/"+id+"/versions", actor, ct, body)
}

// TestVersionsAndEvidenceOverTheAPI: a new version over the API supersedes
// the open request and keeps the old file; the new request and signature
// name version 2; the evidence PDF shows the wrong TAN and the connection
// of the answer to the back office, the auditor token and the signer, and
// hides the connection from the intermediary.
func TestVersionsAndEvidenceOverTheAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := want(t, e.upload(t, "client1", map[string]string{"title": "Raamovereenkomst"}, "raam.pdf", dt.PDF), http.StatusCreated).json(t)["id"].(string)
	want(t, e.json(t, http.MethodPost, "/documents/"+id+"/signature-requests", "backoffice", map[string]string{"signer_account_id": e.Client1.AccountID}), http.StatusCreated)
	v2 := append(bytes.Clone(dt.PDF), []byte("% versie 2\n")...)

	if r := e.addVersion(t, "inter1", id, "v2.pdf", v2); r.status != http.StatusForbidden {
		t.Fatalf("intermediary: %d %s", r.status, r.body)
	}
	if r := e.addVersion(t, "client2", id, "v2.pdf", v2); r.status != http.StatusNotFound {
		t.Fatalf("another client: %d %s", r.status, r.body)
	}
	if r := e.addVersion(t, "client1", id, "v1.pdf", dt.PDF); r.status != http.StatusBadRequest {
		t.Fatalf("the same file: %d %s", r.status, r.body)
	} else if c, f := r.errCode(t); c != "version_unchanged" || f != "file" {
		t.Fatalf("the same file: %s %s", c, f)
	}
	r := want(t, e.addVersion(t, "client1", id, "raam-v2.pdf", v2), http.StatusCreated)
	if r.json(t)["version"].(float64) != 2 {
		t.Fatalf("answer %s", r.body)
	}
	pos := r.json(t)["position"].(string)
	d := want(t, e.json(t, http.MethodGet, "/documents/"+id+"?min_position="+pos, "client1", nil), http.StatusOK).json(t)
	versions := d["versions"].([]any)
	req := d["signature_request"].(map[string]any)
	if d["version"].(float64) != 2 || d["file_name"] != "raam-v2.pdf" || len(versions) != 2 || req["status"] != "superseded" || d["can_sign"] != false {
		t.Fatalf("detail after v2: %s", r.body)
	}
	for path, body := range map[string][]byte{"/versions/1/file": dt.PDF, "/versions/2/file": v2, "/file": v2} {
		if r := want(t, e.json(t, http.MethodGet, "/documents/"+id+path, "client1", nil), http.StatusOK); !bytes.Equal(r.body, body) {
			t.Fatalf("%s: other content", path)
		}
	}
	want(t, e.json(t, http.MethodGet, "/documents/"+id+"/versions/3/file", "client1", nil), http.StatusNotFound)
	want(t, e.json(t, http.MethodGet, "/documents/"+id+"/versions/1/file", "client2", nil), http.StatusNotFound)

	// Asked again: the request names version 2; the signer sees the consent text.
	r = want(t, e.json(t, http.MethodPost, "/documents/"+id+"/signature-requests", "backoffice", map[string]string{"signer_account_id": e.Client1.AccountID}), http.StatusCreated)
	e.Wait(t, mustPosition(t, r))
	_, tan := e.SignMail(t, e.Emails["client1"], 2)
	d = want(t, e.json(t, http.MethodGet, "/documents/"+id, "client1", nil), http.StatusOK).json(t)
	if req := d["signature_request"].(map[string]any); req["version"].(float64) != 2 || d["consent_text"] == nil || d["can_sign"] != true {
		t.Fatalf("detail of the new request: %v", d)
	}
	// The API answers in English unless asked otherwise: the consent text
	// recorded is the English one.
	ua := []string{"User-Agent", "EvidenceTest/1.0 (API)"}
	wrongBody := strings.NewReader(`{"tan":"` + wrongTAN(tan) + `","read":true}`)
	if r := e.do(t, http.MethodPost, "/documents/"+id+"/sign", "client1", "application/json", wrongBody, ua...); r.status != http.StatusBadRequest {
		t.Fatalf("wrong TAN: %d %s", r.status, r.body)
	}
	r = e.do(t, http.MethodPost, "/documents/"+id+"/sign", "client1", "application/json", strings.NewReader(`{"tan":"`+tan+`","read":true}`), ua...)
	want(t, r, http.StatusOK)
	d = want(t, e.json(t, http.MethodGet, "/documents/"+id+"?min_position="+r.header.Get("X-Position"), "client1", nil), http.StatusOK).json(t)
	if req := d["signature_request"].(map[string]any); req["status"] != "signed" || req["version"].(float64) != 2 || d["signature"] != "signed" {
		t.Fatalf("after signing: %v", d)
	}

	// The evidence.
	_, created, err := e.Identity.Tokens.CreateToken(ctx, dt.Meta(e.Backoffice), domain.RoleAuditor, "Accountant")
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["auditor"] = created.Secret
	for who, seesConnection := range map[string]bool{"auditor": true, "backoffice": true, "client1": true, "inter1": false} {
		r := want(t, e.json(t, http.MethodGet, "/audit/documents/"+id+"/evidence.pdf", who, nil), http.StatusOK)
		text := pdfText(t, r.body)
		for _, s := range []string{"raam-v2.pdf", "Versie 2", `onjuiste verificatiecode \(poging 1\)`, `Akkoord \(ondertekend\)`, "declare that I have read it"} {
			if !strings.Contains(text, s) {
				t.Errorf("%s: the evidence does not show %q", who, s)
			}
		}
		if got := strings.Contains(text, "EvidenceTest/1.0") && strings.Contains(text, "127.0.0.1"); got != seesConnection {
			t.Errorf("%s: connection shown %v, want %v", who, got, seesConnection)
		}
	}
	want(t, e.json(t, http.MethodGet, "/audit/documents/"+id+"/evidence.pdf", "client2", nil), http.StatusNotFound)
}

func mustPosition(t *testing.T, r response) eventstore.Position {
	t.Helper()
	p, err := eventstore.ParsePosition(r.header.Get("X-Position"))
	if err != nil {
		t.Fatalf("no position in %v: %v", r.header, err)
	}
	return p
}

func wrongTAN(tan string) string {
	if tan[0] == 'A' {
		return "B" + tan[1:]
	}
	return "A" + tan[1:]
}

var streamRE = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)

// pdfText inflates every content stream of a PDF (fpdf compresses them).
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	var out strings.Builder
	for _, m := range streamRE.FindAllSubmatch(b, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			out.Write(m[1])
			continue
		}
		plain, _ := io.ReadAll(zr)
		out.Write(plain)
	}
	return out.String()
}

// TestNewVersionRetry: the same new version sent again with its
// Idempotency-Key answers 201 with the stored version, not a second one.
func TestNewVersionRetry(t *testing.T) {
	e := newEnv(t)
	id := want(t, e.upload(t, "client1", map[string]string{"title": "Bijlage"}, "b.pdf", dt.PDF), http.StatusCreated).json(t)["id"].(string)
	v2 := append(bytes.Clone(dt.PDF), []byte("% v2\n")...)
	send := func() response {
		ct, body := form(t, nil, "b2.pdf", v2)
		return e.do(t, http.MethodPost, "/documents/"+id+"/versions", "client1", ct, body, "Idempotency-Key", "v2-key")
	}
	first := want(t, send(), http.StatusCreated)
	again := want(t, send(), http.StatusCreated)
	if first.json(t)["version"].(float64) != 2 || again.json(t)["version"].(float64) != 2 ||
		first.json(t)["position"] != again.json(t)["position"] {
		t.Fatalf("first %s, again %s", first.body, again.body)
	}
	d := want(t, e.json(t, http.MethodGet, "/documents/"+id+"?min_position="+first.json(t)["position"].(string), "client1", nil), http.StatusOK).json(t)
	if d["version"].(float64) != 2 || len(d["versions"].([]any)) != 2 {
		t.Fatalf("after the retry: %v", d)
	}
}
