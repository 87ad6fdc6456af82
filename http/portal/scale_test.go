package portal_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// A large client: Bakkerij Bol of the fixture with scaleWorkers more
// workers, each placed since 2023 with a timesheet for every week up to
// the fixture's week 6 of 2026, and scaleDocs documents (half of them
// invoices). The rows are generated in SQL straight into the read models
// (as the timesheet API's BenchmarkQueriesAtScale does): the projectors'
// own throughput is measured elsewhere, and this only reads.
const (
	scaleWorkers = 1_500
	scaleWeeks   = 135 // 2023-W32 .. 2026-W06: 202,500 timesheets
	scaleDocs    = 400
	// scaleEnded of every 10 placements ended in 2025.
	scaleEnded = 1
)

// seedScale adds workers × weeks timesheets (and workers placements,
// docs documents) for client bol. The workers are named Zijlstra00000..,
// so they sort after the fixture's own workers.
func seedScale(tb testing.TB, pool *pgxpool.Pool, workers, weeks, docs int) {
	tb.Helper()
	ctx := context.Background()
	start := time.Now()
	firstWeek := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -7*(weeks-1)) // Monday of 2026-W06 minus weeks-1
	for _, q := range []string{
		`INSERT INTO workers (worker_id, client_id, first_name, infix, last_name, full_name, email, function, registered_at)
		 SELECT 'sw'||lpad(p::text, 5, '0'), 'bol', 'Voornaam', '', 'Zijlstra'||lpad(p::text, 5, '0'),
			'Voornaam Zijlstra'||lpad(p::text, 5, '0'), 'w'||p||'@example.nl', 'Bakker', now()
		 FROM generate_series(0, $1::int - 1) p`,
		`INSERT INTO placements (placement_id, worker_id, client_id, intermediary_id, function, start_date, end_date, ended, started_at)
		 SELECT 'sp'||lpad(p::text, 5, '0'), 'sw'||lpad(p::text, 5, '0'), 'bol', 'flex', 'Bakker', DATE '2023-01-02',
			CASE WHEN p % 10 < ` + fmt.Sprint(scaleEnded) + ` THEN DATE '2025-06-27' END, p % 10 < ` + fmt.Sprint(scaleEnded) + `, now()
		 FROM generate_series(0, $1::int - 1) p`,
		`INSERT INTO ts_placements (placement_id, worker_id, client_id, intermediary_id, start_date, end_date, revision)
		 SELECT placement_id, worker_id, client_id, intermediary_id, start_date, end_date, 0 FROM placements WHERE placement_id LIKE 'sp%'`,
		`INSERT INTO ts_timesheets (stream, placement_id, iso_year, iso_week, week_start, worker_id, client_id, intermediary_id,
			status, next_party, entered_by, total_minutes, entry_deadline, approval_deadline, offered_late, approved_late,
			revision, updated_at, hour_totals)
		 SELECT 'timesheet-sp'||lpad(p::text, 5, '0')||'-'||to_char(ws, 'IYYY"W"IW'), 'sp'||lpad(p::text, 5, '0'),
			extract(isoyear FROM ws)::int, extract(week FROM ws)::int, ws, 'sw'||lpad(p::text, 5, '0'), 'bol', 'flex',
			CASE WHEN age > 3 THEN 'imported' WHEN age = 3 THEN 'approved' WHEN age = 2 THEN 'offered'
				WHEN p % 10 = 0 THEN 'rejected' ELSE 'open' END,
			CASE WHEN age = 2 THEN 'intermediary' END, 'client', 2400,
			ws + interval '8 days', ws + interval '9 days 10 hours', false, false, 4, now(),
			'[{"code":"100","name":"Normale uren","percentage":100,"minutes":2400}]'
		 FROM generate_series(0, $1::int - 1) p, generate_series(0, $2::int - 1) i,
			LATERAL (SELECT $3::date + 7 * i AS ws, $2::int - i AS age) x
		 WHERE p % 10 >= ` + fmt.Sprint(scaleEnded) + ` OR $3::date + 7 * i <= DATE '2025-06-27'`,
		`INSERT INTO ts_status_counts (scope_kind, scope_id, status, n)
		 SELECT 'all', '', status, count(*) FROM ts_timesheets WHERE placement_id LIKE 'sp%' GROUP BY status
		 UNION ALL SELECT 'intermediary', 'flex', status, count(*) FROM ts_timesheets WHERE placement_id LIKE 'sp%' GROUP BY status
		 UNION ALL SELECT 'client', 'bol', status, count(*) FROM ts_timesheets WHERE placement_id LIKE 'sp%' GROUP BY status
		 UNION ALL SELECT 'worker', worker_id, status, count(*) FROM ts_timesheets WHERE placement_id LIKE 'sp%' GROUP BY worker_id, status
		 ON CONFLICT (scope_kind, scope_id, status) DO UPDATE SET n = ts_status_counts.n + excluded.n`,
		`INSERT INTO documents (document_id, client_id, intermediary_id, worker_id, kind, category, title, file_name, content_type,
			size, sha256, uploaded_at, uploaded_by_role, invoice_number, invoice_date, amount_cents, revision)
		 SELECT 'sd'||lpad(i::text, 5, '0'), 'bol', 'flex', CASE WHEN i % 2 = 1 THEN 'sw'||lpad((i % $1::int)::text, 5, '0') ELSE '' END,
			CASE WHEN i % 2 = 0 THEN 'invoice' ELSE 'document' END, CASE WHEN i % 2 = 0 THEN 'invoice' ELSE 'other' END,
			'Stuk '||i, 'stuk'||i||'.pdf', 'application/pdf', 1000, 'x', $3::date + i * interval '1 day', 'backoffice',
			CASE WHEN i % 2 = 0 THEN 'S-'||i END, CASE WHEN i % 2 = 0 THEN $3::date + i END, CASE WHEN i % 2 = 0 THEN 100000 + i END, 0
		 FROM generate_series(0, $4::int - 1) i WHERE $2::int > 0`,
		`ANALYZE`,
	} {
		n := 0 // the statement's highest $n
		for i := 1; i <= 4; i++ {
			if strings.Contains(q, fmt.Sprintf("$%d", i)) {
				n = i
			}
		}
		args := []any{workers, weeks, firstWeek, docs}[:n]
		if _, err := pool.Exec(ctx, q, args...); err != nil {
			tb.Fatalf("seed scale: %v\n%s", err, q)
		}
	}
	tb.Logf("seeded %d workers × %d weeks, %d documents in %s", workers, weeks, docs, time.Since(start).Round(time.Millisecond))
}

