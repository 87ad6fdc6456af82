package notifyapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain/account"
	"backoffice/domain/timesheet"
	"backoffice/http/api/notifyapi"
	"backoffice/internal/apitest"
	"backoffice/internal/notifytest"
	"backoffice/internal/pgtest"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/missing"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type env struct {
	t    testing.TB
	url  string
	pool *pgxpool.Pool
	disp *mail.Dispatcher
	srv  *mailtest.Server
}

// Wednesday 4 March 2026, 12:00 in Amsterdam.
var now = time.Date(2026, 3, 4, 12, 0, 0, 0, timesheet.Location())

func newEnv(t *testing.T) *env { return newEnvTB(t) }

func newEnvTB(t testing.TB) *env {
	t.Helper()
	pool := pgtest.Pool(t, notifytest.NewDB(t))
	srv := mailtest.New(t)
	sender, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: "Backoffice <noreply@backoffice.test>"})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: sender, MaxAttempts: 1, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	feature, err := notifyapi.New(notifyapi.Deps{Pool: pool, Mail: disp, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, url: apitest.ServeFeature(t, pool, feature), pool: pool, disp: disp, srv: srv}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(method, path, actor string, body any) response {
	e.t.Helper()
	var header []string
	if actor != "" {
		header = []string{apitest.ActorHeader, actor}
	}
	r := apitest.Request(e.t, method, e.url+path, body, header...)
	return response{r.Status, r.Header, r.Body}
}

// TestMissingHoursMatrix: each role sees the missing weeks of its own scope
// and nothing of another tenant, in JSON and CSV; workers and integrations
// get 403, nobody logged in 401.
func TestMissingHoursMatrix(t *testing.T) {
	e := newEnv(t)
	ofTenant := map[string][]string{ // strings of a tenant's data
		"1": {"Piet Jansen", "Bakkerij De Korenbloem", `"p1"`},
		"2": {"Kees Bos", "Metaalwerk Oost", `"p3"`},
	}
	cases := []struct {
		actor, query string
		status       int
		rows         []string
		sees         string // "1", "2", "12" or ""
	}{
		{"", "week=2026-W09", 401, nil, ""},
		{"backoffice", "week=2026-W09", 200, []string{"p1 2026-W09 open", "p3 2026-W09 missing"}, "12"},
		{"backoffice", "week=2026-W09&client=c2", 200, []string{"p3 2026-W09 missing"}, "2"},
		{"backoffice", "week=2026-W08", 200, nil, ""},
		{"inter1", "week=2026-W09", 200, []string{"p1 2026-W09 open"}, "1"},
		{"client1", "week=2026-W09", 200, []string{"p1 2026-W09 open"}, "1"},
		{"client1", "week=2026-W09&client=c2", 200, nil, ""},
		{"inter2", "week=2026-W09", 200, []string{"p3 2026-W09 missing"}, "2"},
		{"client2", "week=2026-W09", 200, []string{"p3 2026-W09 missing"}, "2"},
		{"inter2", "week=2026-W09&client=c1", 200, nil, ""},
		{"worker1", "week=2026-W09", 403, nil, ""},
		{"payroll", "week=2026-W09", 403, nil, ""},
		{"auditor", "week=2026-W09", 403, nil, ""},
		{"backoffice", "week=2026-W99", 400, nil, ""},
	}
	for _, c := range cases {
		for _, format := range []string{"json", "csv"} {
			r := e.do(http.MethodGet, "/missing-hours?format="+format+"&"+c.query, c.actor, nil)
			if r.status != c.status {
				t.Errorf("%s %s %s: status %d, want %d: %s", c.actor, c.query, format, r.status, c.status, r.body)
				continue
			}
			for tenant, secrets := range ofTenant {
				for _, s := range secrets {
					if format == "csv" {
						s = strings.Trim(s, `"`)
					}
					if got, want := bytes.Contains(r.body, []byte(s)), strings.Contains(c.sees, tenant); got != want {
						t.Errorf("%s %s %s: shows %q = %v, want %v", c.actor, c.query, format, s, got, want)
					}
				}
			}
			if r.status != 200 || format != "json" {
				continue
			}
			var rep struct {
				Rows []struct {
					PlacementID   string    `json:"placement_id"`
					Week          string    `json:"week"`
					Status        string    `json:"status"`
					EntryDeadline time.Time `json:"entry_deadline"`
					LateHours     int       `json:"late_hours"`
				} `json:"rows"`
				PerClient []struct {
					ClientID string `json:"client_id"`
					Missing  int    `json:"missing"`
				} `json:"per_client"`
			}
			if err := json.Unmarshal(r.body, &rep); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, row := range rep.Rows {
				got = append(got, row.PlacementID+" "+row.Week+" "+row.Status)
				// Deadline Tuesday 3 March 00:00, asked Wednesday 12:00: 36 hours late.
				if !row.EntryDeadline.Equal(time.Date(2026, 3, 3, 0, 0, 0, 0, timesheet.Location())) || row.LateHours != 36 {
					t.Errorf("%s: deadline %v, late %d h", row.PlacementID, row.EntryDeadline, row.LateHours)
				}
			}
			if !slices.Equal(got, c.rows) {
				t.Errorf("%s %s: rows %v, want %v", c.actor, c.query, got, c.rows)
			}
			if len(c.rows) > 0 && len(rep.PerClient) != len(c.rows) {
				t.Errorf("%s %s: per client %+v", c.actor, c.query, rep.PerClient)
			}
		}
	}
	// The CSV is the spreadsheet download.
	r := e.do(http.MethodGet, "/missing-hours?format=csv&week=2026-W09", "backoffice", nil)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") ||
		!strings.Contains(string(r.body), "Opdrachtgever;Intermediair;Werknemer") || !strings.Contains(string(r.body), "2026-03-03 00:00;36") {
		t.Errorf("CSV %s:\n%s", ct, r.body)
	}
	// Without a week: the 8 past weeks (W02..W09), newest first in "weeks".
	r = e.do(http.MethodGet, "/missing-hours", "client2", nil)
	var all struct {
		Weeks []string `json:"weeks"`
		Rows  []any    `json:"rows"`
	}
	if err := json.Unmarshal(r.body, &all); err != nil || len(all.Weeks) != 8 || all.Weeks[0] != "2026-W09" || all.Weeks[7] != "2026-W02" {
		t.Fatalf("default weeks %v (%v): %s", all.Weeks, err, r.body)
	}
	// c2: p3 misses W02..W07 and W09, p4 W02..W07 (W08 approved, W09 offered).
	if len(all.Rows) != 13 {
		t.Errorf("client2 over 8 weeks: %d rows, want 13", len(all.Rows))
	}
}

func TestNotificationSettings(t *testing.T) {
	e := newEnv(t)
	get := func(actor string) string {
		r := e.do(http.MethodGet, "/me/notification-settings", actor, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", actor, r.status, r.body)
		}
		return strings.TrimSpace(string(r.body))
	}
	if got := get("worker1"); got != `{"approved_mail":true,"reminders":true}` {
		t.Errorf("defaults %s", got)
	}
	if r := e.do(http.MethodPut, "/me/notification-settings", "worker1", map[string]bool{"approved_mail": false, "reminders": true}); r.status != 200 {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	if got := get("worker1"); got != `{"approved_mail":false,"reminders":true}` {
		t.Errorf("after put %s", got)
	}
	if got := get("client1"); got != `{"approved_mail":true,"reminders":true}` {
		t.Errorf("another account changed: %s", got)
	}
	if r := e.do(http.MethodPut, "/me/notification-settings", "worker1", map[string]bool{"reminders": false}); r.status != 400 {
		t.Errorf("missing field: %d %s", r.status, r.body)
	}
	if got := get("worker1"); got != `{"approved_mail":false,"reminders":true}` {
		t.Errorf("a refused put changed the settings: %s", got)
	}
	for _, actor := range []string{"payroll", "auditor"} {
		if r := e.do(http.MethodPut, "/me/notification-settings", actor, map[string]bool{"approved_mail": false, "reminders": false}); r.status != 403 {
			t.Errorf("%s put: %d", actor, r.status)
		}
	}
	if r := e.do(http.MethodGet, "/me/notification-settings", "", nil); r.status != 401 {
		t.Errorf("anonymous: %d", r.status)
	}
}

// TestFailedMailVisibleAndRetryable: a mail the server refused is listed
// for the back office with its error, only the back office can queue it
// again, and it is then delivered.
func TestFailedMailVisibleAndRetryable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.srv.RejectWith(func(mailtest.Received) error { return errors.New("mailbox full") })
	id := uuid.New()
	msg := mail.TimesheetApprovedMail("nl", "piet@w.example", "Piet", mail.TimesheetRef{Worker: "Piet Jansen", Week: "2026-W09", Link: "https://portal.test/x"})
	if err := e.disp.Enqueue(ctx, e.pool, id, msg); err != nil {
		t.Fatal(err)
	}
	if _, err := e.disp.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	r := e.do(http.MethodGet, "/mail-deliveries/failed", "backoffice", nil)
	if r.status != 200 || !strings.Contains(string(r.body), id.String()) || !strings.Contains(string(r.body), "mailbox full") ||
		!strings.Contains(string(r.body), `"kind":"timesheet_approved"`) || !strings.Contains(string(r.body), `"queued_at":"2026-03-04T11:00:00Z"`) || strings.Contains(string(r.body), "https://portal.test/x") {
		t.Fatalf("failed list: %d %s", r.status, r.body)
	}
	for _, actor := range []string{"client1", "inter1", "worker1", "payroll"} {
		if r := e.do(http.MethodGet, "/mail-deliveries/failed", actor, nil); r.status != 403 || strings.Contains(string(r.body), id.String()) {
			t.Errorf("%s list: %d %s", actor, r.status, r.body)
		}
		if r := e.do(http.MethodPost, "/mail-deliveries/"+id.String()+"/retry", actor, nil); r.status != 403 {
			t.Errorf("%s retry: %d", actor, r.status)
		}
	}
	if d, _ := e.disp.Delivery(ctx, id); d.Status != mail.StatusFailed {
		t.Fatalf("a refused retry changed the delivery: %+v", d)
	}
	e.srv.RejectWith(nil)
	if r := e.do(http.MethodPost, "/mail-deliveries/"+id.String()+"/retry", "backoffice", nil); r.status != 202 {
		t.Fatalf("retry: %d %s", r.status, r.body)
	}
	if _, err := e.disp.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	if d, _ := e.disp.Delivery(ctx, id); d.Status != mail.StatusSent || len(e.srv.Messages()) != 1 {
		t.Errorf("after retry: %+v, %d messages", d, len(e.srv.Messages()))
	}
	if r := e.do(http.MethodPost, "/mail-deliveries/"+id.String()+"/retry", "backoffice", nil); r.status != 404 {
		t.Errorf("retry of a sent mail: %d", r.status)
	}
	if r := e.do(http.MethodPost, "/mail-deliveries/not-a-uuid/retry", "backoffice", nil); r.status != 404 {
		t.Errorf("retry of a bad ID: %d", r.status)
	}
}

// TestMissingCountAgreesWithRows: the home page's counted summary
// (missing.Count) is the overview's rows counted, in every scope and for
// one and for eight weeks; a worker's or a half-filled actor's scope counts
// nothing of others.
func TestMissingCountAgreesWithRows(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	seen := 0
	for name, a := range apitest.Actors() {
		sc, err := missing.ScopeFor(a)
		if err != nil {
			continue // the overview refuses this role
		}
		for _, weeks := range [][]timesheet.ISOWeek{missing.PastWeeks(now, 1), missing.PastWeeks(now, 8)} {
			f := missing.Filter{Scope: sc, Weeks: weeks}
			rows, err := missing.Query(ctx, e.pool, f, now)
			if err != nil {
				t.Fatal(err)
			}
			tot, err := missing.Count(ctx, e.pool, f)
			if err != nil {
				t.Fatal(err)
			}
			clients := map[string]bool{}
			oldest := timesheet.ISOWeek{}
			for _, r := range rows {
				clients[r.ClientID] = true
				if oldest.Year == 0 || r.Week.Start().Before(oldest.Start()) {
					oldest = r.Week
				}
			}
			seen += len(rows)
			if tot.Missing != len(rows) || tot.Clients != len(clients) || tot.Oldest != oldest {
				t.Errorf("%s, %d weeks: count %+v, rows %d at %d clients from %v", name, len(weeks), tot, len(rows), len(clients), oldest)
			}
		}
	}
	if seen == 0 {
		t.Fatal("the data set has no missing hours: the comparison proves nothing")
	}
	tot, err := missing.Count(ctx, e.pool, missing.Filter{Scope: account.Scope{Kind: account.ScopeNone}, Weeks: missing.PastWeeks(now, 8)})
	if err != nil || tot.Missing != 0 {
		t.Fatalf("no scope counts %+v (%v)", tot, err)
	}
}
