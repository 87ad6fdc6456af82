package identityapi_test

import (
	"net/http"
	"strings"
	"testing"

	it "backoffice/internal/identitytest"
)

// TestRegistrationFlow drives the whole flow over HTTP: the back
// office registers an intermediary and a client; the client contact gets an
// activation mail over SMTP, activates, logs in and registers a worker; the
// worker gets their mail, activates, logs in and sees their placement.
func TestRegistrationFlow(t *testing.T) {
	e, bo := newApp(t)

	r := it.Want(t, e.Do(t, http.MethodPost, "/intermediaries", bo, intermediaryBody("Flex Uitzend", "anna@flex.test")), http.StatusCreated)
	interID := r.Str(t, "id")
	r = it.Want(t, e.Do(t, http.MethodPost, "/clients", bo, clientBody(interID, "Bakkerij De Korenschoof", "Inkoop@Korenschoof.test")), http.StatusCreated)
	clientID := r.Str(t, "id")

	// The contact's mail: username and a single-use link, never a password.
	m := e.WaitForMail(t, "inkoop@korenschoof.test", 1)
	if !strings.Contains(m.Text, "inkoop@korenschoof.test") || !strings.Contains(m.Text, "Beste Kees Bakker") {
		t.Fatalf("activation mail lacks username or greeting:\n%s", m.Text)
	}
	if strings.Contains(strings.ToLower(m.Text), "wachtwoord:") {
		t.Fatalf("activation mail seems to contain a password:\n%s", m.Text)
	}
	tok := it.LinkToken(t, m)
	it.Want(t, e.Do(t, http.MethodPost, "/session", "", map[string]string{"email": "inkoop@korenschoof.test", "password": "nog-geen-wachtwoord"}), http.StatusUnauthorized)
	it.Want(t, e.Do(t, http.MethodPost, "/activation", "", map[string]string{"token": tok, "password": "korenschoof-2026"}), http.StatusOK)
	// Single use.
	it.Want(t, e.Do(t, http.MethodPost, "/activation", "", map[string]string{"token": tok, "password": "korenschoof-2027"}), http.StatusBadRequest)
	ct := e.Login(t, "inkoop@korenschoof.test", "korenschoof-2026")

	me := it.Want(t, e.Do(t, http.MethodGet, "/me", ct, nil), http.StatusOK).JSON(t)
	if me["role"] != "client" || me["client_id"] != clientID {
		t.Fatalf("me = %v", me)
	}

	// The client registers a worker (its own company is implied).
	r = it.Want(t, e.Do(t, http.MethodPost, "/workers", ct, workerBody("jan@example.test")), http.StatusCreated)
	placementID, workerID := r.Str(t, "placement_id"), r.Str(t, "worker_id")
	if p, _ := r.JSON(t)["placement"].(map[string]any); p["client_id"] != clientID || p["status"] != "active" || p["intermediary_id"] != interID {
		t.Fatalf("placement in the answer: %v", p)
	}
	pos := r.Str(t, "position")

	// The client's "Werknemers" tab shows the new placement at once.
	list := it.Want(t, e.Do(t, http.MethodGet, "/placements?status=active&min_position="+pos, ct, nil), http.StatusOK)
	if !strings.Contains(string(list.Body), placementID) || !strings.Contains(string(list.Body), "Jan van der Berg") {
		t.Fatalf("client does not see the placement: %s", list.Body)
	}

	// The worker's mail, activation, login, and their placement.
	wm := e.WaitForMail(t, "jan@example.test", 1)
	it.Want(t, e.Do(t, http.MethodPost, "/activation", "", map[string]string{"token": it.LinkToken(t, wm), "password": "jan-zijn-wachtwoord"}), http.StatusOK)
	wt := e.Login(t, "jan@example.test", "jan-zijn-wachtwoord")
	r = it.Want(t, e.Do(t, http.MethodGet, "/placements?status=active", wt, nil), http.StatusOK)
	items, _ := r.JSON(t)["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["id"] != placementID || items[0].(map[string]any)["client_name"] != "Bakkerij De Korenschoof" {
		t.Fatalf("worker's placements: %s", r.Body)
	}
	it.Want(t, e.Do(t, http.MethodGet, "/placements/"+placementID, wt, nil), http.StatusOK)

	// Per-field visibility: the worker sees their own BSN and IBAN, the
	// client never does.
	own := it.Want(t, e.Do(t, http.MethodGet, "/workers/"+workerID, wt, nil), http.StatusOK)
	if !strings.Contains(string(own.Body), testBSN) || !strings.Contains(string(own.Body), testIBAN) {
		t.Fatalf("worker does not see own personal data: %s", own.Body)
	}
	seen := it.Want(t, e.Do(t, http.MethodGet, "/workers/"+workerID, ct, nil), http.StatusOK)
	if b := string(seen.Body); strings.Contains(b, testBSN) || strings.Contains(b, testIBAN) || strings.Contains(b, `"bsn"`) ||
		strings.Contains(b, `"iban"`) || strings.Contains(b, "Kerkstraat") || !strings.Contains(b, "+31687654321") {
		t.Fatalf("client's view of the worker: %s", b)
	}

	// Logout ends the session.
	it.Want(t, e.Do(t, http.MethodDelete, "/session", wt, nil), http.StatusNoContent)
	it.Want(t, e.Do(t, http.MethodGet, "/me", wt, nil), http.StatusUnauthorized)
}

// TestPasswordResetAndReissue: unknown addresses are answered like known
// ones; a never-activated account gets a fresh activation link; an active
// one a reset link that sets a new password.
func TestPasswordResetAndReissue(t *testing.T) {
	e, first := appWithAnnaInvited(t)

	unknown := it.Want(t, e.Do(t, http.MethodPost, "/password-reset", "", map[string]string{"email": "niemand@flex.test"}), http.StatusAccepted)
	known := it.Want(t, e.Do(t, http.MethodPost, "/activation/reissue", "", map[string]string{"email": "ANNA@flex.test"}), http.StatusAccepted)
	if string(unknown.Body) != string(known.Body) {
		t.Fatalf("answers differ: %s vs %s", unknown.Body, known.Body)
	}
	second := e.WaitForMail(t, "anna@flex.test", 2)
	oldTok, newTok := it.LinkToken(t, first), it.LinkToken(t, second)
	// The re-issued link replaces the first.
	it.Want(t, e.Do(t, http.MethodPost, "/activation", "", map[string]string{"token": oldTok, "password": "anna-wachtwoord"}), http.StatusBadRequest)
	it.Want(t, e.Do(t, http.MethodPost, "/activation", "", map[string]string{"token": newTok, "password": "anna-wachtwoord"}), http.StatusOK)
	e.Login(t, "anna@flex.test", "anna-wachtwoord")

	it.Want(t, e.Do(t, http.MethodPost, "/password-reset", "", map[string]string{"email": "anna@flex.test"}), http.StatusAccepted)
	reset := e.WaitForMail(t, "anna@flex.test", 3)
	if !strings.Contains(reset.Subject, "Wachtwoord") {
		t.Fatalf("expected a reset mail, got %q", reset.Subject)
	}
	it.Want(t, e.Do(t, http.MethodPost, "/password-reset/complete", "", map[string]string{"token": it.LinkToken(t, reset), "password": "anna-nieuw-wachtwoord"}), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodPost, "/session", "", map[string]string{"email": "anna@flex.test", "password": "anna-wachtwoord"}), http.StatusUnauthorized)
	e.Login(t, "anna@flex.test", "anna-nieuw-wachtwoord")
}
