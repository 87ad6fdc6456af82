package identityapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"backoffice/domain/validate"
	it "backoffice/internal/identitytest"
	"backoffice/notify/mail/mailtest"
)

// Valid test data. BSN 111222333 passes the 11-proef; the IBAN is the
// standard example.
const (
	testBSN  = "111222333"
	testIBAN = "NL91ABNA0417164300"
)

func agreement(timeRegistration bool) map[string]any {
	a := map[string]any{
		"hour_types": []map[string]any{
			{"code": "100", "name": "Normale uren", "percentage": 100},
			{"code": "125", "name": "Overuren 125%", "percentage": 125},
		},
		"normal_hour_type":  "100",
		"entered_by":        "worker",
		"approval_chain":    []string{"client", "intermediary"},
		"time_registration": timeRegistration,
		"allowances":        map[string]any{"per_day_cents": 0, "per_hour_cents": 0},
	}
	return a
}

func intermediaryBody(name, email string) map[string]any {
	return map[string]any{"name": name, "kvk": "12345678", "contact": map[string]any{"name": "Anna de Boer", "email": email}}
}

func clientBody(intermediaryID, name, email string) map[string]any {
	return map[string]any{
		"intermediary_id": intermediaryID,
		"name":            name,
		"kvk":             "87654321",
		"address":         map[string]any{"street": "Dorpsstraat", "house_number": "1", "postal_code": "1234 AB", "city": "Utrecht"},
		"contact":         map[string]any{"name": "Kees Bakker", "email": email, "mobile": "06-12345678"},
		"agreement_from":  "2025-01-06",
		"agreement":       agreement(true),
	}
}

func workerBody(email string) map[string]any {
	return map[string]any{
		"name":          map[string]any{"first": "Jan", "infix": "van der", "last": "Berg"},
		"email":         email,
		"function":      "Bakker",
		"bsn":           testBSN,
		"iban":          testIBAN,
		"date_of_birth": "1990-05-17",
		"address":       map[string]any{"street": "Kerkstraat", "house_number": "12-A", "postal_code": "3511 AB", "city": "Utrecht"},
		"mobile":        "0687654321",
		"start":         time.Now().Format(time.DateOnly),
	}
}

// newApp starts a fresh application and logs the back office in: where
// every test here begins. bo is the back office's session token.
func newApp(t *testing.T) (e *it.Env, bo string) {
	t.Helper()
	e = it.New(t)
	return e, e.Login(t, it.BackofficeEmail, it.BackofficePassword)
}

// tenant is one intermediary with one client and one placed worker, each
// with an activated account.
type tenant struct {
	intermediaryID, clientID, workerID, placementID string
	interToken, clientToken, workerToken            string
	clientName, workerEmail                         string
}

const pw = "een-goed-wachtwoord"

// newTenant registers a tenant through the API and activates its accounts
// directly (DemoSetPassword), without waiting for mail.
func newTenant(t *testing.T, e *it.Env, bo, tag string) tenant {
	t.Helper()
	ctx := t.Context()
	var tn tenant
	r := it.Want(t, e.Do(t, http.MethodPost, "/intermediaries", bo, intermediaryBody("Flex "+tag, "flex-"+tag+"@example.test")), http.StatusCreated)
	tn.intermediaryID = r.Str(t, "id")
	interAcc := r.Str(t, "account_id")
	tn.clientName = "Bakkerij " + tag
	r = it.Want(t, e.Do(t, http.MethodPost, "/clients", bo, clientBody(tn.intermediaryID, tn.clientName, "inkoop-"+tag+"@example.test")), http.StatusCreated)
	tn.clientID = r.Str(t, "id")
	clientAcc := r.Str(t, "account_id")
	tn.workerEmail = "jan-" + tag + "@example.test"
	r = it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, withField(withField(workerBody(tn.workerEmail), "client_id", tn.clientID), "bsn", bsnFor(tag))), http.StatusCreated)
	tn.workerID, tn.placementID = r.Str(t, "worker_id"), r.Str(t, "placement_id")
	workerAcc := r.Str(t, "account_id")
	for _, acc := range []string{interAcc, clientAcc, workerAcc} {
		if err := e.Identity.Activation.DemoSetPassword(ctx, acc, pw); err != nil {
			t.Fatal(err)
		}
	}
	tn.interToken = e.Login(t, "flex-"+tag+"@example.test", pw)
	tn.clientToken = e.Login(t, "inkoop-"+tag+"@example.test", pw)
	tn.workerToken = e.Login(t, tn.workerEmail, pw)
	return tn
}

// appWithTenant starts a fresh application (newApp) with one tenant.
func appWithTenant(t *testing.T, tag string) (e *it.Env, bo string, a tenant) {
	t.Helper()
	e, bo = newApp(t)
	return e, bo, newTenant(t, e, bo, tag)
}

// appWithTwoTenants starts a fresh application (newApp) with tenants "a"
// and "b": the start of every test that checks one tenant cannot reach the
// other.
func appWithTwoTenants(t *testing.T) (e *it.Env, bo string, a, b tenant) {
	t.Helper()
	e, bo, a = appWithTenant(t, "a")
	return e, bo, a, newTenant(t, e, bo, "b")
}

// appWithAnnaInvited starts a fresh application (newApp) in which the back
// office registered the intermediary Flex, contact anna@flex.test, and
// returns Anna's activation mail once it arrived.
func appWithAnnaInvited(t *testing.T) (*it.Env, mailtest.Received) {
	t.Helper()
	e, bo := newApp(t)
	it.Want(t, e.Do(t, http.MethodPost, "/intermediaries", bo, intermediaryBody("Flex", "anna@flex.test")), http.StatusCreated)
	return e, e.WaitForMail(t, "anna@flex.test", 1)
}

// bsnFor is a valid BSN per tenant tag: testBSN for "a", a distinct one
// for every other tag (one BSN belongs to one worker).
func bsnFor(tag string) string {
	if tag == "a" {
		return testBSN
	}
	n := 0
	for _, c := range tag {
		n = (n*131 + int(c)) % 9000000
	}
	for n = 200000000 + n*100; ; n++ { // 100 apart: room for one valid BSN each
		s := fmt.Sprintf("%09d", n)
		if validate.BSN(s) == nil && s != testBSN {
			return s
		}
	}
}

func withField(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range m {
		out[kk] = vv
	}
	out[k] = v
	return out
}

// agreementWith is the client body cb with agreement field k set to v.
func agreementWith(cb map[string]any, k string, v any) map[string]any {
	return withField(cb, "agreement", withField(agreement(false), k, v))
}

func withoutField(m map[string]any, k string) map[string]any {
	out := withField(m, k, nil)
	delete(out, k)
	return out
}
