package documentapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	dt "backoffice/commands/document/documenttest"
)

// TestSigningRetriedAfterALostAnswer: the signature request and the
// signature, each retried with its Idempotency-Key after its events were
// appended but its answer was lost (kill -9 of serve before the answer was
// stored; simulated by forgetting it): the retry takes the claim over and
// must answer the first attempt's result, not 409 signature_request_open
// and not 422 no_open_signature_request (the signer would believe the
// signature failed). Found by the lost-answer probe of every endpoint.
func TestSigningRetriedAfterALostAnswer(t *testing.T) {
	e := newEnv(t)
	r := want(t, e.upload(t, "client1", map[string]string{"title": "Contract"}, "contract.pdf", dt.PDF), http.StatusCreated)
	id := r.json(t)["id"].(string)
	post := func(path, actor, key string, body any) response {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		return e.do(t, http.MethodPost, path, actor, "application/json", bytes.NewReader(b), "Idempotency-Key", key)
	}
	forget := func(key string) {
		tag, err := e.Pool.Exec(t.Context(), `UPDATE idempotency_keys SET status = NULL, response = NULL, position = NULL,
			created_at = now() - interval '1 hour' WHERE key = $1`, key)
		if err != nil || tag.RowsAffected() != 1 {
			t.Fatalf("forget %s: %v (%d rows)", key, err, tag.RowsAffected())
		}
	}
	steps := []struct {
		name, path, actor string
		body              func() any
		status            int
	}{
		{"signature request", "/documents/" + id + "/signature-requests", "backoffice",
			func() any { return map[string]string{"signer_account_id": e.Client1.AccountID} }, http.StatusCreated},
		{"sign", "/documents/" + id + "/sign", "client1",
			func() any {
				_, tan := e.SignMail(t, e.Emails["client1"], 1)
				return map[string]any{"tan": tan, "read": true}
			}, http.StatusOK},
	}
	var pos string
	for _, s := range steps {
		key := "lost-" + s.name
		body := s.body()
		first := want(t, post(s.path, s.actor, key, body), s.status)
		pos = first.json(t)["position"].(string)
		forget(key)
		if retry := post(s.path, s.actor, key, body); retry.status != s.status || !bytes.Equal(retry.body, first.body) {
			t.Fatalf("%s retried: %d %s, first %d %s", s.name, retry.status, retry.body, first.status, first.body)
		}
	}
	d := want(t, e.json(t, "GET", "/documents/"+id+"?min_position="+pos, "backoffice", nil), http.StatusOK).json(t)
	if d["signature"] != "signed" {
		t.Fatalf("after the retries: %v", d)
	}
}
