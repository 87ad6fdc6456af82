package notifyapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/http/api/notifyapi"
	"backoffice/internal/apitest"
	"backoffice/notify/sms"
	"backoffice/notify/sms/smstest"
)

// failedPage is one answer of a failed list.
type failedPage struct {
	Deliveries []notifyapi.FailedDelivery `json:"deliveries"`
	NextCursor string                     `json:"next_cursor"`
}

// walkFailed follows next_cursor from path (with its limit) and returns
// the recipients of every page.
func walkFailed(t *testing.T, base, path string) (pages [][]string) {
	t.Helper()
	cursor := ""
	for {
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		r := apitest.Request(t, http.MethodGet, base+p, nil, apitest.ActorHeader, "backoffice")
		var page failedPage
		if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
			t.Fatalf("GET %s: %d %s", p, r.Status, r.Body)
		}
		var rows []string
		for _, d := range page.Deliveries {
			rows = append(rows, d.Recipient)
		}
		pages = append(pages, rows)
		if cursor = page.NextCursor; cursor == "" || len(pages) > 20 {
			return pages
		}
	}
}

// TestFailedListsArePaged: 250 failed mails and 150 failed texts among
// thousands sent come in pages (limit, next_cursor absent on the last
// page) that hold each failed one once, newest first; the default page is
// 100; a bad limit or cursor is 400 limit_invalid / cursor_invalid.
func TestFailedListsArePaged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	fake := smstest.NewSpryng(t)
	gateway, err := sms.NewSpryng(sms.SpryngConfig{URL: fake.URL, Token: fake.Token, Originator: "Backoffice", Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	texts, err := sms.NewDispatcher(sms.DispatcherConfig{Pool: e.pool, Sender: gateway, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	feature, err := notifyapi.New(notifyapi.Deps{Pool: e.pool, Mail: e.disp, SMS: texts, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	base := apitest.ServeFeature(t, e.pool, feature)
	// Every 20th of 5,000 mails and every 10th of 1,500 texts failed; the
	// i-th is i minutes old.
	if _, err := e.pool.Exec(ctx, `INSERT INTO mail_deliveries (event_id, recipient, kind, status, attempts,
			last_error, next_attempt_at, created_at, payload)
		SELECT gen_random_uuid(), 'w'||i||'@example.nl', 'reminder', CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'sent' END, 5,
			'550 mailbox unavailable', now(), now() - i * interval '1 minute', '{}'
		FROM generate_series(1, 5000) i`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `INSERT INTO sms_deliveries (event_id, kind, recipient, masked_recipient, body,
			status, attempts, last_error, next_attempt_at, created_at)
		SELECT gen_random_uuid(), 'sign_tan', '', 'nr'||i, '', CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'sent' END, 4,
			'HTTP 422', now(), now() - i * interval '1 minute'
		FROM generate_series(1, 1500) i`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path        string
		sizes       []int
		first, last string
	}{
		{"/mail-deliveries/failed?limit=100", []int{100, 100, 50}, "w20@example.nl", "w5000@example.nl"},
		{"/mail-deliveries/failed?limit=500", []int{250}, "w20@example.nl", "w5000@example.nl"},
		{"/sms-deliveries/failed?limit=60", []int{60, 60, 30}, "nr10", "nr1500"},
	} {
		pages := walkFailed(t, base, tc.path)
		var sizes []int
		for _, p := range pages {
			sizes = append(sizes, len(p))
		}
		all := slices.Concat(pages...)
		if !slices.Equal(sizes, tc.sizes) || all[0] != tc.first || all[len(all)-1] != tc.last ||
			len(slices.Compact(slices.Sorted(slices.Values(all)))) != len(all) {
			t.Errorf("%s: pages of %v, first %s, last %s; want %v, %s … %s, each once", tc.path, sizes, all[0], all[len(all)-1], tc.sizes, tc.first, tc.last)
		}
	}
	// The default page is 100, with a cursor to the next.
	r := apitest.Request(t, http.MethodGet, base+"/mail-deliveries/failed", nil, apitest.ActorHeader, "backoffice")
	var page failedPage
	if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil || len(page.Deliveries) != 100 || page.NextCursor == "" {
		t.Fatalf("default page: %d, %d rows, next %q", r.Status, len(page.Deliveries), page.NextCursor)
	}
	for _, tc := range []struct{ query, code string }{
		{"?limit=501", "limit_invalid"}, {"?limit=0", "limit_invalid"}, {"?limit=x", "limit_invalid"},
		{"?cursor=bm9wZQ", "cursor_invalid"}, {"?cursor=%25", "cursor_invalid"},
	} {
		for _, list := range []string{"/mail-deliveries/failed", "/sms-deliveries/failed"} {
			r := apitest.Request(t, http.MethodGet, base+list+tc.query, nil, apitest.ActorHeader, "backoffice")
			if r.Status != 400 || !strings.Contains(string(r.Body), `"code":"`+tc.code+`"`) {
				t.Errorf("%s%s: %d %s; want 400 %s", list, tc.query, r.Status, r.Body, tc.code)
			}
		}
	}
}
