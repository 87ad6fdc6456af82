package notifyapi_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"backoffice/domain/account"
	"backoffice/domain/timesheet"
	"backoffice/internal/apitest"
	"backoffice/notify/missing"
	"backoffice/readmodel/missingweeks"
)

// BenchmarkMissingHoursAtScale: 50,000 active placements (1,000 clients,
// 20 intermediaries) × the 8 past weeks = 400,000 placement-weeks, of which
// 95 % approved, 3 % open and 2 % never entered; requests through the HTTP
// API, interleaved in one loop with the cheapest authenticated request of
// the same API (GET /me/notification-settings, one key lookup) as baseline,
// and with the back office's week asked straight from the database twice:
// from the missing_weeks read model (what the API reads) and by the scan it
// replaced (missing.QueryScan). Reports p50 and p99 per request kind in ms.
//
//	go test ./http/api/notifyapi/ -run '^$' -bench MissingHoursAtScale -benchtime 200x -timeout 30m -count=1
func BenchmarkMissingHoursAtScale(b *testing.B) { benchMissingHours(b, false) }

// BenchmarkMissingHoursWithNamesAtScale is the same with the identity read
// model filled to scale too (50,000 workers, 1,000 clients with an
// agreement, 20 intermediaries), so the rows' names and agreements are
// real lookups, not misses in tables of a few rows.
//
//	go test ./http/api/notifyapi/ -run '^$' -bench MissingHoursWithNamesAtScale -benchtime 200x -timeout 30m -count=1
func BenchmarkMissingHoursWithNamesAtScale(b *testing.B) { benchMissingHours(b, true) }

