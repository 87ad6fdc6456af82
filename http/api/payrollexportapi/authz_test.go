package payrollexportapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/worker"
	"backoffice/http/api"
	"backoffice/http/api/payrollexportapi"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
	rm "backoffice/readmodel/payroll"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var now = time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)

// Every export endpoint is absent for workers, clients, intermediaries and
// auditors (404 no_such_endpoint, like an unknown path), the back office's
// settings, mapping and personnel numbers are absent for the payroll token
// too, and none of those requests changes the ledger.
func TestOnlyPayrollAndBackOffice(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "payrollexportapi", apitest.Migrate))
	store := pgtest.EventStore(t, pool)
	for stream, e := range map[string]domain.Event{
		client.Stream("c1"): &client.Registered{ClientID: "c1", IntermediaryID: "i1", Name: "Bakkerij", KvK: "12345678",
			AgreementFrom: apitest.Day("2025-01-01"), Agreement: client.Agreement{
				HourTypes: []client.HourType{{Code: "100", Name: "Normale uren", Percentage: 100}}, NormalHourType: "100",
				EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient}}},
		worker.Stream("w1"): &worker.Registered{WorkerID: "w1", ClientID: "c1", Name: worker.Name{First: "Jan", Last: "Boer"}},
	} {
		apitest.Seed(t, store, now, stream, e)
	}
	clock := func() time.Time { return now }
	tsh, _ := tscmd.New(store, clock)
	q, _ := rm.NewQueries(pool)
	h, err := paycmd.New(store, q, tsh, clock)
	if err != nil {
		t.Fatal(err)
	}
	feature, err := payrollexportapi.New(payrollexportapi.Deps{Commands: h})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt := apitest.RunProjections(t, store, pool, log, rm.Projectors()...)
	url := apitest.Serve(t, api.Deps{Log: log, Pool: pool, Auth: apitest.Auth(apitest.Actors()), Wait: rt, Clock: clock,
		WaitTimeout: 10 * time.Second, Features: []api.Feature{feature}})

	do := func(who, method, path string, body any) (int, string) {
		t.Helper()
		b, _ := json.Marshal(body) // always a JSON body: nil is sent as null
		r := apitest.Request(t, method, url+path, b, apitest.ActorHeader, who)
		return r.Status, r.Code()
	}
	settings := map[string]string{"administration": "1001", "period": "week", "package": "loket"}
	mapping := map[string]any{"valid_from": "2026-01-05", "entries": []map[string]string{{"kind": "hours", "code": "100", "loket": "1"}}}
	persnr := map[string]string{"personnel_number": "10"}
	type call struct {
		method, path string
		body         any
		staffOnly    bool
	}
	calls := []call{
		{"GET", "/payroll/clients/c1", nil, false},
		{"GET", "/payroll/clients/c1/backlog?period=2026-W05", nil, false},
		{"PUT", "/payroll/clients/c1/settings", settings, true},
		{"PUT", "/payroll/clients/c1/mapping", mapping, true},
		{"GET", "/payroll/workers/w1", nil, true},
		{"PUT", "/payroll/workers/w1/personnel-numbers/1001", persnr, true},
		{"POST", "/payroll/exports", map[string]string{"client_id": "c1", "period": "2026-W05"}, false},
		{"POST", "/payroll/exports", map[string]string{"period": "2026-W05"}, false},
		{"GET", "/payroll/exports/c1_2026-W05_1", nil, false},
		{"GET", "/payroll/exports/c1_2026-W05_1/files/loket.csv", nil, false},
		{"GET", "/payroll/exports/c1_2026-W05_1/files/nonsense", nil, false},
		{"POST", "/payroll/exports/c1_2026-W05_1/confirm", nil, false},
		{"POST", "/payroll/exports/c1_2026-W05_1/cancel", nil, false},
		{"POST", "/payroll/timesheets/p1/2026-W05/reopen", map[string]string{"reason": "x"}, true},
	}
	head := func() int { // every event of the ledger, whatever a reader sees yet
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM eventstore_events`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := head()
	for _, c := range calls {
		for _, who := range []string{"worker1", "client1", "inter1", "auditor", "payroll"} {
			if who == "payroll" && !c.staffOnly {
				continue
			}
			wantSt, wantCode := 404, "no_such_endpoint"
			if who == "auditor" && c.method != "GET" {
				wantSt, wantCode = 403, "forbidden" // the auditor token only reads, on every endpoint
			}
			if st, code := do(who, c.method, c.path, c.body); st != wantSt || code != wantCode {
				t.Errorf("%s %s as %s: %d %s, want %d %s", c.method, c.path, who, st, code, wantSt, wantCode)
			}
		}
	}
	if after := head(); after != before {
		t.Fatalf("the refused requests changed the ledger: %d → %d events", before, after)
	}
	// The back office gets real answers on the same paths.
	for _, c := range calls[:6] {
		if st, code := do("backoffice", c.method, c.path, c.body); st != 200 {
			t.Errorf("%s %s as backoffice: %d %s", c.method, c.path, st, code)
		}
	}
	if st, code := do("payroll", "POST", "/payroll/exports", map[string]string{"client_id": "c1", "period": "2026-W05"}); st != 409 || code != "nothing_to_export" {
		t.Errorf("payroll export with an empty backlog: %d %s", st, code)
	}
	if st, code := do("payroll", "GET", "/payroll/exports/c1_2026-W05_1", nil); st != 404 || code != "batch_not_found" {
		t.Errorf("unknown batch: %d %s", st, code)
	}
	if st, code := do("backoffice", "POST", "/payroll/exports", map[string]string{"client_id": "c1", "period": "2026-13"}); st != 400 || code != "period_invalid" {
		t.Errorf("bad period: %d %s", st, code)
	}
	// A mapping may only map hour types of the client's agreements: an
	// unknown one would replace the whole mapping with one that maps
	// nothing. 422 naming the entry; the ledger is unchanged.
	before = head()
	bad := map[string]any{"valid_from": "2026-01-05", "entries": []map[string]string{
		{"kind": "hours", "code": "100", "loket": "1"}, {"kind": "hours", "code": "zz", "loket": "1"}}}
	b, _ := json.Marshal(bad)
	r := apitest.Request(t, "PUT", url+"/payroll/clients/c1/mapping", b, apitest.ActorHeader, "backoffice")
	if code, field := r.ErrorCode(t); r.Status != 422 || code != "hour_type_not_agreed" || field != "entries[1].code" {
		t.Errorf("unknown hour type in the mapping: %d %s %s", r.Status, code, field)
	}
	if after := head(); after != before {
		t.Errorf("the refused mapping changed the ledger: %d → %d events", before, after)
	}
}
