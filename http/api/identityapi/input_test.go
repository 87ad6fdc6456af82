package identityapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	it "backoffice/internal/identitytest"
)

// inputCase is a POST and the error it must get: status, code and field.
type inputCase struct {
	name        string
	token, path string
	body        any
	status      int
	code, field string
}

// postEach posts every case as a subtest and checks its answer.
func postEach(t *testing.T, e *it.Env, cases []inputCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Do(t, http.MethodPost, tt.path, tt.token, tt.body)
			code, field := "", ""
			if r.Status >= 400 {
				code, field = r.ErrorField(t)
			}
			if r.Status != tt.status || code != tt.code || field != tt.field {
				t.Fatalf("got %d %s (%s), want %d %s (%s): %.300s", r.Status, code, field, tt.status, tt.code, tt.field, r.Body)
			}
		})
	}
}

// TestBadInput: bad input gets a clear 400 or 422 naming the field.
func TestBadInput(t *testing.T) {
	e, bo, a := appWithTenant(t, "a")

	wb := workerBody("nieuw@example.test")
	cb := clientBody(a.intermediaryID, "Nieuw", "nieuw-contact@example.test")
	tuesday := nextTuesday()
	postEach(t, e, []inputCase{
		{"invalid BSN", a.clientToken, "/workers", withField(wb, "bsn", "123456789"), 400, "bsn_checksum", "bsn"},
		{"short BSN", a.clientToken, "/workers", withField(wb, "bsn", "1234"), 400, "bsn_format", "bsn"},
		{"invalid IBAN", a.clientToken, "/workers", withField(wb, "iban", "NL00ABNA0417164300"), 400, "iban_checksum", "iban"},
		{"invalid email", a.clientToken, "/workers", withField(wb, "email", "jan@"), 400, "email_format", "email"},
		{"missing email", a.clientToken, "/workers", withoutField(wb, "email"), 400, "required", "email"},
		{"date of birth format", a.clientToken, "/workers", withField(wb, "date_of_birth", "17-05-1990"), 400, "date_format", "date_of_birth"},
		{"impossible start date", a.clientToken, "/workers", withField(wb, "start", "2026-02-30"), 400, "date_format", "start"},
		{"end before start", a.clientToken, "/workers", withField(wb, "end", "2000-01-03"), 422, "end_before_start", "end"},
		{"too young", a.clientToken, "/workers", withField(wb, "date_of_birth", time.Now().AddDate(-14, 0, 0).Format(time.DateOnly)), 422, "worker_too_young", "date_of_birth"},
		{"postal code", a.clientToken, "/workers", withField(wb, "address", map[string]any{"street": "K", "house_number": "1", "postal_code": "123", "city": "U"}), 400, "postal_code_format", "address.postal_code"},
		{"mobile", a.clientToken, "/workers", withField(wb, "mobile", "020-1234567"), 400, "mobile_format", "mobile"},
		{"duplicate email of a worker", a.clientToken, "/workers", withField(wb, "email", a.workerEmail), 422, "email_taken", "email"},
		{"duplicate email of a contact, other case", a.clientToken, "/workers", withField(wb, "email", "INKOOP-a@example.test"), 422, "email_taken", "email"},
		{"wrong JSON type", a.clientToken, "/workers", withField(wb, "bsn", 111222333), 400, "wrong_type", "bsn"},
		{"unknown field", a.clientToken, "/workers", withField(wb, "salaris", 1), 400, "unknown_field", "salaris"},
		{"malformed JSON", a.clientToken, "/workers", `{"name": {`, 400, "malformed_json", ""},
		{"two objects", a.clientToken, "/workers", `{} {}`, 400, "malformed_json", ""},
		{"empty body", a.clientToken, "/workers", "", 400, "empty_body", ""},
		{"oversized body", a.clientToken, "/workers", `{"function": "` + strings.Repeat("x", 2<<20) + `"}`, 413, "body_too_large", ""},

		{"unknown normal hour type", bo, "/clients", agreementWith(cb, "normal_hour_type", "999"), 400, "normal_hour_type", "agreement.normal_hour_type"},
		{"billing rate of unknown hour type", bo, "/clients", agreementWith(cb, "billing_rates", map[string]int{"NACHT": 100}), 400, "billing_rate_hour_type", "agreement.billing_rates"},
		{"bad hour type code", bo, "/clients", agreementWith(cb, "hour_types", []map[string]any{{"code": "normaal uur!", "name": "x", "percentage": 100}}), 400, "hour_type_code", "agreement.hour_types.code"},
		{"approval chain", bo, "/clients", agreementWith(cb, "approval_chain", []string{"worker"}), 400, "approval_chain_self", "agreement.approval_chain"},
		{"agreement date", bo, "/clients", withField(cb, "agreement_from", "morgen"), 400, "date_format", "agreement_from"},
		{"KvK", bo, "/clients", withField(cb, "kvk", "123"), 400, "kvk_format", "kvk"},
		{"contact email", bo, "/clients", withField(cb, "contact", map[string]any{"name": "K", "email": "k@", "mobile": "0612345678"}), 400, "email_format", "contact.email"},
		{"duplicate contact email", bo, "/clients", withField(cb, "contact", map[string]any{"name": "K", "email": a.workerEmail, "mobile": "0612345678"}), 422, "email_taken", "contact.email"},
		{"unknown intermediary", bo, "/clients", withField(cb, "intermediary_id", "nope"), 422, "intermediary_unknown", "intermediary_id"},
		{"agreement change not on a Monday", bo, "/clients/" + a.clientID + "/agreement", map[string]any{"effective_from": tuesday, "agreement": agreement(false)}, 400, "effective_from_monday", "effective_from"},
		{"agreement change in the past", bo, "/clients/" + a.clientID + "/agreement", map[string]any{"effective_from": "2025-01-13", "agreement": agreement(false)}, 422, "effective_from_past", "effective_from"},
		{"intermediary email", bo, "/intermediaries", intermediaryBody("X", "geen-adres"), 400, "email_format", "contact.email"},
		{"token role", bo, "/tokens", map[string]string{"role": "backoffice", "label": "x"}, 400, "token_kind", "role"},
		{"short password", "", "/activation", map[string]string{"token": "x", "password": "kort"}, 400, "password_too_short", "password"},
		{"bad activation token", "", "/activation", map[string]string{"token": "x", "password": "lang-genoeg-1"}, 400, "token_invalid", "token"},
		{"reset with bad email", "", "/password-reset", map[string]string{"email": "geen adres"}, 400, "email_format", "email"},
	})
	// Placement list filter.
	r := e.Do(t, http.MethodGet, "/placements?status=soms", bo, nil)
	if code, field := r.ErrorField(t); r.Status != 400 || field != "status" {
		t.Fatalf("status filter: %d %s %s", r.Status, code, field)
	}
}
