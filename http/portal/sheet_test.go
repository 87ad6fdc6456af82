package portal_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestGridSaveIsOneCommand: the grid's save is one SetLines command. Line
// 100 changes fine, line 125 then breaks the 24-hour rule on Monday: the
// change of line 100 is not committed either, and the error is at 125's
// Monday cell.
func TestGridSaveIsOneCommand(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	res, body := h.postOn(openWeek, "/regels", url.Values{"line.100.tue": {"7"}, "line.125.mon": {"17"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fieldError(body, "line.125.mon"), "meer dan 24 uur") {
		t.Fatalf("no error at line.125.mon: %d\n%s", res.StatusCode, body)
	}
	if l, _ := lineOf(h.sheet("p1", 5), "100"); l.Minutes[1] != 480 {
		t.Fatalf("line 100 was committed although line 125 was refused: %v", l.Minutes)
	}
	// Both valid: one save, both lines.
	res, _ = h.postOn(openWeek, "/regels", url.Values{"line.100.tue": {"7"}, "line.125.mon": {"1,5"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid grid: %d", res.StatusCode)
	}
	d := h.sheet("p1", 5)
	l100, _ := lineOf(d, "100")
	l125, _ := lineOf(d, "125")
	if l100.Minutes[1] != 420 || l125.Minutes[0] != 90 {
		t.Fatalf("after the save: 100 %v, 125 %v", l100.Minutes, l125.Minutes)
	}
}

// TestBadHoursValueKeepsTheRest (issue 16 §7): a value that cannot be read
// is shown at its cell; the other typed values stay, and count in the day
// and week totals instead of turning them into 0.
func TestBadHoursValueKeepsTheRest(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	page := "/plaatsingen/p1/weken/2026-W06" // nothing entered yet: the empty starter line
	res, body := h.postOn(page, "/regels", url.Values{"line.100.mon": {"8"}, "line.100.tue": {"acht"}, "line.100.wed": {"7,5"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{
		`name="line.100.mon" id="line.100.mon" value="8"`,
		`name="line.100.tue" id="line.100.tue" value="acht"`,
		`name="line.100.wed" id="line.100.wed" value="7,5"`,
		`id="err-line.100.tue"`,
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("the page lacks %s:\n%s", want, body)
		}
	}
	for re, what := range map[string]string{
		`data-day-total="0"[^>]*>8<`:              "Monday's total",
		`data-day-total="2"[^>]*>7,5<`:            "Wednesday's total",
		`id="week-total"><strong>15,5</strong>`:   "the week total",
		`id="week-total-bar-value">15,5</strong>`: "the week total bar",
		`data-line-total="100"[^>]*>15,5</td>`:    "the line total",
	} {
		if !regexp.MustCompile(re).MatchString(body) {
			t.Errorf("%s is not kept (%s)", what, re)
		}
	}
	if d := h.sheet("p1", 6); len(d.Lines) != 0 {
		t.Fatalf("a form with a bad value saved: %v", d.Lines)
	}
}

// TestOwnStepDone (issue 16 §4): the client who approved his step sees
// that step done, by him, and who is next, not just "Aangeboden".
func TestOwnStepDone(t *testing.T) {
	h := newHarnessAs(t, client2Email)
	page := "/plaatsingen/p2/weken/2026-W05"
	d := h.sheet("p2", 5)
	res, body := h.postOn(page, "/accorderen", url.Values{"stap": {"0"}, "controle": {d.Hash}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", res.StatusCode, body)
	}
	_, body = h.get(res.Header.Get("Location")) // waits for the write
	for _, want := range []string{
		"U heeft uw stap geaccordeerd. Nu is de intermediair aan de beurt.",
		"1. opdrachtgever: <span aria-hidden=\"true\">✓ </span><strong>geaccordeerd</strong> door Rik Rijn",
		"2. intermediair: <span aria-hidden=\"true\">➤ </span><strong>aan de beurt</strong>",
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("the page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, `id="approve"`) {
		t.Fatal("the approve button is still shown after the own step")
	}
	_, body = h.get("/")
	if strings.Contains(body, "de klant heeft deze uren nog niet akkoord gegeven") {
		t.Fatal("the home page still says the client has not approved")
	}
}

// TestHistoryNamesUpTheChain (issue 16 §10): the history's "Wie" names the
// people of the chain, not only their role: the worker sees who at the
// client entered and who at the intermediary rejected, the client who at
// the intermediary rejected.
func TestHistoryNamesUpTheChain(t *testing.T) {
	h := newHarness(t)
	page := "/plaatsingen/p1/weken/2026-W04/geschiedenis"
	for email, want := range map[string][]string{
		workerEmail: {"Els Bol (opdrachtgever)", "Flex Uitzend (intermediair)"},
		clientEmail: {"Flex Uitzend (intermediair)"},
	} {
		h.loginAs(email, "nl")
		_, body := h.get(page)
		for _, w := range want {
			if !strings.Contains(body, ">"+w+"</td>") {
				t.Errorf("%s: the history lacks %q", email, w)
			}
		}
	}
}

// TestNoHoursFormAfterOffer (issue 16 §10): an offered timesheet shows its
// hours without a form to save them.
func TestNoHoursFormAfterOffer(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.get("/plaatsingen/p1/weken/2026-W03")
	if strings.Contains(body, `id="grid-form"`) || strings.Contains(body, `action="/plaatsingen/p1/weken/2026-W03/regels"`) {
		t.Fatal("an offered timesheet still renders the hours form")
	}
	if !strings.Contains(body, `data-day-total="0"`) {
		t.Fatal("the hours are not shown")
	}
}

// TestWeeksStartAtThePlacement (issue 16 §6): the week overview of the year
// the placement started (3 November 2025, week 45) starts the grid there and
// says so, instead of 44 grey "not fillable" tiles; a year before it has
// no tiles at all.
func TestWeeksStartAtThePlacement(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.get("/plaatsingen/p1/weken?jaar=2025")
	if n := strings.Count(body, `id="week-`); n != 8 { // weeks 45..52
		t.Errorf("%d tiles in 2025, want weeks 45..52", n)
	}
	if strings.Contains(body, `id="week-44"`) || !strings.Contains(body, "De plaatsing begint op 03-11-2025 (week 45)") {
		t.Error("the grid does not start at the placement, or does not say so")
	}
	_, body = h.get("/plaatsingen/p1/weken?jaar=2024")
	if strings.Contains(body, `id="week-`) || !strings.Contains(body, `id="weeks-empty"`) {
		t.Error("a year before the placement shows tiles")
	}
}

// TestSheetNamesWhoActed (issue 16 §10): the sheet names who rejected and
// who wrote a remark, as the history does, not only their role.
func TestSheetNamesWhoActed(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.get("/plaatsingen/p1/weken/2026-W04")
	if !strings.Contains(body, "Afgekeurd door Flex Uitzend (intermediair)") {
		t.Error("the rejection does not name who rejected")
	}
	h.loginAs(client2Email, "nl")
	_, body = h.get("/plaatsingen/p2/weken/2026-W05")
	if !strings.Contains(body, `<span class="muted">Karim Yilmaz (werknemer):</span> Vrijdagmiddag naar de tandarts.`) {
		t.Error("the remark does not name who wrote it")
	}
}
