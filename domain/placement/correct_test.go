package placement_test

import (
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/domaintest"
	"backoffice/domain/placement"
)

// TestCorrect: a placement's function and start date are corrected by a
// new event that holds the values in force; the fold follows it.
func TestCorrect(t *testing.T) {
	corrected := func(function, start string) *placement.Corrected {
		return &placement.Corrected{PlacementID: "p-1", Function: function, Start: day(start), Reason: "typefout"}
	}
	endedApril := &placement.Ended{PlacementID: "p-1", End: day("2025-04-30")}
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		client  *client.Client
		cmd     placement.Correct
		want    []domain.Event
		wantErr error
	}{
		{"function", []domain.Event{started}, backoffice, theClient, placement.Correct{Function: " Banketbakker "},
			[]domain.Event{corrected("Banketbakker", "2025-03-17")}, nil},
		{"start later", []domain.Event{started}, backoffice, theClient, placement.Correct{Start: time.Date(2025, 3, 24, 10, 0, 0, 0, time.UTC)},
			[]domain.Event{corrected("Bakker", "2025-03-24")}, nil},
		{"start earlier, client for its own", []domain.Event{started}, clientUser, theClient, placement.Correct{Start: day("2025-03-03")},
			[]domain.Event{corrected("Bakker", "2025-03-03")}, nil},
		{"both", []domain.Event{started}, backoffice, theClient, placement.Correct{Function: "Hulp", Start: day("2025-03-18")},
			[]domain.Event{corrected("Hulp", "2025-03-18")}, nil},
		{"again after a correction", []domain.Event{started, corrected("Hulp", "2025-03-18")}, backoffice, theClient,
			placement.Correct{Start: day("2025-03-17")}, []domain.Event{corrected("Hulp", "2025-03-17")}, nil},
		{"start on the end date", []domain.Event{started, endedApril}, backoffice, theClient, placement.Correct{Start: day("2025-04-30")},
			[]domain.Event{corrected("Bakker", "2025-04-30")}, nil},
		{"nothing changes", []domain.Event{started}, backoffice, theClient, placement.Correct{Function: "Bakker", Start: day("2025-03-17")},
			nil, code("nothing_to_correct")},
		{"empty command", []domain.Event{started}, backoffice, theClient, placement.Correct{}, nil, code("nothing_to_correct")},
		{"start after the end", []domain.Event{started, endedApril}, backoffice, theClient, placement.Correct{Start: day("2025-05-01")},
			nil, code("start_after_end")},
		{"start after the fixed end", []domain.Event{startedFixed}, backoffice, theClient, placement.Correct{Start: day("2025-07-01")},
			nil, code("start_after_end")},
		{"start before the agreement", []domain.Event{started}, backoffice, theClient, placement.Correct{Start: day("2024-12-31")},
			nil, code("no_agreement")},
		{"function too long", []domain.Event{started}, backoffice, theClient, placement.Correct{Function: strings.Repeat("x", 81)},
			nil, code("too_long")},
		{"function with a control character", []domain.Event{started}, backoffice, theClient, placement.Correct{Function: "Bak\x00ker"},
			nil, code("text_encoding")},
		{"intermediary", []domain.Event{started}, interUser, theClient, placement.Correct{Function: "Hulp"}, nil, account.Forbidden},
		{"worker", []domain.Event{started}, workerUser, theClient, placement.Correct{Function: "Hulp"}, nil, account.Forbidden},
		{"other client", []domain.Event{started}, otherUser, theClient, placement.Correct{Function: "Hulp"}, nil, domain.ErrNotFound},
		{"other intermediary", []domain.Event{started}, otherInter, theClient, placement.Correct{Function: "Hulp"}, nil, domain.ErrNotFound},
		{"unknown", nil, backoffice, theClient, placement.Correct{Function: "Hulp"}, nil, domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			domaintest.Decide(t, tt.given, func(p *placement.Placement) ([]domain.Event, error) {
				cmd := tt.cmd
				cmd.Reason = " typefout "
				return p.Correct(tt.actor, tt.client, cmd, now)
			}, tt.want, tt.wantErr)
		})
	}

	// The fold: the corrected values are the placement's; an end stays.
	p, err := domain.Replay[placement.Placement](startedFixed, corrected("Hulp", "2025-03-24"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Function() != "Hulp" || p.Period().Start != day("2025-03-24") || p.Period().End != day("2025-06-30") ||
		p.ActiveOn(day("2025-03-17")) || !p.ActiveOn(day("2025-03-24")) {
		t.Errorf("after the correction: %q %+v", p.Function(), p.Period())
	}
}

// TestCheckNoHoursBeforeStart: a later start with hours before it is
// refused, naming each week once.
func TestCheckNoHoursBeforeStart(t *testing.T) {
	booked := []placement.Booked{
		{Week: "2026-W05", Day: day("2026-01-26")},
		{Week: "2026-W05", Day: day("2026-01-27")},
		{Week: "2026-W06", Day: day("2026-02-02")},
	}
	for _, tt := range []struct {
		start string
		want  string // "" allowed
	}{
		{"2026-01-26", ""},
		{"2026-01-27", "week 2026-W05;"},
		{"2026-02-01", "week 2026-W05;"},
		{"2026-02-03", "week 2026-W05, 2026-W06;"},
	} {
		err := placement.CheckNoHoursBeforeStart(day(tt.start), booked)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.start, err)
			}
			continue
		}
		if !errorsIsCode(err, "hours_before_start") || !strings.Contains(err.(*domain.Error).MessageNL, tt.want) {
			t.Errorf("%s: %v, want hours_before_start naming %s", tt.start, err, tt.want)
		}
	}
}

