package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"backoffice/commands"
	"backoffice/commands/identity"
	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	pay "backoffice/domain/payroll"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/validate"
	"backoffice/eventstore"
)

// The demo's payroll set-up, as the back office would enter it on the
// payroll screens: each client's employer administration, payroll period
// and package, the mapping of every hour type and automatic allowance to a
// wage component, and each worker's personnel number.
const (
	AdministrationBakery = "1001" // Loket aansluitnummer; weekly
	AdministrationGarden = "2001" // Nmbrs company number; monthly
)

// PayrollWeeksBack are the weeks, counted back from the current ISO week,
// whose bakery timesheets SeedPayroll enters and approves all the way (so
// the payroll screens and the export have approved hours); last week holds
// the other statuses (seedWorkflow, WorkflowWeekBack) for four bakery
// workers and stays open for Jan and Fatima. The garden centre's timesheets are
// left alone: the load driver, the kill -9 loop and the EventStoreDB serve
// tests write its placements' recent weeks.
var PayrollWeeksBack = []int{3, 2}

// PersonnelNumber is demo worker n's (1..10) personnel number in its
// client's administration.
func PersonnelNumber(n int) string { return fmt.Sprintf("%d", 5000+n) }

// The bureau's components that both demo clients use.
var (
	hours100 = pay.Mapping{Kind: pay.SourceHours, Code: "100", Loket: "1", Nmbrs: "U100", Easyflex: "U100", AFAS: "UREN100"}
	hours125 = pay.Mapping{Kind: pay.SourceHours, Code: "125", Loket: "2", Nmbrs: "U125", Easyflex: "U125", AFAS: "UREN125"}
	travelKm = pay.Mapping{Kind: pay.SourceExpense, Code: "travel_km", Loket: "50", Nmbrs: "KM", Easyflex: "KM", AFAS: "REISKM"}
)

// payrollClients are the settings and mappings per client. Every source
// the demo's timesheets have (the agreed hour types, the automatic
// allowance) has a component, or the export would refuse it.
var payrollClients = []struct {
	id       string
	settings pay.Settings
	mapping  []pay.Mapping
}{
	{ClientBakery, pay.Settings{Administration: AdministrationBakery, Period: pay.PeriodWeek, Package: pay.TargetLoket},
		[]pay.Mapping{
			hours100,
			hours125,
			{Kind: pay.SourceHours, Code: "150", Loket: "3", Nmbrs: "U150", Easyflex: "U150", AFAS: "UREN150"},
			{Kind: pay.SourceHours, Code: "VAK", Loket: "20", Nmbrs: "VAK", Easyflex: "VAK", AFAS: "VAKANTIE"},
			{Kind: pay.SourceAllowance, Code: "per_day", Loket: "40", Nmbrs: "ONK-DAG", Easyflex: "ONKDAG", AFAS: "ONKDAG"},
			travelKm,
			{Kind: pay.SourceExpense, Code: "parking", Loket: "51", Nmbrs: "PARK", Easyflex: "PARK", AFAS: "PARKEREN"},
		}},
	{ClientGarden, pay.Settings{Administration: AdministrationGarden, Period: pay.PeriodMonth, Package: pay.TargetNmbrs},
		[]pay.Mapping{
			hours100,
			hours125,
			{Kind: pay.SourceAllowance, Code: "per_hour", Loket: "41", Nmbrs: "ONK-UUR", Easyflex: "ONKUUR", AFAS: "ONKUUR"},
			travelKm,
		}},
}

