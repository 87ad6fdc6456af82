package payrollapi_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"backoffice/commands"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	rm "backoffice/readmodel/payroll"
)

// TestFeedAsOfReplaysWhatTheFeedShowed: after every step of a history with
// approvals in two tenants, an import, a correction (reopen and a second
// round) and a later approval, the feed the read model showed is recorded;
// the feed "as_of" each step's position, and as of its recording time,
// replayed from the event store at the end, equals it (with and without
// imported rows, and paged).
func TestFeedAsOfReplaysWhatTheFeedShowed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	backoffice := domain.Actor{AccountID: "acc-backoffice", Role: domain.RoleBackoffice}
	type seen struct {
		pos       string
		all, open string // JSON of the pages with and without imported rows
	}
	var steps []seen
	observe := func() {
		t.Helper()
		all, _ := json.Marshal(e.feed("payroll", e.last, "include_imported=true"))
		open, _ := json.Marshal(e.feed("payroll", e.last, ""))
		steps = append(steps, seen{pos: e.last, all: string(all), open: string(open)})
	}

	observe() // nothing approved yet
	s3 := e.approve("p1", 3, week)
	observe()
	e.approve("p2", 4, [7]ts.Minutes{600, 600, 0, 0, 0, 0, 0})
	observe()
	var single struct {
		Position string `json:"position"`
	}
	e.must(200, "POST", s3.path()+"/imported", "payroll", map[string]any{"import_batch": "2026-06-a"}).Decode(t, &single)
	e.last = single.Position
	observe()
	res, err := e.cmds.Reopen(ctx, commands.Meta{Actor: backoffice}, tscmd.Reopen{Target: tscmd.Target{PlacementID: "p1", Week: s3.week}, Reason: "maandag was 7 uur"})
	if err != nil {
		t.Fatal(err)
	}
	e.last = res.Position.String()
	observe()
	e.approve("p1", 3, [7]ts.Minutes{420, 450, 480, 480, 420, 0, 0}) // the correction round
	observe()
	e.approve("p1", 5, week)
	observe()

	final := e.last
	for i, s := range steps {
		all, _ := json.Marshal(e.feed("payroll", final, "include_imported=true&as_of="+s.pos))
		if string(all) != s.all {
			t.Fatalf("step %d: feed as_of %s =\n%s\nthe read model showed\n%s", i, s.pos, all, s.all)
		}
		open, _ := json.Marshal(e.feed("backoffice", final, "as_of="+s.pos))
		if string(open) != s.open {
			t.Fatalf("step %d: open feed as_of %s =\n%s\nthe read model showed\n%s", i, s.pos, open, s.open)
		}
		// As of the time the step's last event was recorded.
		p, err := eventstore.ParsePosition(s.pos)
		if err != nil {
			t.Fatal(err)
		}
		if p != eventstore.Start {
			at := recordedAt(t, e.store, p)
			byTime, _ := json.Marshal(e.feed("payroll", final, "include_imported=true&as_of="+at.Format(time.RFC3339Nano)))
			if string(byTime) != s.all {
				t.Fatalf("step %d: feed as_of %s =\n%s\nthe read model showed\n%s", i, at.Format(time.RFC3339Nano), byTime, s.all)
			}
		}
	}

	// Paging as of a moment: two items a page, the cursor carries on.
	var want rm.Page
	_ = json.Unmarshal([]byte(steps[len(steps)-1].all), &want)
	var got []string
	after := ""
	for range 10 {
		p := e.feed("payroll", final, "include_imported=true&limit=2&as_of="+final+"&after="+after)
		for _, it := range p.Items {
			got = append(got, it.Cursor)
		}
		if !p.HasMore {
			break
		}
		after = p.NextCursor
	}
	if len(got) != len(want.Items) || len(want.Items) != 4 {
		t.Fatalf("paged as_of: %v, want the %d cursors of %+v", got, len(want.Items), want.Items)
	}
	for i, it := range want.Items {
		if got[i] != it.Cursor {
			t.Fatalf("paged as_of item %d: %s, want %s", i, got[i], it.Cursor)
		}
	}

	// An unreadable moment is refused, never ignored; other roles still
	// find no feed.
	r := e.do("GET", "/payroll/approved?as_of=gisteren", "payroll", nil)
	if code, _ := r.ErrorCode(t); r.Status != 400 || code != "as_of_invalid" {
		t.Fatalf("as_of=gisteren: %d %s", r.Status, r.Body)
	}
	if r := e.do("GET", "/payroll/approved?as_of="+final, "client1", nil); r.Status != 404 {
		t.Fatalf("client as_of: %d %s", r.Status, r.Body)
	}
}

// recordedAt is the recording time of the event at p.
func recordedAt(t *testing.T, store eventstore.Store, p eventstore.Position) time.Time {
	t.Helper()
	from := eventstore.Start
	for {
		evs, err := store.ReadAll(context.Background(), from, 500)
		if err != nil || len(evs) == 0 {
			t.Fatalf("no event at %s (%v)", p, err)
		}
		for _, ev := range evs {
			if ev.Position == p {
				return ev.Created
			}
		}
		from = evs[len(evs)-1].Position
	}
}
