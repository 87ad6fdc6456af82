package timesheet_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

type aggCase struct {
	name  string
	given []cmd
	when  cmd
	types []string       // expected event types, in order
	want  []domain.Event // when set, the exact events
	code  string         // expected error code
	kind  domain.Kind    // and kind
	check func(*testing.T, *ts.Timesheet, []domain.Event)
}

func runCases(t *testing.T, cases []aggCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			given := history(t, c.given...)
			a := load(t, given)
			before := a.ContentHash()
			evs, err := c.when(a)
			if c.code != "" {
				wantErr(t, err, c.code, c.kind)
				if len(evs) != 0 || a.Version() != len(given) || a.ContentHash() != before {
					t.Fatalf("failed command changed the aggregate: %v", evs)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			var types []string
			for _, e := range evs {
				types = append(types, e.EventType())
			}
			if !reflect.DeepEqual(types, c.types) {
				t.Fatalf("events %v, want %v", types, c.types)
			}
			if c.want != nil && !bytes.Equal(encodeAll(t, evs), encodeAll(t, c.want)) {
				t.Fatalf("events\n%s\nwant\n%s", encodeAll(t, evs), encodeAll(t, c.want))
			}
			// The recorded state equals the replayed state.
			replayed := load(t, append(given, evs...))
			if replayed.ContentHash() != a.ContentHash() || replayed.Status() != a.Status() ||
				replayed.DayTotals() != a.DayTotals() || replayed.Version() != a.Version() ||
				!reflect.DeepEqual(replayed.Steps(), a.Steps()) {
				t.Fatalf("replay differs from recorded state")
			}
			if c.check != nil {
				c.check(t, a, evs)
			}
		})
	}
}

