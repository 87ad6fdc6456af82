package portalwire_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/http/portal"
	"backoffice/internal/app/portalwire"
	"backoffice/internal/pgtest"
	"backoffice/readmodel"
	rm "backoffice/readmodel/timesheets"
)

// TestReportsAdapter: the hours report reaches the portal with typed weeks,
// statuses and minutes, within the actor's scope, and the query's range
// errors pass through unchanged.
func TestReportsAdapter(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "portalwire-reports", func(ctx context.Context, cs string) error {
		p, err := pgxpool.New(ctx, cs)
		if err != nil {
			return err
		}
		defer p.Close()
		return readmodel.Migrate(ctx, p)
	}))
	if _, err := pool.Exec(ctx, `INSERT INTO workers (worker_id, client_id, first_name, last_name, full_name, email, function, registered_at)
		VALUES ('w1', 'c1', 'Jan', 'Boer', 'Jan de Boer', 'jan@example.test', 'bakker', now());
		INSERT INTO clients (client_id, intermediary_id, name, kvk, address, contact_name, contact_email, registered_at)
		VALUES ('c1', 'i1', 'Bakkerij Korenaar', '12345678', '{}', 'Anna', 'anna@example.test', now())`); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	w := ts.ISOWeek{Year: 2026, Week: 3}
	stream := ts.StreamName("p1", w)
	normal := ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}
	var events []eventstore.RecordedEvent
	for i, e := range []domain.Event{
		&ts.Opened{PlacementID: "p1", Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker, NormalHourType: normal,
			EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w), ClientID: "c1", IntermediaryID: "i1", WorkerID: "w1"},
		&ts.LineSet{Line: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{480, 30}}},
		&ts.ExpenseAdded{Expense: ts.Expense{ID: 1, Type: ts.ExpenseParking, Date: w.Start(), AmountCents: 250}},
		&ts.Offered{Round: 1, Hash: "h", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient},
		&ts.StepApproved{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "h"},
		&ts.Approved{Round: 1, Hash: "h"},
	} {
		b, err := domain.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, eventstore.RecordedEvent{ID: uuid.New(), Stream: stream, Revision: uint64(i), Type: e.EventType(),
			Data: b, Metadata: eventstore.Metadata{ActorRole: "worker", OccurredAt: now}, Created: now})
	}
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return rm.NewTimesheets().HandleBatch(ctx, tx, events) }); err != nil {
		t.Fatal(err)
	}
	q, err := rm.NewQueries(pool, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := portalwire.NewReports(nil); err == nil {
		t.Error("NewReports(nil) accepted")
	}
	reports, err := portalwire.NewReports(q)
	if err != nil {
		t.Fatal(err)
	}
	from, to := ts.ISOWeek{Year: 2026, Week: 1}, ts.ISOWeek{Year: 2026, Week: 5}

	rep, err := reports.HoursReport(ctx, domain.Actor{Role: domain.RoleClient, ClientID: "c1"}, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if rep.From != from || rep.To != to || rep.Total != 510 || rep.Totals["100"] != 510 ||
		!slices.Equal(rep.HourTypes, []ts.HourType{normal}) || len(rep.Rows) != 1 {
		t.Fatalf("report = %+v", rep)
	}
	row := rep.Rows[0]
	if row.Ref != (portal.Ref{PlacementID: "p1", Week: w}) || row.WorkerName != "Jan de Boer" || row.ClientName != "Bakkerij Korenaar" ||
		row.Status != ts.StatusApproved || row.Minutes["100"] != 510 || row.Total != 510 || row.ExpensesCents != 250 {
		t.Errorf("row = %+v", row)
	}

	other, err := reports.HoursReport(ctx, domain.Actor{Role: domain.RoleClient, ClientID: "c2"}, from, to)
	if err != nil || len(other.Rows) != 0 || other.Total != 0 {
		t.Errorf("another client: %+v, %v", other, err)
	}
	_, err = reports.HoursReport(ctx, domain.Actor{Role: domain.RoleClient, ClientID: "c1"}, to, from)
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Field != "to" {
		t.Errorf("reversed range: %v", err)
	}
}
