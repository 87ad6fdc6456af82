package placement_test

import (
	"errors"
	"testing"

	"backoffice/domain"
	"backoffice/domain/placement"
)

// TestRosterClaim: a claim is refused when the period overlaps another
// placement at the client as its stream holds it, or the roster's latest
// claim while that claim's placement is still where its decision read it
// (its append may be on its way); once that stream moved, the stream
// counts.
func TestRosterClaim(t *testing.T) {
	period := func(from, to string) placement.Period {
		p := placement.Period{Start: day(from)}
		if to != "" {
			p.End = day(to)
		}
		return p
	}
	claimed := func(id string, rev *uint64, from, to string) *placement.Claimed {
		c := &placement.Claimed{PlacementID: id, WorkerID: "w-1", ClientID: "c-1", Revision: rev, Start: day(from)}
		if to != "" {
			c.End = new(day(to))
		}
		return c
	}
	sibling := func(id string, rev uint64, from, to string) placement.Sibling {
		return placement.Sibling{ID: id, ClientID: "c-1", Period: period(from, to), Revision: rev}
	}
	for _, tc := range []struct {
		name     string
		roster   []domain.Event
		siblings []placement.Sibling
		id       string
		client   string
		period   placement.Period
		overlaps bool
	}{
		{name: "empty roster, no siblings", id: "p-2", client: "c-1", period: period("2025-03-03", "")},
		{name: "legacy sibling (no claim) overlaps", id: "p-2", client: "c-1", period: period("2025-03-03", ""),
			siblings: []placement.Sibling{sibling("p-1", 0, "2025-01-06", "")}, overlaps: true},
		{name: "another client may overlap", id: "p-2", client: "c-2", period: period("2025-03-03", ""),
			siblings: []placement.Sibling{sibling("p-1", 0, "2025-01-06", "")}},
		{name: "a start being appended counts", id: "p-2", client: "c-1", period: period("2025-03-03", "2025-03-31"),
			roster: []domain.Event{claimed("p-1", nil, "2025-03-10", "")}, overlaps: true},
		{name: "a start that landed counts as its stream holds it", id: "p-2", client: "c-1", period: period("2025-03-03", "2025-03-31"),
			roster:   []domain.Event{claimed("p-1", nil, "2025-03-10", "")},
			siblings: []placement.Sibling{sibling("p-1", 1, "2025-03-10", "2025-03-20")}, overlaps: true},
		{name: "a landed start, ended since, no longer blocks", id: "p-2", client: "c-1", period: period("2025-03-03", "2025-03-31"),
			roster:   []domain.Event{claimed("p-1", nil, "2025-01-06", "")},
			siblings: []placement.Sibling{sibling("p-1", 1, "2025-01-06", "2025-02-28")}},
		{name: "a correction being appended counts", id: "p-2", client: "c-1", period: period("2025-03-03", "2025-03-31"),
			roster:   []domain.Event{claimed("p-1", new(uint64(0)), "2025-03-01", "2025-06-30")},
			siblings: []placement.Sibling{sibling("p-1", 0, "2025-04-01", "2025-06-30")}, overlaps: true},
		{name: "a correction whose placement moved on counts as the stream holds it", id: "p-2", client: "c-1", period: period("2025-03-03", "2025-03-31"),
			roster:   []domain.Event{claimed("p-1", new(uint64(0)), "2025-03-01", "2025-06-30")},
			siblings: []placement.Sibling{sibling("p-1", 1, "2025-04-01", "2025-06-30")}},
		{name: "a claim that never landed and is not the last is nothing", id: "p-3", client: "c-1", period: period("2025-03-03", "2025-03-31"),
			roster: []domain.Event{claimed("p-1", nil, "2025-03-01", ""), claimed("p-2", nil, "2025-08-01", "")}},
		{name: "own earlier claim does not block", id: "p-1", client: "c-1", period: period("2025-03-03", "2025-03-31"),
			roster: []domain.Event{claimed("p-1", nil, "2025-03-01", "")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := domain.Replay[placement.Roster](tc.roster...)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := r.Claim(placement.ClaimCmd{WorkerID: "w-1", PlacementID: tc.id, ClientID: tc.client, Period: tc.period}, tc.siblings)
			if tc.overlaps {
				if !errors.Is(err, code("placement_overlaps")) {
					t.Fatalf("claim: %v, want placement_overlaps", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := evs[0].(*placement.Claimed)
			if c.PlacementID != tc.id || c.ClientID != tc.client || !c.Start.Equal(tc.period.Start) || (c.End == nil) != tc.period.Open() {
				t.Fatalf("claim %+v", c)
			}
		})
	}
	var r placement.Roster
	if _, err := r.Claim(placement.ClaimCmd{WorkerID: "w-1", PlacementID: "p 1", ClientID: "c-1", Period: period("2025-03-03", "")}, nil); !errors.Is(err, code("id_format")) {
		t.Errorf("invalid ID: %v", err)
	}
	if _, err := r.Claim(placement.ClaimCmd{WorkerID: "w-1", PlacementID: "p-1", ClientID: "c-1", Period: period("2025-03-03", "2025-03-01")}, nil); !errors.Is(err, code("end_before_start")) {
		t.Errorf("end before start: %v", err)
	}
	if err := r.Apply(&placement.Started{}); err == nil {
		t.Error("a roster applied placement.started")
	}
}
