package schedule_test

import (
	"slices"
	"testing"
	"time"

	"backoffice/domain/timesheet"
	"backoffice/notify/schedule"
)

func d(s string) timesheet.Date {
	v, err := timesheet.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// The published dates (rijksoverheid.nl feestdagen) for 2026-2030, plus
// the Koningsdag-on-Sunday years 2025 and 2031 around them.
func TestHolidays2026To2030(t *testing.T) {
	want := map[int][]string{
		2025: {"2025-01-01", "2025-04-18", "2025-04-20", "2025-04-21", "2025-04-26", "2025-05-05", "2025-05-29", "2025-06-08", "2025-06-09", "2025-12-25", "2025-12-26"},
		2026: {"2026-01-01", "2026-04-03", "2026-04-05", "2026-04-06", "2026-04-27", "2026-05-14", "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26"},
		2027: {"2027-01-01", "2027-03-26", "2027-03-28", "2027-03-29", "2027-04-27", "2027-05-06", "2027-05-16", "2027-05-17", "2027-12-25", "2027-12-26"},
		2028: {"2028-01-01", "2028-04-14", "2028-04-16", "2028-04-17", "2028-04-27", "2028-05-25", "2028-06-04", "2028-06-05", "2028-12-25", "2028-12-26"},
		2029: {"2029-01-01", "2029-03-30", "2029-04-01", "2029-04-02", "2029-04-27", "2029-05-10", "2029-05-20", "2029-05-21", "2029-12-25", "2029-12-26"},
		2030: {"2030-01-01", "2030-04-19", "2030-04-21", "2030-04-22", "2030-04-27", "2030-05-05", "2030-05-30", "2030-06-09", "2030-06-10", "2030-12-25", "2030-12-26"},
		2031: {"2031-01-01", "2031-04-11", "2031-04-13", "2031-04-14", "2031-04-26", "2031-05-22", "2031-06-01", "2031-06-02", "2031-12-25", "2031-12-26"},
	}
	for year, dates := range want {
		var got []string
		for _, h := range schedule.Holidays(year) {
			got = append(got, h.Date.String())
		}
		if !slices.Equal(got, dates) {
			t.Errorf("Holidays(%d)\n got %v\nwant %v", year, got, dates)
		}
	}
}

func TestDueShiftsPastHolidays(t *testing.T) {
	plan := schedule.DefaultPlan()
	ams := timesheet.Location()
	cases := []struct {
		kind string
		week string
		want time.Time
	}{
		{schedule.KindEntry, "2026-W10", time.Date(2026, 3, 2, 9, 0, 0, 0, ams)},    // an ordinary Monday
		{schedule.KindMissing, "2026-W10", time.Date(2026, 3, 3, 9, 0, 0, 0, ams)},  // Tuesday
		{schedule.KindApproval, "2026-W10", time.Date(2026, 3, 4, 8, 0, 0, 0, ams)}, // Wednesday
		// A Monday holiday keeps the entry reminder: Tuesday 09:00 is after
		// the entry deadline (Monday 24:00) it reminds of.
		{schedule.KindEntry, "2026-W15", time.Date(2026, 4, 6, 9, 0, 0, 0, ams)},      // Tweede Paasdag
		{schedule.KindEntry, "2026-W18", time.Date(2026, 4, 27, 9, 0, 0, 0, ams)},     // Koningsdag on Monday
		{schedule.KindEntry, "2026-W22", time.Date(2026, 5, 25, 9, 0, 0, 0, ams)},     // Tweede Pinksterdag
		{schedule.KindMissing, "2027-W17", time.Date(2027, 4, 28, 9, 0, 0, 0, ams)},   // Koningsdag on Tuesday
		{schedule.KindMissing, "2029-W52", time.Date(2029, 12, 27, 9, 0, 0, 0, ams)},  // both Kerstdagen
		{schedule.KindApproval, "2029-W52", time.Date(2029, 12, 26, 8, 0, 0, 0, ams)}, // Thursday is after Wednesday 10:00
		{schedule.KindApproval, "2030-W52", time.Date(2030, 12, 25, 8, 0, 0, 0, ams)}, // Eerste Kerstdag on Wednesday
		{schedule.KindEntry, "2029-W01", time.Date(2029, 1, 1, 9, 0, 0, 0, ams)},      // Nieuwjaarsdag on Monday
		{schedule.KindMissing, "2029-W01", time.Date(2029, 1, 2, 9, 0, 0, 0, ams)},
		{schedule.KindEntry, "2027-W01", time.Date(2027, 1, 4, 9, 0, 0, 0, ams)},   // after week 53: an ordinary Monday
		{schedule.KindMissing, "2030-W01", time.Date(2030, 1, 2, 9, 0, 0, 0, ams)}, // Nieuwjaarsdag on Tuesday
		{schedule.KindApproval, "2027-W19", time.Date(2027, 5, 12, 8, 0, 0, 0, ams)},
		{schedule.KindEntry, "2028-W16", time.Date(2028, 4, 17, 9, 0, 0, 0, ams)}, // Tweede Paasdag 2028
	}
	for _, c := range cases {
		w, err := timesheet.ParseISOWeek(c.week)
		if err != nil {
			t.Fatal(err)
		}
		got, err := plan.Due(c.kind, w)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("Due(%s, %s) = %v, %v; want %v", c.kind, c.week, got, err, c.want)
		}
	}
}

func TestDueNowWindowAndSwitches(t *testing.T) {
	ams := timesheet.Location()
	plan := schedule.DefaultPlan()
	kinds := func(p schedule.Plan, now time.Time) []string {
		var out []string
		for _, d := range p.DueNow(now) {
			out = append(out, d.Kind+"@"+d.Week.String())
		}
		return out
	}
	if got := kinds(plan, time.Date(2026, 3, 2, 8, 59, 0, 0, ams)); got != nil {
		t.Errorf("before 09:00: %v", got)
	}
	if got := kinds(plan, time.Date(2026, 3, 2, 9, 0, 0, 0, ams)); !slices.Equal(got, []string{"reminder_entry@2026-W10"}) {
		t.Errorf("at 09:00: %v", got)
	}
	if got := kinds(plan, time.Date(2026, 3, 2, 21, 0, 0, 0, ams)); got != nil {
		t.Errorf("after the window: %v", got)
	}
	off := schedule.DefaultPlan()
	s := off[schedule.KindEntry]
	s.Enabled = false
	off[schedule.KindEntry] = s
	if got := kinds(off, time.Date(2026, 3, 2, 10, 0, 0, 0, ams)); got != nil {
		t.Errorf("switched off: %v", got)
	}
}