// browser is a logged-in portal client for benchmarks (the harness is for
// tests).
type browser struct {
	tb    testing.TB
	url   string
	c     *http.Client
	token string // the API's bearer token
}

func newBrowser(tb testing.TB, f *fixture, email string) *browser {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{tb: tb, url: f.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	u, _ := url.Parse(f.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: "nl", Path: "/"}})
	_, body := b.get("/inloggen")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		tb.Fatal("no CSRF token on /inloggen")
	}
	res, err := b.c.PostForm(f.URL+"/inloggen", url.Values{"csrf": {m[1]}, "email": {email}, "password": {password}})
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		tb.Fatalf("login %s: %d", email, res.StatusCode)
	}
	res, err = http.Post(f.URL+"/api/v1/session", "application/json",
		strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	var session struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&session); err != nil || session.Token == "" {
		tb.Fatalf("API login %s: %d %v", email, res.StatusCode, err)
	}
	b.token = session.Token
	return b
}

func (b *browser) get(path string) (int, string) {
	b.tb.Helper()
	req, err := http.NewRequest(http.MethodGet, b.url+path, nil)
	if err != nil {
		b.tb.Fatal(err)
	}
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+b.token)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.tb.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// scalePages are the list screens of a large client, per user.
var scalePages = []struct{ email, path string }{
	{clientEmail, "/"},
	{clientEmail, "/urenbriefjes"},
	{clientEmail, "/urenbriefjes?status=rejected"},
	{clientEmail, "/urenbriefjes?status=offered"},
	{clientEmail, "/werknemers"},
	{clientEmail, "/overige/facturen"},
	{clientEmail, "/overige/documenten"},
	{clientEmail, "/overige/urenrapport?van=2026-W03&tot=2026-W06"},
	{boEmail, "/urenbriefjes"},
	{boEmail, "/urenbriefjes?status=offered"},
	{boEmail, "/werknemers"},
	{boEmail, "/werknemers?status=beeindigd"},
	{boEmail, "/overige/documenten"},
	{boEmail, "/beheer/opdrachtgevers"},
	{boEmail, "/beheer/opdrachtgevers/bol"},
	{boEmail, "/beheer/sleutels"},
	{boEmail, "/berichten/mislukt"},
	// The JSON API (a path under /api/v1 is called with a bearer token).
	{clientEmail, "/api/v1/timesheets?status=approved&limit=50&cursor=" + afterLastApproved},
	{clientEmail, "/api/v1/timesheets?limit=500"},
	{clientEmail, "/api/v1/placements"},
	{clientEmail, "/api/v1/documents"},
	{clientEmail, "/api/v1/reports/hours?from=2026-W03&to=2026-W06"},
	{boEmail, "/api/v1/timesheets?status=offered&limit=50&cursor=" + afterLastOffered},
	{boEmail, "/api/v1/placements"},
	{boEmail, "/api/v1/accounts"},
	{boEmail, "/api/v1/clients"},
}