// TestCheckNoOverlap: a second placement at the same client may not share
// a date with another; at another client it may.
func TestCheckNoOverlap(t *testing.T) {
	siblings := []placement.Sibling{
		{ID: "p-1", ClientID: "c-1", Period: placement.Period{Start: day("2025-01-06"), End: day("2025-03-31")}},
		{ID: "p-2", ClientID: "c-2", Period: placement.Period{Start: day("2025-01-06")}},
		{ID: "p-3", ClientID: "c-1", Period: placement.Period{Start: day("2025-09-01")}},
	}
	for _, tt := range []struct {
		name, id, client string
		period           placement.Period
		want             bool // refused
	}{
		{"after the ended one, before the open one", "p-9", "c-1", placement.Period{Start: day("2025-04-01"), End: day("2025-08-31")}, false},
		{"on the last day", "p-9", "c-1", placement.Period{Start: day("2025-03-31"), End: day("2025-04-30")}, true},
		{"open-ended into the later one", "p-9", "c-1", placement.Period{Start: day("2025-04-01")}, true},
		{"on the later one's start", "p-9", "c-1", placement.Period{Start: day("2025-08-01"), End: day("2025-09-01")}, true},
		{"inside", "p-9", "c-1", placement.Period{Start: day("2025-02-01"), End: day("2025-02-02")}, true},
		{"before everything", "p-9", "c-1", placement.Period{Start: day("2024-12-01"), End: day("2025-01-05")}, false},
		{"another client", "p-9", "c-3", placement.Period{Start: day("2025-02-01")}, false},
		{"itself (a correction)", "p-1", "c-1", placement.Period{Start: day("2025-01-01"), End: day("2025-03-31")}, false},
	} {
		err := placement.CheckNoOverlap(tt.id, tt.client, tt.period, siblings)
		if got := errorsIsCode(err, "placement_overlaps"); got != tt.want || (!tt.want && err != nil) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	err := placement.CheckNoOverlap("p-9", "c-1", placement.Period{Start: day("2025-03-01")}, siblings)
	if de := err.(*domain.Error); !strings.Contains(de.MessageNL, "vanaf 6-1-2025 tot en met 31-3-2025") {
		t.Errorf("message %q names not the other placement's dates", de.MessageNL)
	}
}

func errorsIsCode(err error, c string) bool {
	de, ok := err.(*domain.Error)
	return ok && de.Code == c
}
