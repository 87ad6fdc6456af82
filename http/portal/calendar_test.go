package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"backoffice/commands"
)

// The calendar at the turn of 2026 (ISO week 53: Monday 28 December 2026 –
// Sunday 3 January 2027) on the real application, with the server's clock
// in UTC as in production: docs/timesheets.md "Weeks, years and daylight
// saving".

// TestWeek53AndTheTurnOfTheYear: the week overview of 2026 ends with week
// 53 (its hover text naming both years' dates), "this week" follows the
// Amsterdam calendar (Sunday 23:59 is still week 53 and 2026, Monday 00:00
// is 2027-W01 and 2027, although the server's UTC date is still Sunday), and
// the sheet of week 53 leads back to week 52 and on to 2027-W01. Week 53
// of 2025 does not exist, and its URL says so.
func TestWeek53AndTheTurnOfTheYear(t *testing.T) {
	h := newHarness(t)
	defer h.Clock.Set(now)
	const weeks = "/plaatsingen/p3/weken"

	// Sunday 3 January 2027, 23:59 in Amsterdam = 22:59 UTC.
	h.Clock.Set(time.Date(2027, 1, 3, 22, 59, 0, 0, time.UTC))
	h.loginAs(client3Email, "nl")
	_, body := h.get(weeks)
	for _, want := range []string{
		"Wekenoverzicht 2026",
		`href="/plaatsingen/p3/weken/2026-W53" title="Week 53: 28-12-2026 – 03-01-2027, Niet ingevuld"`,
		`href="/plaatsingen/p3/weken?jaar=2027"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("Sunday 23:59: overview lacks %q", want)
		}
	}
	if strings.Contains(body, `id="week-54"`) {
		t.Error("2026 shows a week 54")
	}
	_, body = h.get(weeks + "?jaar=2027")
	if !strings.Contains(body, `<span class="week off" title="Week 1: 04-01-2027 – 10-01-2027, Nog niet invulbaar" id="week-1"`) {
		t.Error("Sunday 23:59: 2027-W01 should not be fillable yet")
	}
	_, body = h.get(weeks + "?jaar=2025")
	if !strings.Contains(body, `id="week-52"`) || strings.Contains(body, `id="week-53"`) {
		t.Error("2025 should end with week 52")
	}

	// Monday 4 January 2027, 00:00 in Amsterdam = Sunday 23:00 UTC.
	h.Clock.Set(time.Date(2027, 1, 3, 23, 0, 0, 0, time.UTC))
	_, body = h.get(weeks)
	for _, want := range []string{
		"Wekenoverzicht 2027",
		`href="/plaatsingen/p3/weken/2027-W01" title="Week 1: 04-01-2027 – 10-01-2027, Niet ingevuld"`,
		`href="/plaatsingen/p3/weken?jaar=2026"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("Monday 00:00: overview lacks %q", want)
		}
	}

	_, body = h.get(weeks + "/2026-W53")
	for _, want := range []string{
		"28-12-2026 – 03-01-2027",
		`href="/plaatsingen/p3/weken/2026-W52"`,
		`href="/plaatsingen/p3/weken/2027-W01"`,
		`href="/plaatsingen/p3/weken?jaar=2026"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("sheet of 2026-W53 lacks %q", want)
		}
	}
	_, body = h.get(weeks + "/2027-W01")
	if !strings.Contains(body, `href="/plaatsingen/p3/weken/2026-W53"`) {
		t.Error("sheet of 2027-W01 does not lead back to 2026-W53")
	}
	for w, msg := range map[string]string{
		"2025-W53": "&#34;2025-W53&#34; bestaat niet: 2025 heeft 52 weken (de laatste dagen vallen in week 1 van 2026).",
		"2026-W54": "&#34;2026-W54&#34; is geen geldige week",
		"2026-W00": "&#34;2026-W00&#34; is geen geldige week",
	} {
		if res, body := h.get(weeks + "/" + w); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, msg) {
			t.Errorf("%s: %d, want 400 with %q", w, res.StatusCode, msg)
		}
	}
}

// TestShiftsOverTheTurnOfTheYear: time registration in week 53: a night
// shift from New Year's Eve into 2027 books 8 hours on Thursday 31
// December; a Sunday night shift runs into 2027-W01, so a Monday shift of
// 2027-W01 starting before it ends is refused at the day, naming week 53.
func TestShiftsOverTheTurnOfTheYear(t *testing.T) {
	h := newHarness(t)
	defer h.Clock.Set(now)
	h.Clock.Set(time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC))
	h.loginAs(client3Email, "nl")
	w53 := "/plaatsingen/p3/weken/2026-W53"
	if _, body := h.get(w53); !strings.Contains(body, "De dienst loopt door tot de volgende ingevulde tijdregel, ook als die in de volgende week staat") {
		t.Error("the continuous-shift hint does not say where a Sunday shift ends")
	}
	for _, f := range []url.Values{
		{"dag": {"2026-12-31"}, "begin": {"22:00"}, "eind": {"06:00"}, "pauze": {"30"}},
		{"dag": {"2027-01-03"}, "begin": {"22:00"}, "eind": {"06:00"}, "pauze": {"0"}},
	} {
		res, body := h.postOn(w53, "/tijden", f)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%v: %d\n%s", f, res.StatusCode, body)
		}
	}
	d := h.sheet("p3", 53)
	if d.DayTotals[3] != 450 || d.DayTotals[4] != 0 || d.DayTotals[6] != 480 {
		t.Errorf("day totals of 2026-W53 = %v, want 450 on Thursday, 480 on Sunday", d.DayTotals)
	}
	res, body := h.postOn("/plaatsingen/p3/weken/2027-W01", "/tijden",
		url.Values{"dag": {"2027-01-04"}, "begin": {"05:00"}, "eind": {"13:00"}, "pauze": {"0"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("overlapping Monday shift: %d, want 422", res.StatusCode)
	}
	if !strings.Contains(body, "Deze dienst overlapt met een dienst in week 53 (zondag 22:00–06:00).") {
		t.Errorf("the refusal does not name the shift of week 53:\n%s", body)
	}
	res, _ = h.postOn("/plaatsingen/p3/weken/2027-W01", "/tijden",
		url.Values{"dag": {"2027-01-04"}, "begin": {"06:00"}, "eind": {"14:00"}, "pauze": {"0"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("a Monday shift starting when the Sunday one ends: %d, want 303", res.StatusCode)
	}
}

// TestContinuousSundayShiftInThePortal: a continuous Sunday shift saved
// while the next week has no shift ends at its end time, and the sheet
// says so at the entry; once the next week's Monday shift is entered it
// runs on to that shift (booked on Sunday, the previous week follows
// without being saved again) and the sheet says until when. Over the turn
// of the year: 2026-W53 into 2027-W01.
func TestContinuousSundayShiftInThePortal(t *testing.T) {
	h := newHarness(t)
	defer h.Clock.Set(now)
	h.Clock.Set(time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC))
	h.loginAs(client3Email, "nl")
	w53, w01 := "/plaatsingen/p3/weken/2026-W53", "/plaatsingen/p3/weken/2027-W01"
	sunday := url.Values{"dag": {"2027-01-03"}, "begin": {"22:00"}, "eind": {"06:00"}, "pauze": {"0"}, "doorlopend": {"1"}}
	res, body := h.postOn(w53, "/tijden", sunday)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("Sunday shift: %d\n%s", res.StatusCode, body)
	}
	if _, body := h.get(res.Header.Get("Location")); !strings.Contains(body, "Eindigt op de eindtijd: in week 1 is nog geen dienst ingevuld.") {
		t.Errorf("the sheet does not say that the Sunday shift ends at its end time:\n%s", body)
	}
	if res, body := h.postOn(w01, "/tijden", url.Values{"dag": {"2027-01-04"}, "begin": {"07:00"}, "eind": {"15:00"}, "pauze": {"0"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("Monday shift: %d\n%s", res.StatusCode, body)
	}
	if d := h.sheet("p3", 53); d.DayTotals[6] != 540 {
		t.Errorf("Sunday after the Monday shift was entered: %v, want 540 minutes (until Monday 07:00)", d.DayTotals)
	}
	if _, body := h.get(w53); !strings.Contains(body, "Loopt door tot maandag 04-01-2027 07:00.") {
		t.Errorf("the sheet does not say until when the Sunday shift runs on:\n%s", body)
	}
}

// TestEndAt2400InTheForm: an evening shift typed 16:00–24:00 is saved as 8
// hours on its day (a browser without a time picker sends what was typed);
// 24:00 as a start is refused at the start field in Dutch.
//
// In week 9: the seed's week 6 ends with a continuous Tuesday night shift,
// which runs on to the first shift of week 7 (docs/timesheets.md): a
// Tuesday shift there would put a week on that Tuesday (refused as
// previous_week_run_on).
func TestEndAt2400InTheForm(t *testing.T) {
	h := newHarness(t)
	defer h.Clock.Set(now)
	h.Clock.Set(time.Date(2026, 2, 25, 12, 0, 0, 0, time.UTC))
	h.loginAs(client3Email, "nl")
	page := "/plaatsingen/p3/weken/2026-W09"
	res, body := h.postOn(page, "/tijden", url.Values{"dag": {"2026-02-24"}, "begin": {"16:00"}, "eind": {"24:00"}, "pauze": {"0"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("16:00–24:00: %d\n%s", res.StatusCode, body)
	}
	if d := h.sheet("p3", 9); d.DayTotals[1] != 480 {
		t.Errorf("day totals %v, want 8 hours on Tuesday", d.DayTotals)
	}
	res, body = h.postOn(page, "/tijden", url.Values{"dag": {"2026-02-23"}, "begin": {"24:00"}, "eind": {"08:00"}, "pauze": {"0"}})
	if res.StatusCode == http.StatusSeeOther || !strings.Contains(body, `value="24:00"><p class="err">24:00 is het einde van een dag: een dienst die om middernacht begint, begint om 00:00.</p>`) {
		t.Errorf("start 24:00: %d, want the refusal at the field:\n%s", res.StatusCode, body)
	}
}

// TestHoursReportOverWeek53: the report of the whole ISO year 2026 is its
// 53 weeks (2026-W01…2026-W53, so 1–3 January 2027 too); week 53 of 2025,
// typed, is refused at the field saying that 2025 has 52 weeks, not with
// an example the user already followed.
func TestHoursReportOverWeek53(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	if res, body := h.get("/overige/urenrapport?van=2026-W01&tot=2026-W53"); res.StatusCode != http.StatusOK {
		t.Fatalf("2026-W01…2026-W53: %d\n%s", res.StatusCode, body)
	}
	res, body := h.get("/overige/urenrapport?van=2025-W53&tot=2026-W06")
	want := `id="err-from">&#34;2025-W53&#34; bestaat niet: 2025 heeft 52 weken (de laatste dagen vallen in week 1 van 2026).`
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, want) {
		t.Errorf("2025-W53: %d, want %q", res.StatusCode, want)
	}
}

