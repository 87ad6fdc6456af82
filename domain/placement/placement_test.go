package placement_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/domaintest"
	"backoffice/domain/placement"
	"backoffice/domain/worker"
)

var day = domaintest.Day

func ptr(t time.Time) *time.Time { return &t }

var (
	now        = time.Date(2025, 3, 12, 9, 0, 0, 0, time.UTC)
	backoffice = domain.Actor{Role: domain.RoleBackoffice}
	clientUser = domain.Actor{Role: domain.RoleClient, ClientID: "c-1"}
	otherUser  = domain.Actor{Role: domain.RoleClient, ClientID: "c-2"}
	interUser  = domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i-1"}
	otherInter = domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i-2"}
	workerUser = domain.Actor{Role: domain.RoleWorker, WorkerID: "w-1"}

	theClient = domaintest.ClientC1()
	theWorker = domaintest.Replay[worker.Worker](&worker.Registered{WorkerID: "w-1", ClientID: "c-1",
		Name: worker.Name{First: "Jan", Last: "Berg"}, Email: "jan@example.nl", Function: "Bakker"})
	otherWorker = domaintest.Replay[worker.Worker](&worker.Registered{WorkerID: "w-2", ClientID: "c-2",
		Name: worker.Name{First: "Piet", Last: "Smit"}, Email: "piet@example.nl", Function: "Chauffeur"})

	started = &placement.Started{PlacementID: "p-1", WorkerID: "w-1", ClientID: "c-1", IntermediaryID: "i-1",
		Function: "Bakker", Start: day("2025-03-17")}
	startedFixed = &placement.Started{PlacementID: "p-1", WorkerID: "w-1", ClientID: "c-1", IntermediaryID: "i-1",
		Function: "Bakker", Start: day("2025-03-17"), End: ptr(day("2025-06-30"))}
)

var code = domaintest.Code

func TestStart(t *testing.T) {
	base := placement.Start{PlacementID: "p-1", Start: time.Date(2025, 3, 17, 8, 0, 0, 0, time.UTC)}
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		client  *client.Client
		worker  *worker.Worker
		edit    func(*placement.Start)
		want    []domain.Event
		wantErr error
	}{
		{"open-ended, function from worker", nil, clientUser, theClient, theWorker, nil, []domain.Event{started}, nil},
		{"fixed end", nil, backoffice, theClient, theWorker, func(s *placement.Start) { s.End = ptr(day("2025-06-30")) }, []domain.Event{startedFixed}, nil},
		{"one-day placement", nil, backoffice, theClient, theWorker, func(s *placement.Start) { s.End = ptr(day("2025-03-17")) },
			[]domain.Event{func() domain.Event { s := *started; s.End = ptr(day("2025-03-17")); return &s }()}, nil},
		{"own function", nil, backoffice, theClient, theWorker, func(s *placement.Start) { s.Function = "Hulpbakker" },
			[]domain.Event{func() domain.Event { s := *started; s.Function = "Hulpbakker"; return &s }()}, nil},
		{"backoffice places another client's worker", nil, backoffice, theClient, otherWorker, nil,
			[]domain.Event{func() domain.Event { s := *started; s.WorkerID = "w-2"; s.Function = "Chauffeur"; return &s }()}, nil},
		{"client places another client's worker", nil, clientUser, theClient, otherWorker, nil, nil, domain.ErrNotFound},
		{"client places a former worker another client registered", nil, clientUser, theClient, otherWorker,
			func(s *placement.Start) { s.PlacedHereBefore = true },
			[]domain.Event{func() domain.Event { s := *started; s.WorkerID = "w-2"; s.Function = "Chauffeur"; return &s }()}, nil},
		{"placed before does not open another company", nil, otherUser, theClient, theWorker,
			func(s *placement.Start) { s.PlacedHereBefore = true }, nil, domain.ErrNotFound},
		{"client at another client", nil, otherUser, theClient, theWorker, nil, nil, domain.ErrNotFound},
		{"intermediary", nil, interUser, theClient, theWorker, nil, nil, account.Forbidden},
		{"unknown worker", nil, backoffice, theClient, domaintest.Replay[worker.Worker](), nil, nil, domain.ErrNotFound},
		{"nil worker", nil, backoffice, theClient, nil, nil, nil, domain.ErrNotFound},
		{"twice", []domain.Event{started}, backoffice, theClient, theWorker, nil, nil, code("placement_exists")},
		{"end before start", nil, backoffice, theClient, theWorker, func(s *placement.Start) { s.End = ptr(day("2025-03-16")) }, nil, code("end_before_start")},
		{"before agreement", nil, backoffice, theClient, theWorker, func(s *placement.Start) { s.Start = day("2024-12-31") }, nil, code("no_agreement")},
		{"no start", nil, backoffice, theClient, theWorker, func(s *placement.Start) { s.Start = time.Time{} }, nil, code("required")},
		{"bad id", nil, backoffice, theClient, theWorker, func(s *placement.Start) { s.PlacementID = "p/1" }, nil, code("id_format")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			domaintest.Decide(t, tt.given, func(p *placement.Placement) ([]domain.Event, error) {
				cmd := base
				if tt.edit != nil {
					tt.edit(&cmd)
				}
				return p.Start(tt.actor, tt.client, tt.worker, cmd, now)
			}, tt.want, tt.wantErr)
		})
	}
}

