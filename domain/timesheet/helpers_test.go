package timesheet_test

import (
	"bytes"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
)

var (
	ams          = ts.Location()
	week         = ts.ISOWeek{Year: 2026, Week: 5}         // 26 Jan .. 1 Feb 2026
	now          = time.Date(2026, 2, 1, 22, 0, 0, 0, ams) // Sunday evening: every day of week 5 has begun
	worker       = domain.Actor{AccountID: "u-w", Role: domain.RoleWorker, WorkerID: "w1"}
	client       = domain.Actor{AccountID: "u-c", Role: domain.RoleClient, ClientID: "c1"}
	intermediary = domain.Actor{AccountID: "u-i", Role: domain.RoleIntermediary, IntermediaryID: "i1"}
	backoffice   = domain.Actor{AccountID: "u-b", Role: domain.RoleBackoffice}
	payroll      = domain.Actor{AccountID: "u-p", Role: domain.RolePayroll}
	auditor      = domain.Actor{AccountID: "u-a", Role: domain.RoleAuditor}
)

func baseTerms() ts.Terms {
	return ts.Terms{
		PlacementID: "pl-1",
		Week:        week,
		HourTypes: []ts.HourType{
			{Code: "N", Name: "Normale uren", Percentage: 100},
			{Code: "O125", Name: "Overuren 125%", Percentage: 125},
			{Code: "V", Name: "Vakantie", Percentage: 100, Absence: true},
		},
		NormalHourType: "N",
		EnteredBy:      domain.RoleWorker,
		Chain:          []domain.Role{domain.RoleClient, domain.RoleIntermediary},
		Period:         ts.Period{Start: ts.NewDate(2026, 1, 1)},
		Allowances:     ts.AllowanceRates{PerDayCents: 250, PerHourCents: 35},
		ClientID:       "c1", IntermediaryID: "i1", WorkerID: "w1",
	}
}

func trTerms() ts.Terms {
	t := baseTerms()
	t.TimeRegistration = true
	return t
}

type cmd func(a *ts.Timesheet) ([]domain.Event, error)

func days(m ...ts.Minutes) [7]ts.Minutes {
	var d [7]ts.Minutes
	copy(d[:], m)
	return d
}

func setLine(actor domain.Actor, terms ts.Terms, code string, m [7]ts.Minutes) cmd {
	return func(a *ts.Timesheet) ([]domain.Event, error) { return a.SetLine(actor, terms, code, m, now) }
}

func offer(actor domain.Actor, terms ts.Terms) cmd {
	return func(a *ts.Timesheet) ([]domain.Event, error) { return a.Offer(actor, terms, ts.AdjacentWeeks{}, now) }
}

func approve(actor domain.Actor, terms ts.Terms) cmd {
	return func(a *ts.Timesheet) ([]domain.Event, error) {
		step, _ := a.NextStep()
		return a.Approve(actor, terms, step, a.OfferedHash(), now)
	}
}

func reject(actor domain.Actor, terms ts.Terms, reason string) cmd {
	return func(a *ts.Timesheet) ([]domain.Event, error) { return a.Reject(actor, terms, reason, now) }
}

func addEntry(actor domain.Actor, terms ts.Terms, d ts.Date, start, end string, brk ts.Minutes, cont bool) cmd {
	return func(a *ts.Timesheet) ([]domain.Event, error) {
		return a.AddEntry(actor, terms, ts.AdjacentWeeks{}, ts.EntryInput{Date: d, Start: clk(start), End: clk(end), Break: brk, Continuous: cont}, now)
	}
}

func imported(batch string) cmd {
	return func(a *ts.Timesheet) ([]domain.Event, error) { return a.MarkImported(payroll, now, batch) }
}

// history runs commands on a new timesheet and returns all their events;
// the table tests replay them as "given".
func history(t *testing.T, cmds ...cmd) []domain.Event {
	t.Helper()
	return do(t, &ts.Timesheet{}, cmds...)
}

// do runs commands on a and returns their events, failing on the first
// error.
func do(t *testing.T, a *ts.Timesheet, cmds ...cmd) []domain.Event {
	t.Helper()
	var all []domain.Event
	for i, c := range cmds {
		evs, err := c(a)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		all = append(all, evs...)
	}
	return all
}

var (
	stdLine   = setLine(worker, baseTerms(), "N", days(480, 480, 480, 480, 480))
	offered   = []cmd{stdLine, offer(worker, baseTerms())}
	step1     = append(offered[:2:2], approve(client, baseTerms()))
	approved  = append(step1[:3:3], approve(intermediary, baseTerms()))
	rejected  = append(offered[:2:2], reject(client, baseTerms(), "Dinsdag klopt niet"))
	importedH = append(approved[:4:4], imported("batch-1"))
)

// encodeAll makes events comparable: type name and JSON per event.
func encodeAll(t *testing.T, evs []domain.Event) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, e := range evs {
		data, err := domain.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(e.EventType() + " ")
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// wantErr checks code, kind and that both messages are present.
func wantErr(t *testing.T, err error, code string, kind domain.Kind) {
	t.Helper()
	domaintest.WantError(t, err, &domain.Error{Code: code, Kind: kind})
}

// load replays events into a new timesheet (domain.Replay); a refused
// event fails the test.
func load(t *testing.T, events []domain.Event) *ts.Timesheet {
	t.Helper()
	a, err := domain.Replay[ts.Timesheet](events...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
