package readmodel_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
	rmpayroll "backoffice/readmodel/payroll"
	rmtimesheets "backoffice/readmodel/timesheets"
)

// Stored poison from before the domain refused it: a remark and an import
// batch holding NUL (and, in the remark, a lone surrogate escape and a
// bidi override), appended raw, bypassing the domain, as the attack run
// did. The sanitiser on read lets the timesheets and payroll projectors
// store them, live and in a rebuild, without editing the stored events.
func TestStoredPoisonIsProjected(t *testing.T) {
	ctx := context.Background()
	cs := pgtest.NewDBFromTemplate(t, "readmodel-storable", apitest.Migrate)
	pool := pgtest.Pool(t, cs)
	store := pgtest.EventStore(t, pool)

	story := domaintest.Run("poison", nil, domaintest.Numbers{})
	if story.Err != nil {
		t.Fatal(story.Err)
	}
	poisoned := map[string][2]string{
		ts.TypeRemarkAdded: {`"Maandag eerder weg"`, `"Maandag\u0000 eerder \ud800weg\u202e"`},
		ts.TypeImported:    {`"batch-2026-05"`, `"batch\u0000-2026-05"`},
	}
	var head eventstore.Position
	var placementID string
	for _, e := range story.Events {
		data, err := domain.Encode(e.Event)
		if err != nil {
			t.Fatal(err)
		}
		if p, ok := poisoned[e.Event.EventType()]; ok {
			if !bytes.Contains(data, []byte(p[0])) {
				t.Fatalf("%s: %s not in %s", e.Event.EventType(), p[0], data)
			}
			data = bytes.Replace(data, []byte(p[0]), []byte(p[1]), 1)
		}
		if o, ok := e.Event.(*ts.Opened); ok {
			placementID = o.PlacementID
		}
		res, err := store.Append(ctx, e.Stream, eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: e.Event.EventType(),
			Data: data, Metadata: eventstore.Metadata{ActorID: e.Actor.AccountID, ActorRole: string(e.Actor.Role), OccurredAt: domaintest.Now.UTC()}})
		if err != nil {
			t.Fatal(err)
		}
		head = res.Position
	}
	// The stored bytes still hold the poison: history is not edited.
	raw := readAll(t, store)
	var stored int
	for _, e := range raw {
		if bytes.Contains(e.Data, []byte(`\u0000`)) {
			stored++
		}
	}
	if stored != 2 {
		t.Fatalf("%d stored events hold \\u0000, want 2", stored)
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt := apitest.RunProjections(t, store, pool, log, readModelProjectors()...)
	tsq, err := rmtimesheets.NewQueries(pool, func() time.Time { return domaintest.Now })
	if err != nil {
		t.Fatal(err)
	}
	payq, err := rmpayroll.NewQueries(pool)
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		if err := rt.WaitFor(ctx, head); err != nil {
			t.Fatalf("%s: the projectors did not pass the poison: %v", when, err)
		}
		d, err := tsq.Detail(ctx, domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}, placementID, domaintest.Week)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Remarks) != 1 || d.Remarks[0].Text != "Maandag\ufffd eerder \ufffdweg\ufffd" {
			t.Errorf("%s: remarks = %+v", when, d.Remarks)
		}
		if d.ImportBatch != "batch\ufffd-2026-05" {
			t.Errorf("%s: timesheet import batch = %q", when, d.ImportBatch)
		}
		page, err := payq.Feed(ctx, domain.Actor{AccountID: "token:pay", Role: domain.RolePayroll}, rmpayroll.FeedRequest{IncludeImported: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || !page.Items[0].Imported || page.Items[0].ImportBatch != "batch\ufffd-2026-05" {
			t.Errorf("%s: payroll feed = %+v", when, page.Items)
		}
	}
	check("live")
	for _, name := range []string{rmtimesheets.NameTimesheets, rmpayroll.NameFeed} {
		if err := rt.Rebuild(ctx, name, nil); err != nil {
			t.Fatalf("rebuild %s: %v", name, err)
		}
	}
	check("after a rebuild")
}
