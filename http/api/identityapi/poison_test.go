package identityapi_test

import (
	"net/http"
	"strings"
	"testing"

	it "backoffice/internal/identitytest"
)

// TestPoisonTextIs422: NUL, control characters, bidi overrides and
// over-long texts in names, functions, labels and e-mail addresses are the
// domain's 422 with the input's field (issue 10 §1).
func TestPoisonTextIs422(t *testing.T) {
	e := it.New(t)
	bo := e.Login(t, it.BackofficeEmail, it.BackofficePassword)
	a := newTenant(t, e, bo, "a")
	wb := workerBody("nieuw@example.test")
	cb := clientBody(a.intermediaryID, "Nieuw", "nieuw-contact@example.test")
	tests := []struct {
		name        string
		token, path string
		body        any
		code, field string
	}{
		{"NUL in a function", a.clientToken, "/workers", withField(wb, "function", "Bak\x00ker"), "text_encoding", "function"},
		{"RLO in a first name", a.clientToken, "/workers", withField(wb, "name", map[string]any{"first": "Jan\u202e", "last": "Berg"}), "text_encoding", "name.first"},
		{"escape in an e-mail address", a.clientToken, "/workers", withField(wb, "email", "jan\x1b@example.test"), "text_encoding", "email"},
		{"NUL in a client name", bo, "/clients", withField(cb, "name", "Bakkerij\x00"), "text_encoding", "name"},
		{"isolate in a street", bo, "/clients", withField(cb, "address", map[string]any{"street": "Dorps\u2066straat", "house_number": "1", "postal_code": "1234 AB", "city": "Utrecht"}), "text_encoding", "address.street"},
		{"NUL in an intermediary name", bo, "/intermediaries", intermediaryBody("De\x00Brug", "brug@example.test"), "text_encoding", "name"},
		{"long token label", bo, "/tokens", map[string]string{"role": "payroll", "label": strings.Repeat("x", 81)}, "too_long", "label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Do(t, http.MethodPost, tt.path, tt.token, tt.body)
			code, field := "", ""
			if r.Status >= 400 {
				code, field = r.ErrorField(t)
			}
			if r.Status != 422 || code != tt.code || field != tt.field {
				t.Fatalf("got %d %s (%s), want 422 %s (%s): %.300s", r.Status, code, field, tt.code, tt.field, r.Body)
			}
		})
	}
}