func TestLines(t *testing.T) {
	terms := baseTerms()
	tuesdayFrom := baseTerms()
	tuesdayFrom.Period = ts.Period{Start: ts.NewDate(2026, 1, 27), End: ts.NewDate(2026, 1, 30)}
	clientEnters := baseTerms()
	clientEnters.EnteredBy = domain.RoleClient
	clientEnters.Chain = []domain.Role{domain.RoleWorker, domain.RoleIntermediary}
	other := baseTerms()
	other.PlacementID = "pl-2"
	broken := baseTerms()
	broken.Chain = nil
	normal := ts.HourType{Code: "N", Name: "Normale uren", Percentage: 100}

	runCases(t, []aggCase{
		{
			name: "first line opens the timesheet", when: stdLine,
			types: []string{ts.TypeOpened, ts.TypeLineSet},
			want: []domain.Event{
				&ts.Opened{PlacementID: "pl-1", Week: week, WeekStart: ts.NewDate(2026, 1, 26), WeekEnd: ts.NewDate(2026, 2, 1),
					EnteredBy: domain.RoleWorker, NormalHourType: normal,
					EntryDeadline:    time.Date(2026, 2, 3, 0, 0, 0, 0, ams),
					ApprovalDeadline: time.Date(2026, 2, 4, 10, 0, 0, 0, ams),
					ClientID:         "c1", IntermediaryID: "i1", WorkerID: "w1"},
				&ts.LineSet{Line: ts.Line{HourType: normal, Minutes: days(480, 480, 480, 480, 480)}, DayTotals: days(480, 480, 480, 480, 480)},
			},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if a.Status() != ts.StatusOpen || a.TotalMinutes() != 2400 || len(a.Lines()) != 1 {
					t.Fatalf("status %v total %v lines %v", a.Status(), a.TotalMinutes(), a.Lines())
				}
			},
		},
		{
			name: "second line of another hour type", given: []cmd{stdLine},
			when:  setLine(worker, terms, "O125", days(60, 0, 120)),
			types: []string{ts.TypeLineSet},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				if got := evs[0].(*ts.LineSet).DayTotals; got != days(540, 480, 600, 480, 480) {
					t.Fatalf("day totals %v", got)
				}
				if l := a.Lines(); len(l) != 2 || l[0].HourType.Code != "N" || l[1].HourType.Code != "O125" {
					t.Fatalf("lines %v", l)
				}
			},
		},
		{name: "same values record nothing", given: []cmd{stdLine}, when: stdLine, types: nil},
		{name: "hour type not in agreement", when: setLine(worker, terms, "X", days(60)), code: "hour_type_not_agreed", kind: domain.KindRule},
		{name: "negative minutes", when: setLine(worker, terms, "N", days(0, -30)), code: "hours_negative", kind: domain.KindInvalid},
		{name: "one value over 24h", when: setLine(worker, terms, "N", days(0, 0, 1441)), code: "day_over_24h", kind: domain.KindRule},
		{
			name: "lines together over 24h", given: []cmd{stdLine},
			when: setLine(worker, terms, "O125", days(0, 961)), code: "day_over_24h", kind: domain.KindRule,
		},
		{name: "lines together exactly 24h", given: []cmd{stdLine}, when: setLine(worker, terms, "O125", days(0, 960)), types: []string{ts.TypeLineSet}},
		{name: "hours before the placement starts", when: setLine(worker, tuesdayFrom, "N", days(480)), code: "day_outside_placement", kind: domain.KindRule},
		{name: "hours after the placement ends", when: setLine(worker, tuesdayFrom, "N", days(0, 480, 0, 0, 0, 480)), code: "day_outside_placement", kind: domain.KindRule},
		{name: "only days within the placement", when: setLine(worker, tuesdayFrom, "N", days(0, 480, 480, 480, 480)), types: []string{ts.TypeOpened, ts.TypeLineSet}},
		{
			name: "future week is not fillable",
			when: func(a *ts.Timesheet) ([]domain.Event, error) {
				return a.SetLine(worker, terms, "N", days(60), time.Date(2026, 1, 25, 23, 59, 0, 0, ams))
			},
			code: "week_not_started", kind: domain.KindRule,
		},
		{
			name: "current week from Monday 00:00",
			when: func(a *ts.Timesheet) ([]domain.Event, error) {
				return a.SetLine(worker, terms, "N", days(60), time.Date(2026, 1, 26, 0, 0, 0, 0, ams))
			},
			types: []string{ts.TypeOpened, ts.TypeLineSet},
		},
		{
			name: "week outside placement",
			when: func(a *ts.Timesheet) ([]domain.Event, error) {
				t2 := baseTerms()
				t2.Period = ts.Period{Start: ts.NewDate(2026, 2, 2)}
				return a.SetLine(worker, t2, "N", days(60), now)
			},
			code: "week_outside_placement", kind: domain.KindRule,
		},
		{name: "client cannot edit a worker's timesheet", when: setLine(client, terms, "N", days(60)), code: "not_the_enterer", kind: domain.KindForbidden},
		{name: "intermediary cannot edit", when: setLine(intermediary, terms, "N", days(60)), code: "not_the_enterer", kind: domain.KindForbidden},
		{name: "auditor cannot edit", when: setLine(auditor, terms, "N", days(60)), code: "not_the_enterer", kind: domain.KindForbidden},
		{name: "back office can edit", when: setLine(backoffice, terms, "N", days(60)), types: []string{ts.TypeOpened, ts.TypeLineSet}},
		{name: "client enters when the agreement says so", when: setLine(client, clientEnters, "N", days(60)), types: []string{ts.TypeOpened, ts.TypeLineSet}},
		{name: "worker cannot when the client enters", when: setLine(worker, clientEnters, "N", days(60)), code: "not_the_enterer", kind: domain.KindForbidden},
		{name: "locked once offered", given: offered, when: setLine(worker, terms, "N", days(60)), code: "timesheet_offered", kind: domain.KindConflict},
		{name: "locked during the chain", given: step1, when: setLine(worker, terms, "N", days(60)), code: "timesheet_offered", kind: domain.KindConflict},
		{name: "nothing changes an approved timesheet", given: approved, when: setLine(backoffice, terms, "N", days(60)), code: "timesheet_approved", kind: domain.KindConflict},
		{name: "nor an imported one", given: importedH, when: setLine(backoffice, terms, "N", days(60)), code: "timesheet_approved", kind: domain.KindConflict},
		{
			name: "rejected is editable and stays rejected", given: rejected,
			when: setLine(worker, terms, "N", days(480, 420, 480, 480, 480)), types: []string{ts.TypeLineSet},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				r, ok := a.Rejection()
				if a.Status() != ts.StatusRejected || !ok || r.Reason != "Dinsdag klopt niet" {
					t.Fatalf("status %v rejection %+v", a.Status(), r)
				}
			},
		},
		{name: "normal line comes from time registration", when: setLine(worker, trTerms(), "N", days(60)), code: "line_from_time_registration", kind: domain.KindRule},
		{name: "other lines allowed with time registration", when: setLine(worker, trTerms(), "O125", days(60)), types: []string{ts.TypeOpened, ts.TypeLineSet}},
		{
			name:  "lines and entries together over 24h",
			given: []cmd{addEntry(worker, trTerms(), week.Day(0), "06:00", "22:00", 0, false)},
			when:  setLine(worker, trTerms(), "O125", days(481)), code: "day_over_24h", kind: domain.KindRule,
		},
		{name: "terms of another placement", given: []cmd{stdLine}, when: setLine(worker, other, "N", days(60)), code: "terms_mismatch", kind: domain.KindInternal},
		{name: "incomplete terms", when: setLine(worker, broken, "N", days(60)), code: "terms_incomplete", kind: domain.KindRule},

		// Add (toevoegen) and wipe (wissen).
		{
			name: "add an empty line", given: []cmd{stdLine},
			when:  func(a *ts.Timesheet) ([]domain.Event, error) { return a.AddLine(worker, terms, "V", now) },
			types: []string{ts.TypeLineSet},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if l, ok := a.Line("V"); !ok || l.Total() != 0 || !l.HourType.Absence {
					t.Fatalf("line %+v", l)
				}
			},
		},
		{
			name: "add an existing line", given: []cmd{stdLine},
			when: func(a *ts.Timesheet) ([]domain.Event, error) { return a.AddLine(worker, terms, "N", now) },
			code: "line_exists", kind: domain.KindConflict,
		},
		{
			name: "add needs an agreed hour type",
			when: func(a *ts.Timesheet) ([]domain.Event, error) { return a.AddLine(worker, terms, "ZZ", now) },
			code: "hour_type_not_agreed", kind: domain.KindRule,
		},
		{
			name: "wipe a line", given: []cmd{stdLine, setLine(worker, terms, "O125", days(60))},
			when:  func(a *ts.Timesheet) ([]domain.Event, error) { return a.WipeLine(worker, terms, "N", now) },
			want:  []domain.Event{&ts.LineWiped{HourType: "N", DayTotals: days(60)}},
			types: []string{ts.TypeLineWiped},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if _, ok := a.Line("N"); ok || len(a.Lines()) != 1 || a.TotalMinutes() != 60 {
					t.Fatalf("lines %v", a.Lines())
				}
			},
		},
		{
			name: "wipe a missing line", given: []cmd{stdLine},
			when: func(a *ts.Timesheet) ([]domain.Event, error) { return a.WipeLine(worker, terms, "O125", now) },
			code: "line_not_found", kind: domain.KindNotFound,
		},
		{
			name: "wipe when offered", given: offered,
			when: func(a *ts.Timesheet) ([]domain.Event, error) { return a.WipeLine(worker, terms, "N", now) },
			code: "timesheet_offered", kind: domain.KindConflict,
		},
		{
			name: "wipe by a non-enterer", given: []cmd{stdLine},
			when: func(a *ts.Timesheet) ([]domain.Event, error) { return a.WipeLine(client, terms, "N", now) },
			code: "not_the_enterer", kind: domain.KindForbidden,
		},
	})
}

