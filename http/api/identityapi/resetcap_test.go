package identityapi_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	it "backoffice/internal/identitytest"
)

// Issue 10 §5: 50 concurrent reset requests for one address send at most
// 5 link mails an hour (the check used to run per request in parallel: 45
// mails).
func TestResetMailCapHoldsUnderConcurrency(t *testing.T) {
	e, _ := appWithAnnaInvited(t) // the activation mail: one of the five

	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it.Want(t, e.Do(t, http.MethodPost, "/password-reset", "", map[string]string{"email": "anna@flex.test"}), http.StatusAccepted)
		}()
	}
	wg.Wait()
	e.LinkMails.Wait() // the link requests run in the background
	var queued int
	if err := e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_deliveries
		WHERE recipient = 'anna@flex.test' AND kind IN ('activation', 'password_reset')`).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if queued != 5 {
		t.Fatalf("%d link mails queued for one address, want 5 (the cap)", queued)
	}
}