// SeedPayroll adds the payroll side of the demo after Seed: the clients'
// payroll settings and mappings and the workers' personnel numbers (as the
// back office), and the bakery's approved timesheets of the weeks
// PayrollWeeksBack, entered and approved by the demo's own accounts as its
// agreement says (each worker registers the shifts, the bakery's contact
// then the intermediary approve), and last week's bakery timesheets in the
// other statuses of the manual (seedWorkflow: open, offered, approved by
// the bakery only, rejected). Running it again changes nothing:
// settings and mappings that are set are not set again, and a week that
// has a timesheet is left alone.
func SeedPayroll(ctx context.Context, payroll *paycmd.Handler, sheets *tscmd.Handler, svc *identity.Handlers, store eventstore.Store, now time.Time) error {
	if payroll == nil || sheets == nil || svc == nil || store == nil {
		return errors.New("demo: SeedPayroll needs the payroll and timesheet handlers, the identity service and the event store")
	}
	actor := func(email string) (domain.Actor, error) {
		acc, err := svc.Auth.AccountByEmail(ctx, email)
		if err != nil {
			return domain.Actor{}, fmt.Errorf("demo: account %s: %w", email, err)
		}
		return domain.Actor{AccountID: acc.AccountID, Role: acc.Role, Language: acc.Language}.WithTenant(acc.TenantID), nil
	}
	bo, err := actor(BackofficeMail)
	if err != nil {
		return err
	}
	meta := func(a domain.Actor, key string) commands.Meta {
		return commands.Meta{Actor: a, CorrelationID: "demo-seed", IdempotencyKey: key}
	}
	agreementFrom := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	admin := map[string]string{}
	for _, c := range payrollClients {
		admin[c.id] = c.settings.Administration
		if _, err := payroll.SetSettings(ctx, meta(bo, "demo-payroll-settings-"+c.id), paycmd.SetSettings{ClientID: c.id, Settings: c.settings}); err != nil {
			return fmt.Errorf("demo: payroll settings of %s: %w", c.id, err)
		}
		if _, err := payroll.SetMapping(ctx, meta(bo, "demo-payroll-mapping-"+c.id), paycmd.SetMapping{ClientID: c.id, ValidFrom: agreementFrom, Entries: c.mapping}); err != nil {
			return fmt.Errorf("demo: payroll mapping of %s: %w", c.id, err)
		}
	}
	for i, w := range workers {
		n := i + 1
		if _, err := payroll.SetPersonnelNumber(ctx, meta(bo, "demo-payroll-persnr-"+workerID(n)), paycmd.SetPersonnelNumber{
			WorkerID: workerID(n), Administration: admin[w.clientID], PersonnelNumber: PersonnelNumber(n)}); err != nil {
			return fmt.Errorf("demo: personnel number of worker %d: %w", n, err)
		}
	}

	client, err := actor(BakeryContactMail)
	if err != nil {
		return err
	}
	inter, err := actor("anna@flexwerk.example.nl")
	if err != nil {
		return err
	}
	current := ts.WeekOf(ts.DateOf(validate.Today(now)))
	for i, w := range workers {
		n := i + 1
		if w.clientID != ClientBakery {
			continue
		}
		wk, err := actor(workerEmail(w))
		if err != nil {
			return err
		}
		for _, back := range PayrollWeeksBack {
			week := current
			for range back {
				week = week.Prev()
			}
			target := tscmd.Target{PlacementID: placementID(n), Week: week}
			if has, err := hasTimesheet(ctx, store, target); err != nil || has {
				if err != nil {
					return err
				}
				continue
			}
			if err := approvedShifts(ctx, sheets, target, wk, client, inter); err != nil {
				return fmt.Errorf("demo: timesheet of worker %d, %s: %w", n, week, err)
			}
		}
	}
	return seedWorkflow(ctx, sheets, store, actor, client, current)
}

// hasTimesheet reports whether the placement's week has a timesheet.
func hasTimesheet(ctx context.Context, store eventstore.Store, t tscmd.Target) (bool, error) {
	evs, err := store.ReadStream(ctx, ts.StreamName(t.PlacementID, t.Week), eventstore.ReadStreamOptions{Max: 1})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("demo: unable to read timesheet %s %s: %w", t.PlacementID, t.Week, err)
	}
	return len(evs) > 0, nil
}

// bakeryShifts enters a bakery week's shifts: Monday to Friday 07:00–15:30
// with half an hour's break.
func bakeryShifts(ctx context.Context, sheets *tscmd.Handler, m commands.Meta, t tscmd.Target) error {
	start, _ := ts.ParseClock("07:00")
	end, _ := ts.ParseClock("15:30")
	for day := range 5 {
		if _, _, err := sheets.AddEntry(ctx, m, tscmd.AddEntry{Target: t, Entry: ts.EntryInput{
			Date: t.Week.Day(day), Start: start, End: end, Break: 30}}); err != nil {
			return err
		}
	}
	return nil
}

// approvedShifts is a bakery week: the worker registers Monday to Friday
// 07:00–15:30 with half an hour's break and offers; the client and then
// the intermediary approve.
func approvedShifts(ctx context.Context, sheets *tscmd.Handler, t tscmd.Target, worker, client, inter domain.Actor) error {
	m := commands.Meta{Actor: worker, CorrelationID: "demo-seed"}
	if err := bakeryShifts(ctx, sheets, m, t); err != nil {
		return err
	}
	if _, err := sheets.Offer(ctx, m, tscmd.Offer{Target: t}); err != nil {
		return err
	}
	for _, a := range []domain.Actor{client, inter} {
		if _, err := sheets.Approve(ctx, commands.Meta{Actor: a, CorrelationID: "demo-seed"}, tscmd.Approve{Target: t}); err != nil {
			return err
		}
	}
	return nil
}
