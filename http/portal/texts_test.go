package portal_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backoffice/commands/auth"
)

// TestBreakAsTyped (issue 16 §3): the break reads "30" as 30 minutes and
// "0:30" as half an hour, not "30" as 30 hours.
func TestBreakAsTyped(t *testing.T) {
	h := newHarnessAs(t, client3Email)
	page := "/plaatsingen/p3/weken/2026-W06"
	for i, brk := range []string{"30", "0:30"} {
		day := []string{"2026-02-04", "2026-02-05"}[i]
		res, body := h.postOn(page, "/tijden", url.Values{"dag": {day}, "begin": {"08:00"}, "eind": {"16:30"}, "pauze": {brk}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("break %q: %d\n%s", brk, res.StatusCode, body)
		}
	}
	n := 0
	for _, e := range h.sheet("p3", 6).Entries {
		if e.Date == "2026-02-04" || e.Date == "2026-02-05" {
			n++
			if e.BreakMinutes != 30 || e.WorkedMinutes != 8*60 {
				t.Errorf("%s: break %d min, worked %d min; want 30 and 480", e.Date, e.BreakMinutes, e.WorkedMinutes)
			}
		}
	}
	if n != 2 {
		t.Fatalf("%d entries saved, want 2", n)
	}
	_, body := h.get(page)
	if !strings.Contains(body, "in minuten (30) of uren:minuten (0:30)") {
		t.Fatal("the break field does not say how to type it")
	}
}

// TestTexts (issue 16 §3, §10): the password hint says the rule's length;
// one timesheet waiting is singular; a midnight deadline reads as the end
// of the day before; the deadline hint about "uw intermediair" is for
// clients only; the English UI keeps the brand; offering is for approval.
func TestTexts(t *testing.T) {
	h := newHarness(t)
	_, body := h.get("/activeren?token=x")
	if want := fmt.Sprintf("Minimaal %d tekens.", auth.MinPasswordLen); !strings.Contains(body, want) ||
		!strings.Contains(body, fmt.Sprintf(`minlength="%d"`, auth.MinPasswordLen)) {
		t.Errorf("the activation page lacks %q and minlength %d", want, auth.MinPasswordLen)
	}

	h.loginAs(interEmail, "nl")
	_, body = h.get("/")
	if !strings.Contains(body, "Er wacht 1 urenbriefje op u.") {
		t.Error("one timesheet waiting is not singular")
	}
	if strings.Contains(body, "uw intermediair") {
		t.Error("the intermediary is told about his own intermediary")
	}
	h.loginAs(client2Email, "nl")
	_, body = h.get("/")
	if !strings.Contains(body, "Er wachten 2 urenbriefjes op u.") || !strings.Contains(body, "uw intermediair") {
		t.Error("the client's home lacks the plural or the deadline hint")
	}

	h.loginAs(clientEmail, "nl")
	_, body = h.get("/plaatsingen/p1/weken/2026-W05")
	if !strings.Contains(body, "Invoeren vóór: maandag 02-02-2026 24:00") || strings.Contains(body, "dinsdag 03-02-2026 00:00") {
		t.Error("the entry deadline does not read as Monday 24:00")
	}
	if strings.Contains(body, "ondertekening") || !strings.Contains(body, "ter accordering aan") {
		t.Error("the offer box speaks of signing")
	}

	h.loginAs(clientEmail, "en")
	_, body = h.get("/")
	if strings.Contains(body, "Backoffice Digital") || !strings.Contains(body, "Backofficebureau Digitaal") {
		t.Error("the English UI translates the brand name")
	}
}

// rowOf is the list row (its HTML) that links to the timesheet at path.
func rowOf(t *testing.T, body, path string) string {
	t.Helper()
	for _, row := range strings.Split(body, "<tr") {
		if strings.Contains(row, `href="`+path+`"`) {
			return row
		}
	}
	t.Fatalf("no row for %s", path)
	return ""
}

// TestListDeadlines (issue 16 §10): an open timesheet shows when it had to
// be entered, not "Accorderen vóór … Te laat"; an offered one its approval
// deadline.
func TestListDeadlines(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.get("/urenbriefjes")
	open := rowOf(t, body, "/plaatsingen/p1/weken/2026-W05")
	if !strings.Contains(open, "invoeren vóór maandag 02-02-2026 24:00") || strings.Contains(open, "accorderen vóór") {
		t.Errorf("open row: %s", open)
	}
	offered := rowOf(t, body, "/plaatsingen/p1/weken/2026-W03")
	if !strings.Contains(offered, "accorderen vóór woensdag 21-01-2026 10:00") {
		t.Errorf("offered row: %s", offered)
	}
	if strings.Contains(body, "<th scope=\"col\">Accorderen vóór</th>") {
		t.Error("the column still says Accorderen vóór for every status")
	}
}

// TestUploaderNamed (issue 16 §3): a document the bureau (or the demo's
// system) offered says so by name, not "systeem" or "backoffice".
func TestUploaderNamed(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.get("/overige/documenten")
	if !strings.Contains(body, ">Backofficebureau Digitaal</td>") || strings.Contains(body, ">backoffice</td>") {
		t.Fatal("the documents list does not name the bureau as who offered")
	}
	_, body = h.get("/overige/documenten/" + h.doc(docContract))
	if !strings.Contains(body, "<dd>Backofficebureau Digitaal</dd>") {
		t.Fatal("the document does not name the bureau as who offered")
	}
}

// TestDateErrorAtItsOwnForm: on a sheet with time registration, both the
// entry form and the expense form have a date; a refused date shows at the
// form that was sent only (and marks only that field invalid).
func TestDateErrorAtItsOwnForm(t *testing.T) {
	h := newHarnessAs(t, client3Email)
	page := "/plaatsingen/p3/weken/2026-W06"
	_, body := h.postOn(page, "/onkosten", url.Values{"soort": {"parking"}, "datum": {"2026-03-02"}, "bedrag": {"2,50"}})
	if !strings.Contains(body, `aria-describedby="err-exp-date"`) || !strings.Contains(body, `<p class="err" id="err-exp-date">`) {
		t.Fatalf("the expense's date error is not at its field:\n%s", body)
	}
	if n := strings.Count(body, `<p class="err"`); n != 1 {
		t.Fatalf("%d error messages, want 1 (at the expense form)", n)
	}
	_, body = h.postOn(page, "/tijden", url.Values{"dag": {"2026-03-02"}, "begin": {"08:00"}, "eind": {"16:30"}})
	if strings.Contains(body, `err-exp-date`) || strings.Count(body, `<p class="err"`) != 1 {
		t.Fatalf("the entry's date error shows at the expense form too:\n%s", body)
	}
}
