package timesheet_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// racingStore runs race once, right after the first ReadStreams of the
// placement once race is set: a change committed between a command's read
// and its append.
type racingStore struct {
	eventstore.Store
	once  sync.Once
	race  func()
	reads int
}

func (s *racingStore) ReadStreams(ctx context.Context, reads ...eventstore.StreamRead) ([]eventstore.StreamSlice, error) {
	got, err := s.Store.ReadStreams(ctx, reads...)
	if s.race != nil && len(reads) > 0 && reads[0].Stream == placement.Stream("p1") {
		s.reads++
		s.once.Do(s.race)
	}
	return got, err
}

// TestChangeBetweenReadAndAppendIsDetected: the placement or client a
// timesheet command decided by changes after the command read them and
// before it appends. The append's conditions refuse it, and the command
// decides again on the new state: refused when the change forbids it,
// stored once when it does not.
func TestChangeBetweenReadAndAppendIsDetected(t *testing.T) {
	line := cmd.SetLine{Target: cmd.Target{PlacementID: "p1", Week: w05}, HourType: "125", Minutes: [7]ts.Minutes{60}}
	for _, tc := range []struct {
		name     string
		stream   string
		change   domain.Event
		wantCode string // "" when the command still succeeds
	}{
		{"placement ended before the week", placement.Stream("p1"),
			&placement.Ended{PlacementID: "p1", End: day("2026-01-23")}, "week_outside_placement"},
		{"placement ended after the week", placement.Stream("p1"),
			&placement.Ended{PlacementID: "p1", End: day("2026-03-31")}, ""},
		{"overtime no longer agreed", client.Stream("c1"),
			&client.AgreementChanged{ClientID: "c1", EffectiveFrom: day("2026-01-26"), Agreement: client.Agreement{
				HourTypes: []client.HourType{{Code: "100", Name: "Normaal", Percentage: 100}}, NormalHourType: "100",
				EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient}}}, "hour_type_not_agreed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			_, base := setup(t)
			rs := &racingStore{Store: base}
			h, err := cmd.New(rs, func() time.Time { return now })
			if err != nil {
				t.Fatal(err)
			}
			// Warm up: the handler learns the placement's client, so the
			// command reads placement, client and timesheet in one call.
			if _, err := h.Terms(ctx, worker1, line.Target); err != nil {
				t.Fatal(err)
			}
			rs.race = func() {
				last, err := base.ReadStream(ctx, tc.stream, eventstore.ReadStreamOptions{Direction: eventstore.Backwards, FromEnd: true, Max: 1})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := commands.Save(ctx, base, commands.Stream{Name: tc.stream, Revision: last[0].Revision, Exists: true},
					commands.Meta{Actor: domain.Actor{Role: domain.RoleBackoffice}}, now, tc.change); err != nil {
					t.Fatal(err)
				}
			}
			_, err = h.SetLine(ctx, meta(worker1), line)
			if rs.reads < 2 {
				t.Errorf("the command read the placement %d time(s): the change after its read went unnoticed", rs.reads)
			}
			sheet := ts.StreamName("p1", w05)
			_, rerr := base.ReadStream(ctx, sheet, eventstore.ReadStreamOptions{})
			if tc.wantCode != "" {
				var de *domain.Error
				if !errors.As(err, &de) || de.Code != tc.wantCode {
					t.Fatalf("err = %v, want %s decided on the changed stream", err, tc.wantCode)
				}
				if !errors.Is(rerr, eventstore.ErrStreamNotFound) {
					t.Fatalf("refused command left the timesheet stream behind: %v", rerr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want the command decided again and stored", err)
			}
			// Stored once: as many events as the same command without a race.
			calm, calmStore := setup(t)
			if _, err := calm.SetLine(ctx, meta(worker1), line); err != nil {
				t.Fatal(err)
			}
			want, _ := calmStore.ReadStream(ctx, sheet, eventstore.ReadStreamOptions{})
			if got, _ := base.ReadStream(ctx, sheet, eventstore.ReadStreamOptions{}); len(got) != len(want) {
				t.Fatalf("timesheet holds %d events, want %d", len(got), len(want))
			}
		})
	}
}
