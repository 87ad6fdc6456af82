package identityapi_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"backoffice/commands/identity"
	"backoffice/domain/account"
	"backoffice/internal/apitest"
	it "backoffice/internal/identitytest"
)

// TestIdentityCommandRetriedAfterALostAnswer: a registration (and ending a
// placement, changing an agreement) whose events
// were appended but whose answer was lost (kill -9 of serve, or of the
// database, between the append and storing the answer) is retried with
// its Idempotency-Key; the retry takes the claim over and must answer the
// first attempt's result: the same IDs, not 422 email_taken (the account
// the first attempt made) and not a second tenant. Found by the kill -9
// probe: 11 of 15 retried worker registrations answered email_taken.
func TestIdentityCommandRetriedAfterALostAnswer(t *testing.T) {
	e, bo, a := appWithTenant(t, "a")
	cases := []struct {
		name, path string
		body       map[string]any
		method     string // POST when empty
	}{
		{"intermediary", "/intermediaries", intermediaryBody("Flex retry", "flex-retry@example.test"), ""},
		{"client", "/clients", clientBody(a.intermediaryID, "Bakkerij retry", "inkoop-retry@example.test"), ""},
		{"worker", "/workers", withField(withField(workerBody("jan-retry@example.test"), "client_id", a.clientID), "bsn", bsnFor("retry")), ""},
		// Not registrations, but the same flaw: 409 already_ended, and
		// position 0-0 for a value set already.
		{"end placement", "/placements/" + a.placementID + "/end", map[string]any{"end": time.Now().AddDate(0, 0, 14).Format(time.DateOnly)}, ""},
		{"agreement", "/clients/" + a.clientID + "/agreement", map[string]any{"effective_from": nextMonday(), "agreement": agreement(false)}, ""},
		// The portal's "Beheer" (backoffice.go): without the replay a
		// retry answers position 0-0 (nothing left to change), or 409
		// client_user_exists for the login its first attempt made.
		{"client details", "/clients/" + a.clientID + "/details", detailsBody("Bakkerij retry", "inkoop-a@example.test"), http.MethodPut},
		{"client contact", "/clients/" + a.clientID + "/details", detailsBody("Bakkerij retry", "nieuw-retry@example.test"), http.MethodPut},
		{"intermediary contact", "/intermediaries/" + a.intermediaryID + "/contact",
			map[string]any{"contact": map[string]any{"name": "Piet", "email": "piet-retry@example.test"}}, http.MethodPut},
		{"invite client user", "/clients/" + a.clientID + "/users", map[string]any{"email": "marie-retry@example.test"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := "lost-answer-" + c.name
			method := c.method
			if method == "" {
				method = http.MethodPost
			}
			post := func() it.Response {
				return it.Response(apitest.Request(t, method, e.URL+c.path, c.body,
					"Authorization", "Bearer "+bo, "Idempotency-Key", key))
			}
			first := post()
			if first.Status >= 300 {
				t.Fatalf("first attempt: %d %s", first.Status, first.Body)
			}
			// The answer never reached the key store: the claim is left
			// as a crash leaves it, and is taken over by the retry.
			tag, err := e.Pool.Exec(t.Context(), `UPDATE idempotency_keys SET status = NULL, response = NULL, position = NULL,
				created_at = now() - interval '1 hour' WHERE key = $1`, key)
			if err != nil || tag.RowsAffected() != 1 {
				t.Fatalf("forget the answer: %v (%d rows)", err, tag.RowsAffected())
			}
			retry := post()
			if retry.Status != first.Status || !bytes.Equal(retry.Body, first.Body) {
				t.Fatalf("retry answered %d %s\nfirst answer %s", retry.Status, retry.Body, first.Body)
			}
			// And the answer is kept now: a third attempt replays it.
			if again := post(); again.Status != first.Status || !bytes.Equal(again.Body, first.Body) {
				t.Fatalf("third attempt answered %d %s", again.Status, again.Body)
			}
		})
	}
}