// The cursors of the pages after the last approved (2026-W03) and offered
// (2026-W05) timesheet of the seeded weeks: where a status page used to
// read every older row.
var (
	afterLastApproved = base64.RawURLEncoding.EncodeToString([]byte("2026-01-12|sp00000"))
	afterLastOffered  = base64.RawURLEncoding.EncodeToString([]byte("2026-01-26|sp00000"))
)

// BenchmarkListsAtScale renders every list screen for a client with 1,500
// workers and 202,500 timesheets (and the back office that sees it), with
// fsync on. The baseline, timed in the same loop, is the floor of one list
// page: the 50 newest timesheet rows of the client straight from SQL.
// Reports x-baseline (the page's median time over the baseline's, a ratio), the page's
// bytes and, when pg_stat_statements is loaded (as TestMain does under
// -bench), the SQL statements per page.
//
//	go test ./http/portal/ -run '^$' -bench BenchmarkListsAtScale -benchtime 20x
func BenchmarkListsAtScale(b *testing.B) {
	f := newFixture(b)
	seedScale(b, f.Pool, scaleWorkers, scaleWeeks, scaleDocs)
	ctx := context.Background()
	_, statErr := f.Pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`)
	browsers := map[string]*browser{}
	for _, p := range scalePages {
		if browsers[p.email] == nil {
			browsers[p.email] = newBrowser(b, f, p.email)
		}
	}
	for _, p := range scalePages {
		name := strings.NewReplacer("/", "_", "?", "_", "&", "_").Replace(strings.SplitN(p.email, "@", 2)[0] + p.path)
		b.Run(name, func(b *testing.B) {
			br := browsers[p.email]
			br.tb = b
			var page, base []time.Duration
			var bytes int
			statements := int64(-1)
			for range b.N {
				t0 := time.Now()
				rows, err := f.Pool.Query(ctx, `SELECT placement_id, week_start, status FROM ts_timesheets
					WHERE client_id = 'bol' ORDER BY week_start DESC, placement_id DESC LIMIT 50`)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
				base = append(base, time.Since(t0))
				if statErr == nil {
					if _, err := f.Pool.Exec(ctx, `SELECT pg_stat_statements_reset()`); err != nil {
						b.Fatal(err)
					}
				}
				t0 = time.Now()
				code, body := br.get(p.path)
				page = append(page, time.Since(t0))
				if code != http.StatusOK {
					b.Fatalf("GET %s as %s: %d\n%.500s", p.path, p.email, code, body)
				}
				bytes = len(body)
				if statErr == nil {
					var n int64
					if err := f.Pool.QueryRow(ctx, `SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
						WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
						AND query NOT LIKE '%pg_stat_statements%'`).Scan(&n); err != nil {
						b.Fatal(err)
					}
					statements = n
				}
			}
			b.ReportMetric(float64(median(page))/float64(median(base)), "x-baseline")
			b.ReportMetric(float64(median(page).Microseconds()), "page-µs-p50")
			b.ReportMetric(float64(median(base).Microseconds()), "baseline-µs-p50")
			b.ReportMetric(float64(bytes), "bytes/page")
			if statements >= 0 {
				b.ReportMetric(float64(statements), "statements/page")
			}
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