func TestDayOver24hMessage(t *testing.T) {
	_, err := (&ts.Timesheet{}).SetLine(worker, baseTerms(), "N", days(0, 1500), now)
	de := err.(*domain.Error)
	if de.MessageNL != "Op dinsdag is meer dan 24 uur ingevuld." || de.Field != "tue" {
		t.Fatalf("%+v", de)
	}
}

func TestTimeRegistration(t *testing.T) {
	tr := trTerms()
	mon, tue := week.Day(0), week.Day(1)
	change := func(id int, d ts.Date, start, end string, brk ts.Minutes, cont bool) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.ChangeEntry(worker, tr, ts.AdjacentWeeks{}, id, ts.EntryInput{Date: d, Start: clk(start), End: clk(end), Break: brk, Continuous: cont}, now)
		}
	}
	remove := func(id int) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.RemoveEntry(worker, tr, ts.AdjacentWeeks{}, id, now)
		}
	}
	workedOf := func(a *ts.Timesheet) map[int]ts.Minutes {
		m := map[int]ts.Minutes{}
		for _, e := range a.Entries() {
			m[e.Entry.ID] = e.Worked.Minutes
		}
		return m
	}
	runCases(t, []aggCase{
		{
			name: "add an entry", when: addEntry(worker, tr, mon, "08:00", "16:30", 30, false),
			types: []string{ts.TypeOpened, ts.TypeTimeEntryAdded},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				ev := evs[1].(*ts.TimeEntryAdded)
				if ev.Entry.ID != 1 || len(ev.Worked) != 1 || ev.Worked[0].Minutes != 480 ||
					ev.NormalLine.Minutes != days(480) || !ev.NormalLine.FromTimeRegistration || ev.NormalLine.HourType.Code != "N" ||
					ev.DayTotals != days(480) {
					t.Fatalf("%+v", ev)
				}
				if l := a.Lines(); len(l) != 1 || l[0].Minutes != days(480) {
					t.Fatalf("lines %+v", l)
				}
			},
		},
		{
			name: "night shift booked on the start day", when: addEntry(worker, tr, week.End(), "22:00", "06:00", 0, false),
			types: []string{ts.TypeOpened, ts.TypeTimeEntryAdded},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if a.DayTotals() != days(0, 0, 0, 0, 0, 0, 480) {
					t.Fatalf("%v", a.DayTotals())
				}
			},
		},
		{
			name:  "a new entry ends the continuous shift before it",
			given: []cmd{addEntry(worker, tr, mon, "18:00", "22:00", 0, true)},
			when:  addEntry(worker, tr, tue, "02:00", "06:00", 0, false),
			types: []string{ts.TypeTimeEntryAdded},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				if w := workedOf(a); w[1] != 480 || w[2] != 240 {
					t.Fatalf("worked %v", w)
				}
				if len(evs[0].(*ts.TimeEntryAdded).Worked) != 2 {
					t.Fatal("event does not carry every entry's result")
				}
			},
		},
		{
			name:  "change an entry",
			given: []cmd{addEntry(worker, tr, mon, "08:00", "16:00", 0, false)},
			when:  change(1, mon, "09:00", "17:30", 30, false), types: []string{ts.TypeTimeEntryChanged},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if w := workedOf(a); w[1] != 480 || a.Entries()[0].Entry.Start != clk("09:00") {
					t.Fatalf("%v", a.Entries())
				}
			},
		},
		{name: "change to the same", given: []cmd{addEntry(worker, tr, mon, "08:00", "16:00", 0, false)}, when: change(1, mon, "08:00", "16:00", 0, false)},
		{name: "change a missing entry", given: []cmd{addEntry(worker, tr, mon, "08:00", "16:00", 0, false)}, when: change(9, mon, "08:00", "16:00", 0, false), code: "entry_not_found", kind: domain.KindNotFound},
		{
			name: "remove an entry: the continuous shift runs on to the next",
			given: []cmd{
				addEntry(worker, tr, mon, "18:00", "22:00", 0, true),
				addEntry(worker, tr, tue, "02:00", "06:00", 0, false),
				addEntry(worker, tr, tue, "08:00", "12:00", 0, false),
			},
			when: remove(2), types: []string{ts.TypeTimeEntryRemoved},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if w := workedOf(a); len(w) != 2 || w[1] != 14*60 || w[3] != 240 {
					t.Fatalf("worked %v", w)
				}
			},
		},
		{
			name:  "remove the last continuous successor: it ends at its own end",
			given: []cmd{addEntry(worker, tr, mon, "18:00", "22:00", 0, true), addEntry(worker, tr, tue, "02:00", "06:00", 0, false)},
			when:  remove(2), types: []string{ts.TypeTimeEntryRemoved},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if w := workedOf(a); w[1] != 240 {
					t.Fatalf("worked %v", w)
				}
			},
		},
		{
			name:  "ids are never reused",
			given: []cmd{addEntry(worker, tr, mon, "08:00", "09:00", 0, false), addEntry(worker, tr, tue, "08:00", "09:00", 0, false), remove(2)},
			when:  addEntry(worker, tr, week.Day(2), "08:00", "09:00", 0, false), types: []string{ts.TypeTimeEntryAdded},
			check: func(t *testing.T, _ *ts.Timesheet, evs []domain.Event) {
				if id := evs[0].(*ts.TimeEntryAdded).Entry.ID; id != 3 {
					t.Fatalf("id %d", id)
				}
			},
		},
		{name: "remove a missing entry", when: remove(1), code: "entry_not_found", kind: domain.KindNotFound},
		{name: "not without time registration", when: addEntry(worker, baseTerms(), mon, "08:00", "16:00", 0, false), code: "time_registration_off", kind: domain.KindRule},
		{name: "date outside the week", when: addEntry(worker, tr, week.Day(7), "08:00", "16:00", 0, false), code: "date_outside_week", kind: domain.KindRule},
		{
			name: "date outside the placement",
			when: func(a *ts.Timesheet) ([]domain.Event, error) {
				t2 := trTerms()
				t2.Period.Start = tue
				return a.AddEntry(worker, t2, ts.AdjacentWeeks{}, ts.EntryInput{Date: mon, Start: clk("08:00"), End: clk("09:00")}, now)
			},
			code: "day_outside_placement", kind: domain.KindRule,
		},
		{name: "overlapping entries", given: []cmd{addEntry(worker, tr, mon, "08:00", "16:00", 0, false)}, when: addEntry(worker, tr, mon, "15:00", "18:00", 0, false), code: "entries_overlap", kind: domain.KindRule},
		{name: "break longer than shift", when: addEntry(worker, tr, mon, "08:00", "09:00", 90, false), code: "break_exceeds_shift", kind: domain.KindRule},
		{
			name:  "continuous shift over 24h on its day",
			given: []cmd{addEntry(worker, tr, mon, "08:00", "09:00", 0, true)},
			when:  addEntry(worker, tr, week.Day(2), "08:00", "09:00", 0, false), code: "day_over_24h", kind: domain.KindRule,
		},
		{name: "entries locked when offered", given: []cmd{addEntry(worker, tr, mon, "08:00", "16:00", 0, false), offer(worker, tr)}, when: remove(1), code: "timesheet_offered", kind: domain.KindConflict},
		{name: "client cannot add entries for the worker", when: addEntry(client, tr, mon, "08:00", "16:00", 0, false), code: "not_the_enterer", kind: domain.KindForbidden},
		{
			name: "offer with entries only", given: []cmd{addEntry(worker, tr, mon, "08:00", "16:00", 0, false)},
			when: offer(worker, tr), types: []string{ts.TypeOffered},
			check: func(t *testing.T, _ *ts.Timesheet, evs []domain.Event) {
				o := evs[0].(*ts.Offered)
				if o.TotalMinutes != 480 || len(o.Lines) != 1 || !o.Lines[0].FromTimeRegistration {
					t.Fatalf("%+v", o)
				}
			},
		},
	})
}

