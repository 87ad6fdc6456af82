package portal

import (
	"context"
	"strings"
	"testing"
	"time"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore/memory"
	"backoffice/internal/apitest"
	rmid "backoffice/readmodel/identity"
	rm "backoffice/readmodel/timesheets"
)

// TestHistoryNamesAndChanges: the portal's history shows who acted, by
// name as far as the reader may see it, and what changed per day.
func TestHistoryNamesAndChanges(t *testing.T) {
	ctx := context.Background()
	pool := korenaarDB(t, "portal-history",
		`INSERT INTO accounts (account_id, email, role, worker_id, created_at) VALUES ('acc-w1', 'jan@example.test', 'worker', 'w1', now())`)
	now := time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	store := memory.New()
	apitest.SeedOneTenant(t, store, now, apitest.Agreement(domain.RoleClient))
	h, err := cmd.New(store, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	worker := domain.Actor{AccountID: "acc-w1", Role: domain.RoleWorker, WorkerID: "w1"}
	w := ts.ISOWeek{Year: 2026, Week: 5}
	if _, err := h.SetLine(ctx, commands.Meta{Actor: worker}, cmd.SetLine{Target: cmd.Target{PlacementID: "p1", Week: w}, HourType: "100",
		Minutes: [7]ts.Minutes{480}}); err != nil {
		t.Fatal(err)
	}
	hist, err := rm.NewHistory(store)
	if err != nil {
		t.Fatal(err)
	}
	q, err := rm.NewQueries(pool, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	sheets := &timesheetApp{commands: h, queries: q, history: hist, names: rmid.NewQueries(pool, time.Now)}
	ref := Ref{PlacementID: "p1", Week: w}
	for _, c := range []struct {
		reader domain.Actor
		name   string
	}{
		{domain.Actor{AccountID: "acc-bo", Role: domain.RoleBackoffice}, "Jan de Boer"},
		{domain.Actor{AccountID: "acc-c1", Role: domain.RoleClient, ClientID: "c1"}, "Jan de Boer"},
		{domain.Actor{AccountID: "acc-c2", Role: domain.RoleClient, ClientID: "c2"}, ""}, // outside: not found anyway
	} {
		items, err := sheets.History(ctx, c.reader, ref)
		if c.reader.ClientID == "c2" {
			if err == nil {
				t.Fatalf("another tenant read the history: %+v", items)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		last := items[len(items)-1]
		if last.By != c.name || !strings.Contains(last.Detail, "100 2026-01-26: 0:00 → 8:00") {
			t.Fatalf("%s reads %+v, want by %q and the change of Monday", c.reader.Role, last, c.name)
		}
	}
}
