package notifyapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/http/api/notifyapi"
	"backoffice/internal/apitest"
	"backoffice/notify/sms"
	"backoffice/notify/sms/smstest"
)

// TestFailedSMSVisibleToTheBackofficeOnly: a text message the gateway
// refused is listed for the back office with its error and the masked
// number, never the number or the text; other roles get 403; without an
// SMS queue the list is empty.
func TestFailedSMSVisibleToTheBackofficeOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	fake := smstest.NewSpryng(t)
	fake.Answer(422)
	gateway, err := sms.NewSpryng(sms.SpryngConfig{URL: fake.URL, Token: fake.Token, Originator: "Backoffice", Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	queue, err := sms.NewDispatcher(sms.DispatcherConfig{Pool: e.pool, Sender: gateway, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	feature, err := notifyapi.New(notifyapi.Deps{Pool: e.pool, Mail: e.disp, SMS: queue, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	url := apitest.ServeFeature(t, e.pool, feature)
	get := func(base, actor string) (int, string) {
		r := apitest.Request(t, http.MethodGet, base+"/sms-deliveries/failed", nil, apitest.ActorHeader, actor)
		return r.Status, string(r.Body)
	}

	id := uuid.New()
	if err := queue.Enqueue(ctx, e.pool, id, sms.Queued{Message: sms.Message{To: "+31612345678", Body: "Uw TAN-code is WXYZ"}, Kind: "sign_tan"}); err != nil {
		t.Fatal(err)
	}
	if _, err := queue.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	status, body := get(url, "backoffice")
	if status != 200 || !strings.Contains(body, id.String()) || !strings.Contains(body, `"recipient":"+31 6 ••• ••78"`) ||
		!strings.Contains(body, "HTTP 422") || !strings.Contains(body, `"kind":"sign_tan"`) || !strings.Contains(body, `"attempts":1`) {
		t.Fatalf("failed list: %d %s", status, body)
	}
	if strings.Contains(body, "612345678") || strings.Contains(body, "WXYZ") {
		t.Fatalf("the list holds the number or the text: %s", body)
	}
	for _, actor := range []string{"client1", "inter1", "worker1", "payroll"} {
		if status, body := get(url, actor); status != 403 || strings.Contains(body, id.String()) {
			t.Errorf("%s list: %d %s", actor, status, body)
		}
	}
	// The feature without a gateway (e's) lists nothing.
	if status, body := get(e.url, "backoffice"); status != 200 || body != `{"deliveries":[]}`+"\n" && body != `{"deliveries":[]}` {
		t.Errorf("without an SMS queue: %d %q", status, body)
	}
}