func TestEnd(t *testing.T) {
	ended := &placement.Ended{PlacementID: "p-1", End: day("2025-04-30"), Reason: "einde project"}
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		date    string
		want    []domain.Event
		wantErr error
	}{
		{"client ends", []domain.Event{started}, clientUser, "2025-04-30", []domain.Event{ended}, nil},
		{"intermediary ends", []domain.Event{started}, interUser, "2025-04-30", []domain.Event{ended}, nil},
		{"on the start date", []domain.Event{started}, backoffice, "2025-03-17",
			[]domain.Event{&placement.Ended{PlacementID: "p-1", End: day("2025-03-17"), Reason: "einde project"}}, nil},
		{"earlier than fixed end", []domain.Event{startedFixed}, backoffice, "2025-04-30", []domain.Event{ended}, nil},
		{"on fixed end", []domain.Event{startedFixed}, backoffice, "2025-06-30",
			[]domain.Event{&placement.Ended{PlacementID: "p-1", End: day("2025-06-30"), Reason: "einde project"}}, nil},
		{"after fixed end", []domain.Event{startedFixed}, backoffice, "2025-07-01", nil, code("end_after_planned_end")},
		{"before start", []domain.Event{started}, backoffice, "2025-03-16", nil, code("end_before_start")},
		{"already ended", []domain.Event{started, &placement.Ended{PlacementID: "p-1", End: day("2025-03-11")}}, backoffice, "2025-04-01", nil, code("already_ended")},
		// now is 2025-03-12: an end still to come may be corrected, by the
		// same event again (a typo of a year must not fix the placement).
		{"correct a far end", []domain.Event{started, &placement.Ended{PlacementID: "p-1", End: day("2200-01-01")}}, clientUser, "2025-04-30", []domain.Event{ended}, nil},
		{"correct an end later", []domain.Event{started, ended}, clientUser, "2025-05-31",
			[]domain.Event{&placement.Ended{PlacementID: "p-1", End: day("2025-05-31"), Reason: "einde project"}}, nil},
		{"correct an end ending today", []domain.Event{started, &placement.Ended{PlacementID: "p-1", End: day("2025-03-12")}}, clientUser, "2025-04-30", []domain.Event{ended}, nil},
		{"correct to the same end", []domain.Event{started, ended}, clientUser, "2025-04-30", nil, code("already_ended")},
		{"correct beyond the fixed end", []domain.Event{startedFixed, ended}, clientUser, "2025-07-01", nil, code("end_after_planned_end")},
		{"correct up to the fixed end", []domain.Event{startedFixed, ended}, clientUser, "2025-06-30",
			[]domain.Event{&placement.Ended{PlacementID: "p-1", End: day("2025-06-30"), Reason: "einde project"}}, nil},
		{"other client", []domain.Event{started}, otherUser, "2025-04-30", nil, domain.ErrNotFound},
		{"other intermediary", []domain.Event{started}, otherInter, "2025-04-30", nil, domain.ErrNotFound},
		{"worker", []domain.Event{started}, workerUser, "2025-04-30", nil, account.Forbidden},
		{"auditor", []domain.Event{started}, domain.Actor{Role: domain.RoleAuditor}, "2025-04-30", nil, account.Forbidden},
		{"unknown", nil, backoffice, "2025-04-30", nil, domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			domaintest.Decide(t, tt.given, func(p *placement.Placement) ([]domain.Event, error) {
				return p.End(tt.actor, day(tt.date), " einde  project ", now)
			}, tt.want, tt.wantErr)
		})
	}
}

