package identityapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/internal/apidoc"
	"backoffice/internal/apitest"
	it "backoffice/internal/identitytest"
)

// identityInputs are the input names of each identity operation (path,
// query, header and body; nested objects with dots), as docs/openapi.yaml
// describes them.
var identityInputs = func() map[string][]string {
	address := func(p string) []string {
		return []string{p, p + ".street", p + ".house_number", p + ".postal_code", p + ".city", p + ".country"}
	}
	agreement := func(p string) []string {
		return []string{p, p + ".hour_types", p + ".hour_types.code", p + ".hour_types.name", p + ".hour_types.percentage",
			p + ".hour_types.absence", p + ".normal_hour_type", p + ".entered_by", p + ".approval_chain", p + ".time_registration",
			p + ".allowances", p + ".allowances.per_day_cents", p + ".allowances.per_hour_cents", p + ".billing_rates"}
	}
	contact := []string{"contact", "contact.name", "contact.email", "contact.mobile"}
	cat := func(parts ...[]string) []string { return slices.Concat(parts...) }
	return map[string][]string{
		"POST /intermediaries":                   cat([]string{"name", "kvk", "language"}, contact),
		"GET /intermediaries/{id}":               {"id"},
		"POST /clients":                          cat([]string{"intermediary_id", "name", "kvk", "language", "agreement_from"}, address("address"), contact, agreement("agreement")),
		"GET /clients/{id}":                      {"id"},
		"POST /clients/{id}/agreement":           cat([]string{"id", "effective_from"}, agreement("agreement")),
		"POST /workers":                          cat([]string{"client_id", "name", "name.first", "name.infix", "name.last", "email", "function", "language", "bsn", "iban", "date_of_birth", "mobile", "start", "end"}, address("address")),
		"GET /workers/{id}":                      {"id"},
		"GET /placements":                        {"status", "min_position", "limit", "cursor"},
		"GET /placements/{id}":                   {"id", "as_of"},
		"POST /placements/{id}/end":              {"id", "end", "reason"},
		"POST /workers/{id}/placements":          {"id", "client_id", "function", "start", "end", "Idempotency-Key"},
		"POST /placements/{id}/correction":       {"id", "function", "start", "reason", "Idempotency-Key"},
		"POST /session":                          {"email", "password"},
		"POST /activation":                       {"token", "password"},
		"POST /password-reset":                   {"email"},
		"POST /password-reset/complete":          {"token", "password"},
		"POST /tokens":                           {"role", "label"},
		"PUT /me/language":                       {"language"},
		"GET /accounts":                          {"limit", "cursor"},
		"POST /activation/reissue":               {"email"},
		"GET /clients":                           {"min_position", "limit", "cursor"},
		"GET /intermediaries":                    {"min_position", "limit", "cursor"},
		"GET /tokens":                            {},
		"DELETE /tokens/{id}":                    {"id"},
		"POST /workers/{id}/erase-personal-data": {"id"},
		"PUT /me/mobile":                         {"mobile"},
		"PUT /me/password":                       {"current", "new"},
		"PUT /accounts/{id}/mobile":              {"id", "mobile"},
		"POST /accounts/{id}/disable":            {"id"},
		"POST /accounts/{id}/enable":             {"id"},
		// The portal's "Beheer" (backoffice.go).
		"PUT /clients/{id}/details":        cat([]string{"id", "name", "kvk", "language", "Idempotency-Key"}, address("address"), contact[:3]),
		"GET /clients/{id}/agreements":     {"id", "min_position"},
		"GET /clients/{id}/users":          {"id", "min_position"},
		"POST /clients/{id}/users":         {"id", "email", "language", "Idempotency-Key"},
		"PUT /intermediaries/{id}/contact": cat([]string{"id", "language", "Idempotency-Key"}, contact[:3]),
		"GET /intermediaries/{id}/users":   {"id", "min_position"},
		"GET /workers/{id}/users":          {"id", "min_position"},
		"GET /me/mobile":                   {},
	}
}()