func benchMissingHours(b *testing.B, names bool) {
	e := newBenchEnv(b)
	ctx := context.Background()
	if _, err := e.pool.Exec(ctx, `
		INSERT INTO ts_placements (placement_id, worker_id, client_id, intermediary_id, start_date, end_date, revision)
		SELECT 'bp' || n, 'bw' || n, 'c' || ((n - 1) % 1000 + 1), 'i' || ((n - 1) % 1000 % 20 + 1), '2025-01-06', NULL, 1
		FROM generate_series(1, 50000) n;
		INSERT INTO placements (placement_id, worker_id, client_id, intermediary_id, function, start_date, end_date, ended, started_at)
		SELECT placement_id, worker_id, client_id, intermediary_id, 'bakker', start_date, end_date, false, now() FROM ts_placements WHERE placement_id LIKE 'bp%';
		INSERT INTO ts_timesheets (stream, placement_id, iso_year, iso_week, week_start, worker_id, client_id, intermediary_id,
			status, total_minutes, entry_deadline, approval_deadline, offered_late, approved_late, revision, updated_at, entered_by)
		SELECT 'timesheet-bp' || n || '-2026W0' || w, 'bp' || n, 2026, w, date '2025-12-29' + 7 * (w - 1),
			'bw' || n, 'c' || ((n - 1) % 1000 + 1), 'i' || ((n - 1) % 1000 % 20 + 1),
			CASE WHEN (n * 7 + w * 13) % 100 < 3 THEN 'open' ELSE 'approved' END, 2400, now(), now(), false, false, 3, now(), 'worker'
		FROM generate_series(1, 50000) n, generate_series(2, 9) w
		WHERE (n * 7 + w * 13) % 100 < 98;
		ANALYZE placements;`); err != nil {
		b.Fatal(err)
	}
	if names {
		if _, err := e.pool.Exec(ctx, `
			INSERT INTO workers (worker_id, client_id, first_name, last_name, full_name, email, function, registered_at)
			SELECT 'bw' || n, 'c' || ((n - 1) % 1000 + 1), 'Jan', 'Werker ' || n, 'Jan Werker ' || n, 'bw' || n || '@example.nl', 'bakker', now()
			FROM generate_series(1, 50000) n;
			INSERT INTO intermediaries (intermediary_id, name, contact_name, contact_email, registered_at)
			SELECT 'i' || n, 'Intermediair ' || n, 'I', 'i' || n || '@example.nl', now() FROM generate_series(1, 20) n ON CONFLICT DO NOTHING;
			INSERT INTO clients (client_id, intermediary_id, name, kvk, address, contact_name, contact_email, registered_at)
			SELECT 'c' || n, 'i' || ((n - 1) % 20 + 1), 'Klant ' || n, '12345678', '{}', 'K', 'c' || n || '@example.nl', now()
			FROM generate_series(1, 1000) n ON CONFLICT DO NOTHING;
			INSERT INTO client_agreements (client_id, effective_from, agreement)
			SELECT 'c' || n, '2025-01-01', '{"entered_by":"worker"}' FROM generate_series(1, 1000) n ON CONFLICT DO NOTHING;
			ANALYZE workers; ANALYZE clients; ANALYZE intermediaries; ANALYZE client_agreements;`); err != nil {
			b.Fatal(err)
		}
	}
	// The read model's projector state, as its projector would have left it
	// for these rows, then the roll-over that fills missing_weeks.
	if _, err := e.pool.Exec(ctx, `
		INSERT INTO mw_placements (placement_id, worker_id, client_id, intermediary_id, start_date, end_date, revision)
		SELECT placement_id, worker_id, client_id, intermediary_id, start_date, end_date, 0 FROM placements WHERE placement_id LIKE 'bp%';
		INSERT INTO mw_sheets (stream, placement_id, week_start, status, entered_by, revision)
		SELECT stream, placement_id, week_start, status, entered_by, revision FROM ts_timesheets WHERE placement_id LIKE 'bp%';
		-- The window from the first seeded week: the weeks before it have no
		-- timesheets in this data set (a real bureau's are approved) and
		-- would add 50,000 missing rows each.
		UPDATE missing_window SET first_week = '2026-01-05', last_week = '2025-12-29'`); err != nil {
		b.Fatal(err)
	}
	if _, err := missingweeks.Advance(ctx, e.pool, now); err != nil {
		b.Fatal(err)
	}
	// The steady state autovacuum keeps: statistics and the visibility map.
	if _, err := e.pool.Exec(ctx, `VACUUM ANALYZE ts_timesheets`); err != nil {
		b.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `VACUUM ANALYZE missing_weeks`); err != nil {
		b.Fatal(err)
	}
	cases := []struct{ name, actor, path string }{
		{"baseline-settings", "client1", "/me/notification-settings"},
		{"client-8weeks", "client1", "/missing-hours"},
		{"intermediary-8weeks", "inter1", "/missing-hours"},
		{"intermediary-8weeks-csv", "inter1", "/missing-hours?format=csv"},
		{"backoffice-1week", "backoffice", "/missing-hours?week=2026-W09"},
		{"backoffice-1week-1client", "backoffice", "/missing-hours?week=2026-W09&client=c7"},
	}
	// The same week straight from the database, without HTTP: the read
	// model (what the API now reads) against the scan it replaced.
	week := []timesheet.ISOWeek{{Year: 2026, Week: 9}}
	queries := []struct {
		name string
		run  func(context.Context, missing.Querier, missing.Filter, time.Time) ([]missing.Row, error)
	}{{"query-backoffice-1week-readmodel", missing.Query}, {"query-backoffice-1week-scan", missing.QueryScan}}
	for _, q := range queries {
		cases = append(cases, struct{ name, actor, path string }{q.name, "", ""})
	}
	client := &http.Client{}
	durs := make([][]time.Duration, len(cases))
	do := func(i int) {
		if j := i - (len(cases) - len(queries)); j >= 0 {
			start := time.Now()
			rows, err := queries[j].run(ctx, e.pool, missing.Filter{Scope: account.Scope{Kind: account.ScopeAll}, Weeks: week}, now)
			durs[i] = append(durs[i], time.Since(start))
			if err != nil || len(rows) < 2000 {
				b.Fatalf("%s: %d rows, %v", cases[i].name, len(rows), err)
			}
			return
		}
		req, _ := http.NewRequest(http.MethodGet, e.url+cases[i].path, nil)
		req.Header.Set(apitest.ActorHeader, cases[i].actor)
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		durs[i] = append(durs[i], time.Since(start))
		if res.StatusCode != 200 {
			b.Fatalf("%s: %d", cases[i].name, res.StatusCode)
		}
	}
	for i := range cases { // warm up
		do(i)
		durs[i] = nil
	}
	b.ResetTimer()
	for b.Loop() {
		for i := range cases {
			do(i)
		}
	}
	b.StopTimer()
	for i, c := range cases {
		d := durs[i]
		slices.Sort(d)
		b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, c.name+"-p50-ms")
		b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, c.name+"-p99-ms")
	}
}

func newBenchEnv(b *testing.B) *env { b.Helper(); return newEnvTB(b) }