// TestPlacementEndingInWeek53: a placement ending on Thursday 31 December
// 2026 has week 53 in its overview of 2026 (fillable once begun) and none
// in 2027, which says so naming week 53 of 2026; in week 53 a shift on
// Friday 1 January 2027 is refused at the day, while a night shift
// starting on the 31st counts.
func TestPlacementEndingInWeek53(t *testing.T) {
	h := newHarness(t)
	defer h.Clock.Set(now)
	ctx := context.Background()
	h.Clock.Set(time.Date(2026, 12, 20, 12, 0, 0, 0, time.UTC))
	bo := commands.Meta{Actor: h.accounts[boEmail], CorrelationID: "calendar"}
	if _, err := h.App.Identity.Tenants.EndPlacement(ctx, bo, "p3", time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), "contract over"); err != nil {
		t.Fatal(err)
	}
	h.Clock.Set(time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC))
	h.loginAs(client3Email, "nl")
	_, body := h.get("/plaatsingen/p3/weken?jaar=2026")
	if !strings.Contains(body, `href="/plaatsingen/p3/weken/2026-W53"`) {
		t.Error("2026 lacks week 53, in which the placement ends")
	}
	_, body = h.get("/plaatsingen/p3/weken?jaar=2027")
	if want := "De plaatsing is geëindigd op 31-12-2026 (week 53 van 2026): dit jaar heeft geen weken van deze plaatsing."; !strings.Contains(body, want) {
		t.Errorf("2027 lacks %q", want)
	}
	w53 := "/plaatsingen/p3/weken/2026-W53"
	res, body := h.postOn(w53, "/tijden", url.Values{"dag": {"2027-01-01"}, "begin": {"08:00"}, "eind": {"12:00"}, "pauze": {"0"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Deze datum valt buiten de plaatsingsperiode.") {
		t.Errorf("a shift on 1 January 2027: %d, want the refusal at the day", res.StatusCode)
	}
	if res, body := h.postOn(w53, "/tijden", url.Values{"dag": {"2026-12-31"}, "begin": {"22:00"}, "eind": {"06:00"}, "pauze": {"0"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a night shift from 31 December: %d\n%s", res.StatusCode, body)
	}
}

// TestMissingHoursWeek53: the missing-hours overview of 2026-W53 answers;
// asked for 2025-W53 it says that 2025 has 52 weeks.
func TestMissingHoursWeek53(t *testing.T) {
	h := newHarness(t)
	defer h.Clock.Set(now)
	h.Clock.Set(time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC))
	h.loginAs(interEmail, "nl")
	if res, body := h.get("/ontbrekende-uren?week=2026-W53"); res.StatusCode != http.StatusOK || !strings.Contains(body, "Fatima") {
		t.Errorf("2026-W53: %d, want the placements without hours of week 53", res.StatusCode)
	}
	res, body := h.get("/ontbrekende-uren?week=2025-W53")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "2025 heeft 52 weken") {
		t.Errorf("2025-W53: %d, want 400 saying 2025 has 52 weeks", res.StatusCode)
	}
}
