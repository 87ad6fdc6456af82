package reportapi_test

import (
	"slices"
	"strings"
	"testing"

	rm "backoffice/readmodel/timesheets"
)

// TestHoursReportScope: every role gets the report of its own scope only;
// without a login it is 401.
func TestHoursReportScope(t *testing.T) {
	e := newEnv(t)
	path := "/reports/hours?from=2026-W01&to=2026-W05&min_position=" + e.last
	if r := e.get(path, ""); r.Status != 401 {
		t.Fatalf("no login: status %d: %s", r.Status, r.Body)
	}
	for actor, want := range map[string][]string{
		"backoffice": {"p1 2026-W02", "p2 2026-W02"},
		"payroll":    {"p1 2026-W02", "p2 2026-W02"},
		"auditor":    {"p1 2026-W02", "p2 2026-W02"},
		"client1":    {"p1 2026-W02"},
		"worker1":    {"p1 2026-W02"},
		"inter1":     {"p1 2026-W02"},
		"client2":    {"p2 2026-W02"},
		"worker2":    {"p2 2026-W02"},
		"inter2":     {"p2 2026-W02"},
		"nobody":     nil,
	} {
		r := e.get(path, actor)
		if r.Status != 200 {
			t.Fatalf("%s: status %d: %s", actor, r.Status, r.Body)
		}
		var rep rm.HoursReport
		r.Decode(t, &rep)
		var got []string
		for _, row := range rep.Rows {
			got = append(got, row.PlacementID+" "+row.Week)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: rows %v, want %v", actor, got, want)
		}
		// Another tenant's names never appear, in no form.
		if actor == "client2" && (strings.Contains(string(r.Body), "Korenaar") || strings.Contains(string(r.Body), "Boer")) {
			t.Errorf("client2 sees client1's names: %s", r.Body)
		}
	}
}

// TestHoursReportJSON: the rows, columns and totals.
func TestHoursReportJSON(t *testing.T) {
	e := newEnv(t)
	r := e.get("/reports/hours?from=2026-W01&to=2026-W05&min_position="+e.last, "backoffice")
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, %s: %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	var rep rm.HoursReport
	r.Decode(t, &rep)
	if rep.From != "2026-W01" || rep.To != "2026-W05" || len(rep.Rows) != 2 {
		t.Fatalf("report = %+v", rep)
	}
	if len(rep.HourTypes) != 2 || rep.HourTypes[0].Code != "100" || rep.HourTypes[1].Code != "125" || rep.HourTypes[1].Name != "Overuren 125%" {
		t.Errorf("columns = %+v", rep.HourTypes)
	}
	p1, p2 := rep.Rows[0], rep.Rows[1] // Boer before Visser
	if p1.WorkerName != "Jan de Boer" || p1.ClientName != "Bakkerij Korenaar" || p1.Status != "approved" ||
		p1.Minutes["100"] != 510 || p1.Minutes["125"] != 20 || p1.TotalMinutes != 530 || p1.ExpensesCents != 1250 {
		t.Errorf("p1 row = %+v", p1)
	}
	if p2.WorkerName != "Sanne Visser" || p2.ClientName != "Transport Smit" || p2.Status != "imported" || p2.TotalMinutes != 480 {
		t.Errorf("p2 row = %+v", p2)
	}
	if rep.Totals["100"] != 990 || rep.Totals["125"] != 20 || rep.TotalMinutes != 1010 || rep.ExpensesCents != 1250 {
		t.Errorf("totals = %+v, %d, %d", rep.Totals, rep.TotalMinutes, rep.ExpensesCents)
	}
}