func TestPeriodQueries(t *testing.T) {
	open, _ := domain.Replay[placement.Placement](started)
	fixed, _ := domain.Replay[placement.Placement](startedFixed)
	endedEarly, _ := domain.Replay[placement.Placement](startedFixed, &placement.Ended{PlacementID: "p-1", End: day("2025-04-30")})
	none, _ := domain.Replay[placement.Placement]()

	if p := open.Period(); !p.Open() || p.Start != day("2025-03-17") {
		t.Errorf("open period %+v", p)
	}
	if p := endedEarly.Period(); p.Open() || p.End != day("2025-04-30") || !endedEarly.Ended() {
		t.Errorf("ended period %+v", p)
	}
	active := []struct {
		p    *placement.Placement
		on   string
		want bool
	}{
		{open, "2025-03-16", false}, {open, "2025-03-17", true}, {open, "2040-01-01", true},
		{fixed, "2025-06-30", true}, {fixed, "2025-07-01", false},
		{endedEarly, "2025-04-30", true}, {endedEarly, "2025-05-01", false},
		{none, "2025-04-01", false},
	}
	for _, tt := range active {
		if got := tt.p.ActiveOn(day(tt.on)); got != tt.want {
			t.Errorf("ActiveOn(%s) = %v", tt.on, got)
		}
	}
	// Time of day does not matter.
	if !fixed.ActiveOn(time.Date(2025, 6, 30, 23, 59, 0, 0, time.UTC)) {
		t.Error("last day evening")
	}
	weeks := []struct {
		p        *placement.Placement
		from, to string
		want     bool
	}{
		{open, "2025-03-10", "2025-03-16", false}, // week 11, before start
		{open, "2025-03-17", "2025-03-23", true},
		{open, "2025-03-11", "2025-03-17", true}, // ends on the start date
		{fixed, "2025-06-30", "2025-07-06", true},
		{fixed, "2025-07-01", "2025-07-07", false},
		{endedEarly, "2025-04-28", "2025-05-04", true},
		{endedEarly, "2025-05-05", "2025-05-11", false},
		{open, "2025-03-23", "2025-03-17", false}, // reversed range
		{none, "2025-03-17", "2025-03-23", false},
	}
	for _, tt := range weeks {
		if got := tt.p.Overlaps(day(tt.from), day(tt.to)); got != tt.want {
			t.Errorf("Overlaps(%s, %s) = %v", tt.from, tt.to, got)
		}
	}
	if r := open.Ref(); r != (account.PlacementRef{WorkerID: "w-1", ClientID: "c-1", IntermediaryID: "i-1"}) {
		t.Errorf("Ref %+v", r)
	}
	if open.ID() != "p-1" || open.WorkerID() != "w-1" || open.ClientID() != "c-1" || open.IntermediaryID() != "i-1" ||
		open.Function() != "Bakker" || !open.Exists() || placement.Stream("p-1") != "placement-p-1" {
		t.Error("state")
	}
	if _, err := domain.Replay[placement.Placement](&worker.Registered{}); err == nil {
		t.Error("foreign event applied")
	}
}

func TestRegisterWorker(t *testing.T) {
	cmd := placement.RegisterWorkerCmd{
		WorkerID: "w-1", PlacementID: "p-1",
		Name:  worker.Name{First: "Jan", Last: "Berg"},
		Email: "jan@example.nl", Function: "Bakker",
		PersonalData: worker.PersonalData{
			BSN: "123456782", IBAN: "NL20INGB0001234567", DateOfBirth: day("1999-12-31"),
			Address: worker.Address{Street: "Kerkstraat", HouseNumber: "1", PostalCode: "1017 GC", City: "Amsterdam"},
			Mobile:  "+31 6 87654321",
		},
		Start: day("2025-03-17"),
	}
	got, err := placement.RegisterWorker(clientUser, theClient, cmd, now)
	if err != nil {
		t.Fatal(err)
	}
	wantW := []domain.Event{&worker.Registered{WorkerID: "w-1", ClientID: "c-1", Name: cmd.Name, Email: "jan@example.nl", Function: "Bakker"}}
	if !reflect.DeepEqual(got.WorkerEvents, wantW) {
		t.Errorf("worker events %#v", got.WorkerEvents)
	}
	if !reflect.DeepEqual(got.PlacementEvents, []domain.Event{started}) {
		t.Errorf("placement events %#v", got.PlacementEvents)
	}
	if got.PersonalData.BSN != "123456782" || got.PersonalData.Mobile != "+31687654321" {
		t.Errorf("personal data not normalized")
	}
	for _, e := range append(got.WorkerEvents, got.PlacementEvents...) {
		b, _ := domain.Encode(e)
		for _, s := range []string{"123456782", "NL20", "1999", "Kerkstraat", "687654321"} {
			if strings.Contains(string(b), s) {
				t.Errorf("%s contains personal data %q", e.EventType(), s)
			}
		}
	}

	// Errors from either half surface; nothing is returned.
	bad := cmd
	bad.End = ptr(day("2025-03-01"))
	if got, err := placement.RegisterWorker(clientUser, theClient, bad, now); !errors.Is(err, code("end_before_start")) || got.WorkerEvents != nil {
		t.Errorf("end before start: %v", err)
	}
	bad = cmd
	bad.PersonalData.BSN = "123456789"
	if _, err := placement.RegisterWorker(clientUser, theClient, bad, now); !errors.Is(err, code("bsn_checksum")) {
		t.Errorf("bsn: %v", err)
	}
	if _, err := placement.RegisterWorker(otherUser, theClient, cmd, now); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("other client: %v", err)
	}
}

func TestEventsRoundTrip(t *testing.T) {
	samples := []domain.Event{startedFixed, &placement.Ended{PlacementID: "p-1", End: day("2025-04-30"), Reason: "r"},
		&placement.Corrected{PlacementID: "p-1", Function: "Hulp", Start: day("2025-03-24"), Reason: "typefout"},
		&placement.Claimed{PlacementID: "p-1", WorkerID: "w-1", ClientID: "c-1", Revision: new(uint64(2)), Start: day("2025-03-24"), End: ptr(day("2025-04-30"))}}
	domaintest.RoundTrip(t, placement.Events, samples...)
}
