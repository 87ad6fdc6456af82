package identity_test

import (
	"net/http"
	"testing"
	"time"

	it "backoffice/internal/identitytest"
)

// asBackoffice starts the identity application and logs the back office
// in (the returned token).
func asBackoffice(t *testing.T) (*it.Env, string) {
	e := it.New(t)
	return e, e.Login(t, it.BackofficeEmail, it.BackofficePassword)
}

// The back office registers through the API (201 Created), with what the
// tests look at as arguments and the rest fixed; the responses carry the
// new IDs, the account and the position.

func registerIntermediary(t *testing.T, e *it.Env, bo, name, contact, email string) it.Response {
	t.Helper()
	return register(t, e, bo, "/intermediaries", map[string]any{"name": name, "contact": map[string]string{"name": contact, "email": email}})
}

// registerClient registers a client whose own users enter the hours and
// whose intermediary approves them.
func registerClient(t *testing.T, e *it.Env, bo, intermediaryID, name, contact, email string) it.Response {
	t.Helper()
	return register(t, e, bo, "/clients", map[string]any{
		"intermediary_id": intermediaryID, "name": name, "kvk": "12345678",
		"address":        map[string]string{"street": "Dorpsstraat", "house_number": "1", "postal_code": "1234 AB", "city": "Utrecht"},
		"contact":        map[string]string{"name": contact, "email": email, "mobile": "0612345678"},
		"agreement_from": "2025-01-06",
		"agreement": map[string]any{"hour_types": []map[string]any{{"code": "100", "name": "Normaal", "percentage": 100}},
			"normal_hour_type": "100", "entered_by": "client", "approval_chain": []string{"intermediary"}},
	})
}

// registerWorker registers a worker placed at the client from today; name
// is first, infix and last.
func registerWorker(t *testing.T, e *it.Env, bo, clientID string, name map[string]string, email, bsn string) it.Response {
	t.Helper()
	return register(t, e, bo, "/workers", map[string]any{
		"client_id": clientID, "name": name, "email": email,
		"function": "Bakker", "bsn": bsn, "iban": "NL91ABNA0417164300", "date_of_birth": "1990-01-01",
		"address": map[string]string{"street": "K", "house_number": "1", "postal_code": "1234 AB", "city": "U"},
		"mobile":  "0612345678", "start": time.Now().Format(time.DateOnly),
	})
}

func register(t *testing.T, e *it.Env, bo, path string, body map[string]any) it.Response {
	t.Helper()
	return it.Want(t, e.Do(t, http.MethodPost, path, bo, body), http.StatusCreated)
}
