package domaintest

// Checks the aggregates' own tests share: a given/when/then case and the
// round trip of an event registry.

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/client"
	ts "backoffice/domain/timesheet"
)

// Aggregate is a pointer to an aggregate whose zero value is the state
// before any event and whose Apply folds one event in.
type Aggregate[A any] interface {
	*A
	Apply(domain.Event) error
}

// Case is one given/when/then case of an aggregate P: fold Given, run When,
// expect Want or an error that errors.Is WantErr.
type Case[P any] struct {
	Name    string
	Given   []domain.Event
	When    func(P) ([]domain.Event, error)
	Want    []domain.Event
	WantErr error
	// Then, when set, checks the aggregate after Want applied to it.
	Then func(t *testing.T, agg P)
}

// Cases runs every case as a subtest (see Decide).
func Cases[A any, P Aggregate[A]](t *testing.T, cases []Case[P]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			agg := Decide[A, P](t, c.Given, c.When, c.Want, c.WantErr)
			if c.Then != nil && c.WantErr == nil {
				c.Then(t, agg)
			}
		})
	}
}

// Decide folds given into a new aggregate, runs when and checks its answer:
// on a refusal the error is wantErr (errors.Is) and no events come with it;
// otherwise the events equal want and apply to the aggregate they came from,
// which Decide returns.
func Decide[A any, P Aggregate[A]](t *testing.T, given []domain.Event, when func(P) ([]domain.Event, error), want []domain.Event, wantErr error) P {
	t.Helper()
	agg := P(new(A))
	for _, e := range given {
		if err := agg.Apply(e); err != nil {
			t.Fatalf("given %s: %v", e.EventType(), err)
		}
	}
	got, err := when(agg)
	if wantErr != nil {
		if !errors.Is(err, wantErr) {
			t.Fatalf("error = %v, want %v", err, wantErr)
		}
		if got != nil {
			t.Fatalf("events %v returned with an error", got)
		}
		return agg
	}
	if err != nil {
		t.Fatalf("unexpected error %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events\n got %#v\nwant %#v", got, want)
	}
	for _, e := range got {
		if err := agg.Apply(e); err != nil {
			t.Fatalf("new event does not apply: %v", err)
		}
	}
	return agg
}

// DecidePersonal is Decide for a command that also returns personal data,
// which never enters an event (the command layer stores it apart): after a
// decision it must equal wantPersonal, after a refusal be zero.
func DecidePersonal[A any, P Aggregate[A], D comparable](t *testing.T, given []domain.Event, when func(P) ([]domain.Event, D, error), want []domain.Event, wantErr error, wantPersonal D) P {
	t.Helper()
	if wantErr != nil {
		var zero D
		wantPersonal = zero
	}
	return Decide[A, P](t, given, func(agg P) ([]domain.Event, error) {
		evs, personal, err := when(agg)
		if personal != wantPersonal {
			t.Errorf("personal data %+v, want %+v", personal, wantPersonal)
		}
		return evs, err
	}, want, wantErr)
}

// WantError checks a refusal: err is a *domain.Error with want's Kind and
// Code, want's Field when want names one, and a message in English and in
// Dutch; WantError returns it. With want nil, err must be nil.
func WantError(t testing.TB, err error, want *domain.Error) *domain.Error {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return nil
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v, want %s", err, want.Code)
	}
	if de.Code != want.Code || de.Kind != want.Kind || (want.Field != "" && de.Field != want.Field) || de.Message == "" || de.MessageNL == "" {
		t.Fatalf("error = %+v, want code %s, kind %d, field %q and both messages", de, want.Code, want.Kind, want.Field)
	}
	return de
}

// RoundTrip encodes and decodes every sample through r and checks that the
// samples cover the registry exactly: renaming a JSON tag or registering a
// type without a sample fails here.
func RoundTrip(t *testing.T, r *domain.Registry, samples ...domain.Event) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range samples {
		seen[e.EventType()] = true
		b, err := domain.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Decode(e.EventType(), b)
		if err != nil {
			t.Fatalf("%s: %v", e.EventType(), err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Errorf("%s: round trip\n got %#v\nwant %#v", e.EventType(), got, e)
		}
	}
	for _, name := range r.Types() {
		if !seen[name] {
			t.Errorf("no round-trip sample for %s", name)
		}
	}
	if len(seen) != len(r.Types()) {
		t.Errorf("samples of unregistered types: %d samples, %d registered", len(seen), len(r.Types()))
	}
}

// Replay folds events into a new aggregate A, like domain.Replay, and
// panics on an event it refuses: for a test's fixtures, set up once.
func Replay[A any, P Aggregate[A]](events ...domain.Event) P {
	agg, err := domain.Replay[A, P](events...)
	if err != nil {
		panic(err)
	}
	return agg
}

// ClientC1 is client c-1 (Korenaar) of intermediary i-1, registered with
// one hour type: its workers enter their hours and the client approves
// them. The worker and placement tests register against it.
func ClientC1() *client.Client {
	return Replay[client.Client](&client.Registered{ClientID: "c-1", IntermediaryID: "i-1", Name: "Korenaar", KvK: "12345678",
		AgreementFrom: Day("2025-01-01"), Agreement: client.Agreement{
			HourTypes: []client.HourType{{Code: "100", Name: "Normaal", Percentage: 100}}, NormalHourType: "100",
			EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient}}})
}

// Code is an error that errors.Is matches to any domain.Error with the
// code c: a case's WantErr.
func Code(c string) error { return &domain.Error{Code: c} }

// Day is a calendar day ("2025-03-10") at midnight UTC; it panics on a
// malformed literal (a test's typo).
func Day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Clock is a time of day ("07:30"); it panics on a malformed literal (a
// test's typo).
func Clock(s string) ts.Clock {
	c, err := ts.ParseClock(s)
	if err != nil {
		panic(err)
	}
	return c
}