// TestEveryIdentityErrorCode is TestEveryErrorCode of the timesheet API
// for the identity operations: every code their x-error-codes document is
// provoked on the real API and checked (code, message, field), and every
// walked code is documented (issue 11 §10).
func TestEveryIdentityErrorCode(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)

	wb := workerBody("nieuw@example.test")
	cb := clientBody(a.intermediaryID, "Nieuw", "nieuw-contact@example.test")
	tuesday := nextTuesday()
	// Tenant b's placement has hours last week; its start lies before them.
	today := ts.Today(time.Now())
	r := it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, withField(withField(withField(workerBody("uren-b@example.test"),
		"client_id", b.clientID), "start", today.AddDays(-21).String()), "bsn", bsnFor("uren"))), http.StatusCreated)
	booked := r.Str(t, "placement_id")
	week := ts.WeekOf(today.AddDays(-7))
	normal := ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}
	mins := [7]ts.Minutes{480, 480, 480, 480, 480}
	if _, err := commands.Save(context.Background(), e.Store, commands.Stream{Name: ts.StreamName(booked, week)},
		commands.Meta{Actor: domain.Actor{AccountID: "seed", Role: domain.RoleBackoffice}}, time.Now(),
		&ts.Opened{PlacementID: booked, Week: week, WeekStart: week.Start(), WeekEnd: week.End(), EnteredBy: domain.RoleWorker, NormalHourType: normal},
		&ts.LineSet{Line: ts.Line{HourType: normal, Minutes: mins}, DayTotals: mins}); err != nil {
		t.Fatal(err)
	}
	// Tenant a's placement is ended (today), so ending it on the same day
	// again conflicts.
	it.Want(t, e.Do(t, http.MethodPost, "/placements/"+a.placementID+"/end", bo, map[string]string{"end": today.String()}), http.StatusOK)
	// A placement with a fixed end cannot be ended later than that.
	fixedEnd := it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, withField(withField(withField(workerBody("vast-b@example.test"),
		"client_id", b.clientID), "end", today.AddDays(10).String()), "bsn", bsnFor("vast"))), http.StatusCreated).Str(t, "placement_id")

	// Tenant a's worker comes back tomorrow: correcting that placement's
	// start to today overlaps the one that ends today.
	again := it.Want(t, e.Do(t, http.MethodPost, "/workers/"+a.workerID+"/placements", bo,
		map[string]string{"client_id": a.clientID, "start": today.AddDays(1).String()}), http.StatusCreated).Str(t, "id")
	clientAccount := it.Want(t, e.Do(t, http.MethodGet, "/me", a.clientToken, nil), http.StatusOK).Str(t, "account_id")
	// The reads below (403 for who sees the object, 404 for who does not)
	// look the object up in the read models: all set-up first in them
	// (once answered not_found instead of forbidden under load).
	e.WaitForProjections(t)
	cases := []struct {
		op, path, token string
		body            any
		code            string
	}{
		{"POST /workers", "/workers", a.clientToken, withField(wb, "bsn", "123456789"), "bsn_checksum"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "bsn", "1234"), "bsn_format"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "bsn", testBSN), "bsn_in_use"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "iban", "NL00ABNA0417164300"), "iban_checksum"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "email", "jan@"), "email_format"},
		{"POST /workers", "/workers", a.clientToken, withoutField(wb, "email"), "required"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "date_of_birth", "17-05-1990"), "date_format"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "end", "2000-01-03"), "end_before_start"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "date_of_birth", time.Now().AddDate(-14, 0, 0).Format(time.DateOnly)), "worker_too_young"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "address", map[string]any{"street": "K", "house_number": "1", "postal_code": "123", "city": "U"}), "postal_code_format"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "mobile", "020-1234567"), "mobile_format"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "email", a.workerEmail), "email_taken"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "bsn", 111222333), "wrong_type"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "salaris", 1), "unknown_field"},
		{"POST /workers", "/workers", a.clientToken, `{"name": {`, "malformed_json"},
		{"POST /workers", "/workers", a.clientToken, "", "empty_body"},
		{"POST /workers", "/workers", a.clientToken, withField(wb, "client_id", "nope"), "not_found"},
		{"POST /workers", "/workers", a.workerToken, wb, "forbidden"},

		{"POST /clients", "/clients", bo, agreementWith(cb, "normal_hour_type", "999"), "normal_hour_type"},
		{"POST /clients", "/clients", bo, agreementWith(cb, "billing_rates", map[string]int{"NACHT": 100}), "billing_rate_hour_type"},
		{"POST /clients", "/clients", bo, agreementWith(cb, "hour_types", []map[string]any{{"code": "normaal uur!", "name": "x", "percentage": 100}}), "hour_type_code"},
		{"POST /clients", "/clients", bo, agreementWith(cb, "approval_chain", []string{"worker"}), "approval_chain_self"},
		{"POST /clients", "/clients", bo, withField(cb, "agreement_from", "morgen"), "date_format"},
		{"POST /clients", "/clients", bo, withField(cb, "kvk", "123"), "kvk_format"},
		{"POST /clients", "/clients", bo, withField(cb, "contact", map[string]any{"name": "K", "email": "k@", "mobile": "0612345678"}), "email_format"},
		{"POST /clients", "/clients", bo, withField(cb, "contact", map[string]any{"name": "K", "email": a.workerEmail, "mobile": "0612345678"}), "email_taken"},
		{"POST /clients", "/clients", bo, withField(cb, "intermediary_id", "nope"), "intermediary_unknown"},
		{"POST /clients", "/clients", bo, withField(cb, "agreement", "ja"), "wrong_type"},
		{"POST /clients", "/clients", a.workerToken, cb, "forbidden"},

		{"POST /clients/{id}/agreement", "/clients/" + a.clientID + "/agreement", bo, map[string]any{"effective_from": tuesday, "agreement": agreement(false)}, "effective_from_monday"},
		{"POST /clients/{id}/agreement", "/clients/" + a.clientID + "/agreement", bo, map[string]any{"effective_from": "2025-01-13", "agreement": agreement(false)}, "effective_from_past"},
		{"POST /clients/{id}/agreement", "/clients/nope/agreement", bo, map[string]any{"effective_from": nextMonday(), "agreement": agreement(false)}, "not_found"},

		{"POST /intermediaries", "/intermediaries", bo, intermediaryBody("X", "geen-adres"), "email_format"},
		{"POST /intermediaries", "/intermediaries", a.clientToken, intermediaryBody("X", "x@example.test"), "forbidden"},

		{"POST /placements/{id}/end", "/placements/" + booked + "/end", bo, map[string]string{"end": week.Day(2).String()}, "hours_after_end"},
		{"POST /placements/{id}/end", "/placements/" + b.placementID + "/end", bo, map[string]string{"end": "2000-01-03"}, "end_before_start"},
		{"POST /placements/{id}/end", "/placements/" + a.placementID + "/end", bo, map[string]string{"end": today.String()}, "already_ended"},
		{"POST /placements/{id}/end", "/placements/" + b.placementID + "/end", bo, map[string]string{"end": "morgen"}, "date_format"},
		{"POST /placements/{id}/end", "/placements/" + fixedEnd + "/end", bo, map[string]string{"end": today.AddDays(11).String()}, "end_after_planned_end"},
		// Ending a's placement later would overlap its comeback tomorrow.
		{"POST /placements/{id}/end", "/placements/" + a.placementID + "/end", bo, map[string]string{"end": today.AddDays(5).String()}, "placement_overlaps"},
		{"POST /placements/{id}/end", "/placements/nope/end", bo, map[string]string{"end": today.String()}, "not_found"},
		{"POST /placements/{id}/end", "/placements/" + b.placementID + "/end", b.workerToken, map[string]string{"end": today.String()}, "forbidden"},

		{"POST /workers/{id}/placements", "/workers/" + b.workerID + "/placements", bo, map[string]string{"client_id": b.clientID, "start": today.String()}, "placement_overlaps"},
		{"POST /workers/{id}/placements", "/workers/" + b.workerID + "/placements", bo, map[string]string{"client_id": a.clientID, "start": "2000-01-03"}, "no_agreement"},
		{"POST /workers/{id}/placements", "/workers/" + b.workerID + "/placements", bo, map[string]string{"client_id": a.clientID, "start": today.String(), "end": "2000-01-03"}, "end_before_start"},
		{"POST /workers/{id}/placements", "/workers/" + b.workerID + "/placements", bo, map[string]string{"start": today.String()}, "required"},
		{"POST /workers/{id}/placements", "/workers/" + b.workerID + "/placements", bo, map[string]string{"client_id": a.clientID, "start": "morgen"}, "date_format"},
		{"POST /workers/{id}/placements", "/workers/" + b.workerID + "/placements", bo, map[string]string{"client_id": a.clientID, "start": today.String(), "function": strings.Repeat("x", 81)}, "too_long"},
		{"POST /workers/{id}/placements", "/workers/nope/placements", bo, map[string]string{"client_id": a.clientID, "start": today.String()}, "not_found"},
		{"POST /workers/{id}/placements", "/workers/" + a.workerID + "/placements", a.interToken, map[string]string{"start": today.String()}, "forbidden"},

		{"POST /placements/{id}/correction", "/placements/" + booked + "/correction", bo, map[string]string{"start": week.Day(2).String()}, "hours_before_start"},
		{"POST /placements/{id}/correction", "/placements/" + fixedEnd + "/correction", bo, map[string]string{"start": today.AddDays(11).String()}, "start_after_end"},
		{"POST /placements/{id}/correction", "/placements/" + b.placementID + "/correction", bo, map[string]string{"start": "2000-01-03"}, "no_agreement"},
		{"POST /placements/{id}/correction", "/placements/" + again + "/correction", bo, map[string]string{"start": today.String()}, "placement_overlaps"},
		{"POST /placements/{id}/correction", "/placements/" + b.placementID + "/correction", bo, map[string]string{"function": "Bakker"}, "nothing_to_correct"},
		{"POST /placements/{id}/correction", "/placements/" + b.placementID + "/correction", bo, map[string]string{"start": "morgen"}, "date_format"},
		{"POST /placements/{id}/correction", "/placements/" + b.placementID + "/correction", bo, map[string]string{"function": strings.Repeat("x", 81)}, "too_long"},
		{"POST /placements/{id}/correction", "/placements/nope/correction", bo, map[string]string{"function": "Hulp"}, "not_found"},
		{"POST /placements/{id}/correction", "/placements/" + a.placementID + "/correction", a.interToken, map[string]string{"function": "Hulp"}, "forbidden"},

		{"GET /placements", "/placements?status=soms", bo, nil, "status"},
		{"GET /placements", "/placements?limit=0", bo, nil, "limit_invalid"},
		{"GET /placements", "/placements?cursor=bm9wZQ", bo, nil, "cursor_invalid"},
		{"GET /placements/{id}", "/placements/nope", bo, nil, "not_found"},
		{"GET /placements/{id}", "/placements/" + a.placementID + "?as_of=gisteren", bo, nil, "as_of_invalid"},
		{"GET /workers/{id}", "/workers/nope", bo, nil, "not_found"},
		{"GET /clients/{id}", "/clients/nope", bo, nil, "not_found"},
		{"GET /intermediaries/{id}", "/intermediaries/nope", bo, nil, "not_found"},

		{"POST /tokens", "/tokens", bo, map[string]string{"role": "backoffice", "label": "x"}, "token_kind"},
		{"POST /tokens", "/tokens", a.clientToken, map[string]string{"role": "payroll", "label": "x"}, "forbidden"},
		{"POST /activation", "/activation", "", map[string]string{"token": "x", "password": "kort"}, "password_too_short"},
		{"POST /activation", "/activation", "", map[string]string{"token": "x", "password": "lang-genoeg-1"}, "token_invalid"},
		{"POST /password-reset", "/password-reset", "", map[string]string{"email": "geen adres"}, "email_format"},
		{"POST /password-reset/complete", "/password-reset/complete", "", map[string]string{"token": "x", "password": "lang-genoeg-1"}, "token_invalid"},
		{"POST /session", "/session", "", map[string]string{"email": "niemand@example.test", "password": "fout-fout-fout"}, "invalid_credentials"},
		{"PUT /me/language", "/me/language", a.workerToken, map[string]string{"language": "de"}, "language"},
		{"GET /accounts", "/accounts", a.clientToken, nil, "forbidden"},
		{"POST /activation/reissue", "/activation/reissue", "", map[string]string{"email": "geen adres"}, "email_format"},
		{"GET /clients", "/clients?min_position=x", bo, nil, "invalid_min_position"},
		{"GET /intermediaries", "/intermediaries?min_position=x", bo, nil, "invalid_min_position"},
		{"GET /accounts", "/accounts?limit=501", bo, nil, "limit_invalid"},
		{"GET /accounts", "/accounts?cursor=bm9wZQ", bo, nil, "cursor_invalid"},
		{"GET /clients", "/clients?limit=0", bo, nil, "limit_invalid"},
		{"GET /clients", "/clients?cursor=bm9wZQ", bo, nil, "cursor_invalid"},
		{"GET /intermediaries", "/intermediaries?limit=x", bo, nil, "limit_invalid"},
		{"GET /intermediaries", "/intermediaries?cursor=bm9wZQ", bo, nil, "cursor_invalid"},
		{"GET /tokens", "/tokens", a.clientToken, nil, "forbidden"},
		{"DELETE /tokens/{id}", "/tokens/nope", bo, nil, "not_found"},
		{"POST /accounts/{id}/disable", "/accounts/nope/disable", bo, nil, "not_found"},
		{"POST /accounts/{id}/enable", "/accounts/" + clientAccount + "/enable", a.clientToken, nil, "not_found"},
		{"POST /workers/{id}/erase-personal-data", "/workers/nope/erase-personal-data", bo, nil, "not_found"},
		{"POST /workers/{id}/erase-personal-data", "/workers/" + a.workerID + "/erase-personal-data", a.clientToken, nil, "forbidden"},
		{"PUT /me/mobile", "/me/mobile", a.clientToken, map[string]string{"mobile": "020-1234567"}, "mobile_format"},
		{"PUT /me/mobile", "/me/mobile", a.clientToken, map[string]string{"mobile": "06-1234"}, "phone_format"},
		{"PUT /accounts/{id}/mobile", "/accounts/" + clientAccount + "/mobile", bo, map[string]string{"mobile": "020-1234567"}, "mobile_format"},
		{"PUT /accounts/{id}/mobile", "/accounts/" + clientAccount + "/mobile", bo, map[string]string{"mobile": "+31 6 12"}, "phone_format"},
		{"PUT /accounts/{id}/mobile", "/accounts/" + clientAccount + "/mobile", b.clientToken, map[string]string{"mobile": "0612345678"}, "not_found"},
		{"PUT /me/password", "/me/password", b.workerToken, map[string]string{"current": "fout-wachtwoord", "new": "lang-genoeg-1"}, "current_password_wrong"},
		{"PUT /me/password", "/me/password", b.workerToken, map[string]string{"current": "", "new": "lang-genoeg-1"}, "required"},
		{"PUT /me/password", "/me/password", b.workerToken, map[string]string{"current": pw, "new": "kort"}, "password_too_short"},
		{"PUT /me/password", "/me/password", b.workerToken, map[string]string{"current": pw, "new": strings.Repeat("x", 65)}, "password_too_long"},
	}
	details := detailsBody("Bakkerij a", "inkoop-a@example.test")
	contactOf := func(email string) map[string]any {
		return map[string]any{"contact": map[string]any{"name": "Piet Flex", "email": email}}
	}
	cases = append(cases, []struct {
		op, path, token string
		body            any
		code            string
	}{
		{"PUT /clients/{id}/details", "/clients/nope/details", bo, details, "not_found"},
		{"PUT /clients/{id}/details", "/clients/" + a.clientID + "/details", a.clientToken, details, "forbidden"},
		{"PUT /clients/{id}/details", "/clients/" + a.clientID + "/details", bo, withField(details, "kvk", "123"), "kvk_format"},
		{"PUT /clients/{id}/details", "/clients/" + a.clientID + "/details", bo, detailsBody("X", "k@"), "email_format"},
		{"PUT /clients/{id}/details", "/clients/" + a.clientID + "/details", bo, detailsBody("X", a.workerEmail), "email_taken"},
		{"PUT /clients/{id}/details", "/clients/" + a.clientID + "/details", bo,
			withField(details, "address", map[string]any{"street": "K", "house_number": "1", "postal_code": "123", "city": "U"}), "postal_code_format"},
		{"PUT /clients/{id}/details", "/clients/" + a.clientID + "/details", bo, `{"name": `, "malformed_json"},
		{"GET /clients/{id}/agreements", "/clients/nope/agreements", bo, nil, "not_found"},
		{"GET /clients/{id}/agreements", "/clients/" + a.clientID + "/agreements", a.interToken, nil, "forbidden"},
		{"GET /clients/{id}/users", "/clients/" + b.clientID + "/users", a.clientToken, nil, "not_found"},
		{"GET /clients/{id}/users", "/clients/" + a.clientID + "/users", a.clientToken, nil, "forbidden"},
		{"POST /clients/{id}/users", "/clients/nope/users", bo, map[string]string{"email": "m@example.test"}, "not_found"},
		{"POST /clients/{id}/users", "/clients/" + a.clientID + "/users", a.clientToken, map[string]string{"email": "m@example.test"}, "forbidden"},
		{"POST /clients/{id}/users", "/clients/" + a.clientID + "/users", bo, map[string]string{"email": "m@"}, "email_format"},
		{"POST /clients/{id}/users", "/clients/" + a.clientID + "/users", bo, map[string]string{"email": a.workerEmail}, "email_taken"},
		{"POST /clients/{id}/users", "/clients/" + a.clientID + "/users", bo, map[string]string{"email": "inkoop-a@example.test"}, "client_user_exists"},
		{"PUT /intermediaries/{id}/contact", "/intermediaries/" + b.intermediaryID + "/contact", a.interToken, contactOf("p@example.test"), "not_found"},
		{"PUT /intermediaries/{id}/contact", "/intermediaries/" + a.intermediaryID + "/contact", a.interToken, contactOf("p@example.test"), "forbidden"},
		{"PUT /intermediaries/{id}/contact", "/intermediaries/" + a.intermediaryID + "/contact", bo, contactOf("p@"), "email_format"},
		{"PUT /intermediaries/{id}/contact", "/intermediaries/" + a.intermediaryID + "/contact", bo, contactOf(a.workerEmail), "email_taken"},
		{"GET /intermediaries/{id}/users", "/intermediaries/nope/users", bo, nil, "not_found"},
		{"GET /intermediaries/{id}/users", "/intermediaries/" + a.intermediaryID + "/users", a.interToken, nil, "forbidden"},
		{"GET /workers/{id}/users", "/workers/" + b.workerID + "/users", a.clientToken, nil, "not_found"},
		{"GET /workers/{id}/users", "/workers/" + a.workerID + "/users", a.workerToken, nil, "forbidden"},
		{"GET /me/mobile", "/me/mobile", auditorToken(t, e, bo), nil, "forbidden"},
	}...)
	walk := apidoc.NewWalk(identityInputs)
	for _, c := range cases {
		walk.Provoke(t, c.op, c.op+" "+c.path, c.code, func(lang string) (int, []byte) {
			r := doLang(t, e, strings.Fields(c.op)[0], c.path, c.token, c.body, lang)
			return r.Status, r.Body
		})
	}
	walk.Done(t)
}

// doLang is e.Do with an Accept-Language.
func doLang(t *testing.T, e *it.Env, method, path, token string, body any, lang string) it.Response {
	t.Helper()
	header := []string{"Accept-Language", lang}
	if token != "" {
		header = append(header, "Authorization", "Bearer "+token)
	}
	r := apitest.Request(t, method, e.URL+path, body, header...)
	return it.Response{Status: r.Status, Header: r.Header, Body: r.Body}
}