func TestExpensesAndRemarks(t *testing.T) {
	terms := baseTerms()
	addX := func(in ts.ExpenseInput) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) { return a.AddExpense(worker, terms, in, now) }
	}
	remark := func(actor domain.Actor, s string) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) { return a.AddRemark(actor, terms, s, now) }
	}
	mon := week.Day(0)
	km := ts.ExpenseInput{Type: ts.ExpenseTravelKm, Date: mon, Kilometres: 42, Description: " woon-werk "}
	runCases(t, []aggCase{
		{
			name: "travel kilometres", when: addX(km), types: []string{ts.TypeOpened, ts.TypeExpenseAdded},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				want := ts.Expense{ID: 1, Type: ts.ExpenseTravelKm, Date: mon, Kilometres: 42, Description: "woon-werk"}
				if got := evs[1].(*ts.ExpenseAdded).Expense; got != want || len(a.Expenses()) != 1 {
					t.Fatalf("%+v", got)
				}
			},
		},
		{name: "parking", when: addX(ts.ExpenseInput{Type: ts.ExpenseParking, Date: mon, AmountCents: 750}), types: []string{ts.TypeOpened, ts.TypeExpenseAdded}},
		{name: "other needs a description", when: addX(ts.ExpenseInput{Type: ts.ExpenseOther, Date: mon, AmountCents: 750}), code: "expense_description_required", kind: domain.KindInvalid},
		{name: "kilometres with an amount", when: addX(ts.ExpenseInput{Type: ts.ExpenseTravelKm, Date: mon, Kilometres: 4, AmountCents: 1}), code: "expense_amount_not_allowed", kind: domain.KindInvalid},
		{name: "zero kilometres", when: addX(ts.ExpenseInput{Type: ts.ExpenseTravelKm, Date: mon}), code: "expense_kilometres_invalid", kind: domain.KindInvalid},
		{name: "parking in kilometres", when: addX(ts.ExpenseInput{Type: ts.ExpenseParking, Date: mon, Kilometres: 3, AmountCents: 100}), code: "expense_kilometres_not_allowed", kind: domain.KindInvalid},
		{name: "negative amount", when: addX(ts.ExpenseInput{Type: ts.ExpenseParking, Date: mon, AmountCents: -100}), code: "expense_amount_invalid", kind: domain.KindInvalid},
		{name: "amount too large", when: addX(ts.ExpenseInput{Type: ts.ExpenseParking, Date: mon, AmountCents: ts.MaxExpenseCents + 1}), code: "expense_amount_invalid", kind: domain.KindInvalid},
		{name: "unknown type", when: addX(ts.ExpenseInput{Type: "lunch", Date: mon, AmountCents: 100}), code: "expense_type_invalid", kind: domain.KindInvalid},
		{name: "long description", when: addX(ts.ExpenseInput{Type: ts.ExpenseOther, Date: mon, AmountCents: 100, Description: strings.Repeat("é", 201)}), code: "too_long", kind: domain.KindRule},
		{name: "date outside the week", when: addX(ts.ExpenseInput{Type: ts.ExpenseParking, Date: mon.AddDays(-1), AmountCents: 100}), code: "date_outside_week", kind: domain.KindRule},
		{name: "expense when offered", given: offered, when: addX(km), code: "timesheet_offered", kind: domain.KindConflict},
		{
			name: "remove an expense", given: []cmd{addX(km), addX(km)},
			when:  func(a *ts.Timesheet) ([]domain.Event, error) { return a.RemoveExpense(worker, terms, 1, now) },
			want:  []domain.Event{&ts.ExpenseRemoved{ExpenseID: 1}},
			types: []string{ts.TypeExpenseRemoved},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if x := a.Expenses(); len(x) != 1 || x[0].ID != 2 {
					t.Fatalf("%+v", x)
				}
			},
		},
		{
			name: "remove a missing expense", given: []cmd{addX(km)},
			when: func(a *ts.Timesheet) ([]domain.Event, error) { return a.RemoveExpense(worker, terms, 7, now) },
			code: "expense_not_found", kind: domain.KindNotFound,
		},
		{
			name: "remark", when: remark(worker, "  Maandag eerder weg ivm tandarts  "),
			types: []string{ts.TypeOpened, ts.TypeRemarkAdded},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if r := a.Remarks(); len(r) != 1 || r[0].Text != "Maandag eerder weg ivm tandarts" || r[0].By != domain.RoleWorker {
					t.Fatalf("%+v", r)
				}
			},
		},
		{name: "empty remark", when: remark(worker, "   "), code: "remark_empty", kind: domain.KindInvalid},
		{name: "long remark", when: remark(worker, strings.Repeat("x", 1001)), code: "too_long", kind: domain.KindRule},
		{name: "invalid text", when: remark(worker, "a\xffb"), code: "text_encoding", kind: domain.KindRule},
		{name: "remark after offering", given: offered, when: remark(worker, "te laat"), code: "timesheet_offered", kind: domain.KindConflict},
		{name: "remark by an approver", given: []cmd{stdLine}, when: remark(client, "hm"), code: "not_the_enterer", kind: domain.KindForbidden},
	})
}