// TestTokenRetriedAfterALostAnswerIsNotASecondToken: POST /tokens whose
// answer was lost is retried with its key. The secret cannot be told again
// (only its hash is kept), but the retry must not create a second live
// token either: it answers 409 secret_not_replayable, and one token exists.
func TestTokenRetriedAfterALostAnswerIsNotASecondToken(t *testing.T) {
	e, bo := newApp(t)
	post := func() it.Response {
		return it.Response(apitest.Request(t, http.MethodPost, e.URL+"/tokens", `{"role":"auditor","label":"Accountant"}`,
			"Authorization", "Bearer "+bo, "Idempotency-Key", "token-lost-answer"))
	}
	first := it.Want(t, post(), http.StatusCreated)
	if _, err := e.Pool.Exec(t.Context(), `UPDATE idempotency_keys SET status = NULL, response = NULL, position = NULL,
		created_at = now() - interval '1 hour' WHERE key = 'token-lost-answer'`); err != nil {
		t.Fatal(err)
	}
	retry := post()
	if code, _ := retry.ErrorField(t); retry.Status != http.StatusConflict || code != "secret_not_replayable" ||
		bytes.Contains(retry.Body, []byte(first.Str(t, "token"))) {
		t.Fatalf("retry answered %d %s, want 409 secret_not_replayable", retry.Status, retry.Body)
	}
	var n int
	if err := e.Pool.QueryRow(t.Context(), `SELECT count(*) FROM api_tokens WHERE label = 'Accountant'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d tokens (%v), want 1", n, err)
	}
}

// TestTokenRetriedAfterItsActivationWasLost: POST /tokens killed after
// token.created was appended but before the token was made live (the
// state such a kill leaves: the row pending, no answer stored). The retry
// with the key used to answer 409 secret_not_replayable over a recorded
// token nobody had a secret for; it now answers 201 with the same ID and
// position and a secret that works, and the next retry is 409.
func TestTokenRetriedAfterItsActivationWasLost(t *testing.T) {
	e, bo := newApp(t)
	post := func() it.Response {
		return it.Response(apitest.Request(t, http.MethodPost, e.URL+"/tokens", `{"role":"payroll","label":"Loket"}`,
			"Authorization", "Bearer "+bo, "Idempotency-Key", "token-not-activated"))
	}
	first := it.Want(t, post(), http.StatusCreated)
	if _, err := e.Pool.Exec(t.Context(), `UPDATE api_tokens SET revoked_at = created_at WHERE id = $1`, first.Str(t, "id")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Pool.Exec(t.Context(), `UPDATE idempotency_keys SET status = NULL, response = NULL, position = NULL,
		created_at = now() - interval '1 hour' WHERE key = 'token-not-activated'`); err != nil {
		t.Fatal(err)
	}
	retry := it.Want(t, post(), http.StatusCreated)
	for _, f := range []string{"id", "role", "label", "position"} {
		if retry.Str(t, f) != first.Str(t, f) {
			t.Errorf("retry's %s = %q, want the first attempt's %q", f, retry.Str(t, f), first.Str(t, f))
		}
	}
	secret := retry.Str(t, "token")
	if secret == "" || secret == first.Str(t, "token") {
		t.Fatalf("retry's secret %q: want a new one", secret)
	}
	it.Want(t, e.Do(t, http.MethodGet, "/me", secret, nil), http.StatusOK)
	again := post()
	if code, _ := again.ErrorField(t); again.Status != http.StatusConflict || code != "secret_not_replayable" || bytes.Contains(again.Body, []byte(secret)) {
		t.Fatalf("third attempt answered %d %s, want 409 secret_not_replayable", again.Status, again.Body)
	}
}

// TestTokenRetriedAfterTheSweep: the same kill point, and nobody retried
// within identity.PendingTokenBound: the sweep revoked the token
// (token.revoked, cause never_activated). A retry then answers 409
// token_creation_expired with a message that says what to do, not
// secret_not_replayable (whose "revoke the token" advice is moot: its
// secret was never shown), and no secret.
func TestTokenRetriedAfterTheSweep(t *testing.T) {
	e, bo := newApp(t)
	post := func() it.Response {
		return it.Response(apitest.Request(t, http.MethodPost, e.URL+"/tokens", `{"role":"payroll","label":"Loket"}`,
			"Authorization", "Bearer "+bo, "Idempotency-Key", "token-swept"))
	}
	first := it.Want(t, post(), http.StatusCreated)
	if _, err := e.Pool.Exec(t.Context(), `UPDATE api_tokens SET revoked_at = created_at WHERE id = $1`, first.Str(t, "id")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Pool.Exec(t.Context(), `UPDATE idempotency_keys SET status = NULL, response = NULL, position = NULL,
		created_at = now() - interval '1 hour' WHERE key = 'token-swept'`); err != nil {
		t.Fatal(err)
	}
	if n, err := e.Identity.Tokens.SweepPendingTokens(t.Context(), time.Now().Add(identity.PendingTokenBound+time.Hour)); err != nil || n != 1 {
		t.Fatalf("sweep revoked %d (%v), want 1", n, err)
	}
	retry := post()
	if code, _ := retry.ErrorField(t); retry.Status != http.StatusConflict || code != "token_creation_expired" ||
		!bytes.Contains(retry.Body, []byte("Idempotency-Key")) || bytes.Contains(retry.Body, []byte("bo_")) {
		t.Fatalf("retry after the sweep answered %d %s, want 409 token_creation_expired", retry.Status, retry.Body)
	}
	it.Want(t, e.Do(t, http.MethodGet, "/me", first.Str(t, "token"), nil), http.StatusUnauthorized)
}

// TestActivationFormSentTwice: the activation form sent twice (a double
// click, a reload after a lost answer) with the same password answers 200
// both times, not 400 "link used" for the password the first just set;
// one account.activated is recorded. Another password on the used link is
// still refused.
func TestActivationFormSentTwice(t *testing.T) {
	e, bo := newApp(t)
	r := it.Want(t, e.Do(t, http.MethodPost, "/intermediaries", bo, intermediaryBody("Flex twice", "flex-twice@example.test")), http.StatusCreated)
	tok := it.LinkToken(t, e.WaitForMail(t, "flex-twice@example.test", 1))
	body := map[string]string{"token": tok, "password": "flex-wachtwoord-1"}
	for range 2 {
		it.Want(t, e.Do(t, http.MethodPost, "/activation", "", body), http.StatusOK)
	}
	it.Want(t, e.Do(t, http.MethodPost, "/activation", "", map[string]string{"token": tok, "password": "een-ander-wachtwoord"}), http.StatusBadRequest)
	if n := len(e.Recorded(t, account.Stream(r.Str(t, "account_id")), account.TypeActivated)); n != 1 {
		t.Fatalf("%d account.activated events, want 1", n)
	}
	e.Login(t, "flex-twice@example.test", "flex-wachtwoord-1")
}
