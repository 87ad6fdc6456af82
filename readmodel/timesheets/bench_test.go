package timesheets_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	rm "backoffice/readmodel/timesheets"
)

// BenchmarkProjectEvent is the live projector's cost of one event on a
// stored timesheet: one transaction holding one HandleBatch of one event
// (load the row, fold, write), as the projections runtime runs it at the
// head of the log. The timesheets have a week's detail (four lines, three
// expenses, two remarks, an offer with a two-step chain, then a rejection),
// and each event is the next of a cycle of a line, a remark and an expense
// (what a worker does after a rejection). Besides the time, it reports the
// WAL bytes per event: what the write costs the server, steady on a busy
// machine, and the projector process's CPU time per event (decoding,
// folding, encoding; without the server's).
//
//	go test ./readmodel/timesheets/ -run '^$' -bench BenchmarkProjectEvent -benchtime 3000x
func BenchmarkProjectEvent(b *testing.B) {
	pool := newPool(b)
	ctx := context.Background()
	p := rm.NewTimesheets()
	const sheets = 200
	hts := []ts.HourType{htNormal, htOver125, htOver150, htVacation}
	streams := make([]string, sheets)
	next := make([]uint64, sheets)
	var history []eventstore.RecordedEvent
	for i := range sheets {
		w := ts.ISOWeek{Year: 2026, Week: 1 + i%52}
		pid := fmt.Sprintf("p%d", i)
		streams[i] = ts.StreamName(pid, w)
		evs := []domain.Event{&ts.Opened{PlacementID: pid, Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker,
			NormalHourType: htNormal, EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w),
			ClientID: "c1", IntermediaryID: "i1", WorkerID: "w" + pid}}
		for _, ht := range hts {
			evs = append(evs, &ts.LineSet{Line: ts.Line{HourType: ht, Minutes: [7]ts.Minutes{480, 480, 480, 480, 240}},
				DayTotals: [7]ts.Minutes{480, 480, 480, 480, 240}})
		}
		for id := 1; id <= 3; id++ {
			evs = append(evs, &ts.ExpenseAdded{Expense: ts.Expense{ID: id, Type: ts.ExpenseParking, Date: w.Start(), AmountCents: 1250,
				Description: "parkeren bij de klant"}})
		}
		evs = append(evs,
			&ts.RemarkAdded{Remark: ts.Remark{Text: "Dinsdag later begonnen wegens de trein.", By: domain.RoleWorker}},
			&ts.RemarkAdded{Remark: ts.Remark{Text: "Vrijdag halve dag.", By: domain.RoleWorker}},
			&ts.Offered{Round: 1, Hash: "h", Chain: []domain.Role{domain.RoleClient, domain.RoleIntermediary}, Next: domain.RoleClient},
			&ts.StepApproved{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "h"},
			&ts.Rejected{Round: 1, Step: 1, Party: domain.RoleIntermediary, Reason: "Vrijdag klopt niet."})
		for r, e := range evs {
			history = append(history, rec(b, streams[i], uint64(r), e, "worker"))
		}
		next[i] = uint64(len(evs))
	}
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return p.HandleBatch(ctx, tx, history) }); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE ts_timesheets`); err != nil {
		b.Fatal(err)
	}
	events := make([]eventstore.RecordedEvent, b.N)
	for n := range b.N {
		i := n % sheets
		w := ts.ISOWeek{Year: 2026, Week: 1 + i%52}
		var e domain.Event
		switch (n / sheets) % 3 {
		case 0:
			e = &ts.LineSet{Line: ts.Line{HourType: htNormal, Minutes: [7]ts.Minutes{480, 480, 480, 480, ts.Minutes(n % 480)}},
				DayTotals: [7]ts.Minutes{480, 480, 480, 480, 240}}
		case 1:
			e = &ts.RemarkAdded{Remark: ts.Remark{Text: "Aangepast.", By: domain.RoleWorker}}
		default:
			e = &ts.ExpenseAdded{Expense: ts.Expense{ID: 100 + n, Type: ts.ExpenseParking, Date: w.Start(), AmountCents: 500}}
		}
		events[n] = rec(b, streams[i], next[i], e, "worker")
		next[i]++
	}
	var wal0, wal1 int64
	if err := pool.QueryRow(ctx, `SELECT pg_current_wal_insert_lsn() - '0/0'`).Scan(&wal0); err != nil {
		b.Fatal(err)
	}
	cpu0 := processCPU()
	b.ResetTimer()
	for n := range b.N {
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			return p.HandleBatch(ctx, tx, events[n:n+1])
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu := processCPU() - cpu0
	if err := pool.QueryRow(ctx, `SELECT pg_current_wal_insert_lsn() - '0/0'`).Scan(&wal1); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(wal1-wal0)/float64(b.N), "wal_bytes/event")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "go_cpu_us/event")
}

// processCPU is this process's user and system CPU time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