// TestHoursReportCSV: a download a Dutch spreadsheet opens directly: BOM,
// semicolons, CRLF, decimal comma, one row per timesheet.
func TestHoursReportCSV(t *testing.T) {
	e := newEnv(t)
	path := "/reports/hours?from=2026-W01&to=2026-W05&format=csv&min_position=" + e.last
	r := e.get(path, "client1", "Accept-Language", "nl-NL,nl;q=0.9")
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="urenrapport-2026-W01-2026-W05.csv"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	want := "\ufeff" +
		"Werknemer;Opdrachtgever;Week;Status;Normale uren;Overuren 125%;Totaal;Onkosten;Kilometers\r\n" +
		"Jan de Boer;Bakkerij Korenaar;2026-W02;Geaccordeerd;8,5;0,33;8,83;12,50;0\r\n"
	if string(r.Body) != want {
		t.Errorf("CSV\n got %q\nwant %q", r.Body, want)
	}

	// English headers and status codes without Dutch in Accept-Language;
	// the numbers stay Dutch (the spreadsheet is).
	r = e.get(path, "backoffice")
	lines := strings.Split(strings.TrimPrefix(string(r.Body), "\ufeff"), "\r\n")
	if r.Status != 200 || len(lines) != 4 || lines[3] != "" ||
		lines[0] != "Worker;Client;Week;Status;Normale uren;Overuren 125%;Total;Expenses;Kilometres" ||
		lines[2] != "Sanne Visser;Transport Smit;2026-W02;imported;8;0;8;0,00;0" {
		t.Errorf("English CSV = %q", r.Body)
	}

	// Bad input and no login stay JSON errors.
	if r := e.get("/reports/hours?from=2026-W05&to=2026-W01&format=csv", "client1"); r.Status != 400 ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("bad CSV request: %d %s", r.Status, r.Body)
	}
	if r := e.get(path, ""); r.Status != 401 {
		t.Errorf("CSV without login: %d", r.Status)
	}
}

// TestHoursReportBadInput: bad or missing weeks, a reversed or too long
// range and an unknown format are 400 naming the field.
func TestHoursReportBadInput(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, query string
		code, field string
	}{
		{"no from", "to=2026-W05", "week_required", "from"},
		{"no to", "from=2026-W01", "week_required", "to"},
		{"nothing", "", "week_required", "from"},
		{"garbage from", "from=week1&to=2026-W05", "week_invalid", "from"},
		{"week 60", "from=2026-W01&to=2026-W60", "week_invalid", "to"},
		{"week 53 of a 52-week year", "from=2025-W53&to=2026-W05", "week_invalid", "from"},
		{"long value", "from=" + strings.Repeat("2026-W01", 500) + "&to=2026-W05", "week_invalid", "from"},
		{"reversed", "from=2026-W05&to=2026-W01", "range_reversed", "to"},
		{"54 weeks", "from=2026-W01&to=2027-W01", "range_too_long", "to"},
		{"decades", "from=2000-W01&to=2030-W01", "range_too_long", "to"},
		{"unknown format", "from=2026-W01&to=2026-W05&format=xlsx", "format_invalid", "format"},
		{"bad min_position", "from=2026-W01&to=2026-W05&min_position=abc", "invalid_min_position", "min_position"},
		{"bad min_position csv", "from=2026-W01&to=2026-W05&format=csv&min_position=abc", "invalid_min_position", "min_position"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.get("/reports/hours?"+tc.query, "client1")
			if r.Status != 400 {
				t.Fatalf("status %d: %.300s", r.Status, r.Body)
			}
			if code, field := r.ErrorCode(t); code != tc.code || field != tc.field {
				t.Errorf("error %s (%s), want %s (%s): %.300s", code, field, tc.code, tc.field, r.Body)
			}
			if len(r.Body) > 1000 {
				t.Errorf("the error echoes the input: %d bytes", len(r.Body))
			}
		})
	}
	// A whole ISO year of 53 weeks is allowed.
	if r := e.get("/reports/hours?from=2026-W01&to=2026-W53", "client1"); r.Status != 200 {
		t.Errorf("53 weeks: %d %s", r.Status, r.Body)
	}
	// Week 53 of a year with 52 says so.
	if r := e.get("/reports/hours?from=2025-W53&to=2026-W05", "client1"); !strings.Contains(string(r.Body), `from: \"2025-W53\" does not exist: 2025 has 52 ISO weeks (its last days are in 2026-W01)`) {
		t.Errorf("2025-W53: %s", r.Body)
	}
	// Dutch messages for a Dutch client.
	r := e.get("/reports/hours?from=2026-W05&to=2026-W01", "client1", "Accept-Language", "nl")
	if !strings.Contains(string(r.Body), "De eindweek mag niet voor de beginweek liggen.") {
		t.Errorf("Dutch error = %s", r.Body)
	}
}
