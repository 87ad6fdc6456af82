package identityapi_test

import (
	"strings"
	"testing"
)

// TestPoisonTextIs422: NUL, control characters, bidi overrides and
// over-long texts in names, functions, labels and e-mail addresses are the
// domain's 422 with the input's field (issue 10 §1).
func TestPoisonTextIs422(t *testing.T) {
	e, bo, a := appWithTenant(t, "a")
	wb := workerBody("nieuw@example.test")
	cb := clientBody(a.intermediaryID, "Nieuw", "nieuw-contact@example.test")
	postEach(t, e, []inputCase{
		{"NUL in a function", a.clientToken, "/workers", withField(wb, "function", "Bak\x00ker"), 422, "text_encoding", "function"},
		{"RLO in a first name", a.clientToken, "/workers", withField(wb, "name", map[string]any{"first": "Jan\u202e", "last": "Berg"}), 422, "text_encoding", "name.first"},
		{"escape in an e-mail address", a.clientToken, "/workers", withField(wb, "email", "jan\x1b@example.test"), 422, "text_encoding", "email"},
		{"NUL in a client name", bo, "/clients", withField(cb, "name", "Bakkerij\x00"), 422, "text_encoding", "name"},
		{"isolate in a street", bo, "/clients", withField(cb, "address", map[string]any{"street": "Dorps\u2066straat", "house_number": "1", "postal_code": "1234 AB", "city": "Utrecht"}), 422, "text_encoding", "address.street"},
		{"NUL in an intermediary name", bo, "/intermediaries", intermediaryBody("De\x00Brug", "brug@example.test"), 422, "text_encoding", "name"},
		{"long token label", bo, "/tokens", map[string]string{"role": "payroll", "label": strings.Repeat("x", 81)}, 422, "too_long", "label"},
	})
}
