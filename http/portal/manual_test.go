package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"backoffice/commands"
	"backoffice/http/portal"
)

// Tests of the manual's statements (docs/rules.md) that the other screen
// tests do not hold: what the user sees first.

var cardRE = regexp.MustCompile(`<li class="card st-[a-z]+"><a href="/urenbriefjes\?status=([a-z_]+)"><span class="count">(\d+)</span>`)

// listStatuses returns the status code (st-…) of every row of the
// timesheet list at path.
func listStatuses(t *testing.T, h *harness, path string) []string {
	t.Helper()
	_, body := h.get(path)
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n := range doc.Descendants() {
		if n.Data != "span" || !strings.HasPrefix(portal.Attr(n, "class"), "status st-") {
			continue
		}
		for p := n.Parent; p != nil; p = p.Parent {
			if portal.Attr(p, "id") == "timesheets" {
				out = append(out, strings.TrimPrefix(portal.Attr(n, "class"), "status st-"))
				break
			}
		}
	}
	return out
}

// TestHomeStatusOverview (manual §1.2, §2.1): the home page counts the
// timesheets in scope per status, "Niet geaccordeerd" is Open + Aangeboden +
// Afgekeurd, and each count links to the list filtered on that status,
// which shows exactly that many rows of it.
func TestHomeStatusOverview(t *testing.T) {
	f := newFixture(t)
	// The fixture: p1 (Bol) has week 1 imported, 2 approved, 3 offered, 4
	// rejected, 5 open; p2 (Rijn) weeks 5 and 6 offered; p3 (Vers) week 6
	// open (time entries).
	cases := []struct {
		email string
		want  map[string]int
	}{
		{clientEmail, map[string]int{"open": 1, "offered": 1, "rejected": 1, "not_approved": 3, "approved": 1, "imported": 1}},
		{workerEmail, map[string]int{"open": 1, "offered": 1, "rejected": 1, "not_approved": 3, "approved": 1, "imported": 1}},
		{client2Email, map[string]int{"open": 0, "offered": 2, "rejected": 0, "not_approved": 2, "approved": 0, "imported": 0}},
		{interEmail, map[string]int{"open": 2, "offered": 3, "rejected": 1, "not_approved": 6, "approved": 1, "imported": 1}},
	}
	members := map[string][]string{"not_approved": {"open", "offered", "rejected"}}
	for _, c := range cases {
		t.Run(c.email, func(t *testing.T) {
			h := newHarnessOn(t, f)
			h.loginAs(c.email, "nl")
			_, body := h.get("/")
			got := map[string]int{}
			for _, m := range cardRE.FindAllStringSubmatch(body, -1) {
				got[m[1]], _ = strconv.Atoi(m[2])
			}
			if len(got) != len(c.want) {
				t.Fatalf("home shows the cards %v, want %v", got, c.want)
			}
			for _, label := range []string{"Open", "Aangeboden", "Afgekeurd", "Niet geaccordeerd", "Geaccordeerd", "Geïmporteerd"} {
				if !strings.Contains(body, label+"</span>") {
					t.Errorf("home lacks the status %q", label)
				}
			}
			for status, n := range c.want {
				if got[status] != n {
					t.Errorf("card %s shows %d, want %d", status, got[status], n)
				}
				rows := listStatuses(t, h, "/urenbriefjes?status="+status)
				if len(rows) != n {
					t.Errorf("the list filtered on %s has %d rows %v, want %d", status, len(rows), rows, n)
				}
				allowed := members[status]
				if allowed == nil {
					allowed = []string{status}
				}
				for _, r := range rows {
					if !slices.Contains(allowed, r) {
						t.Errorf("the list filtered on %s shows a row of status %s", status, r)
					}
				}
			}
			if got["not_approved"] != got["open"]+got["offered"]+got["rejected"] {
				t.Errorf("Niet geaccordeerd %d is not Open + Aangeboden + Afgekeurd", got["not_approved"])
			}
		})
	}
}

// TestWorkersListsActivePlacements (manual §3): "Werknemers" lists the
// active placements: one that ended before today is left out, one that ends
// later is listed with its end date.
func TestWorkersListsActivePlacements(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.get("/werknemers")
	if !strings.Contains(body, "Jan de Vries") || !strings.Contains(body, "Piet Jansen") {
		t.Fatalf("Werknemers before ending: %s", between(body, `id="workers"`, `</table>`))
	}
	ctx := context.Background()
	bo := commands.Meta{Actor: h.accounts[boEmail], CorrelationID: "test"}
	// Piet (p4) has no hours: his placement ends in the past. Jan's (p1)
	// ends at the end of next month.
	if _, err := h.App.Identity.Tenants.EndPlacement(ctx, bo, "p4", time.Date(2026, 1, 30, 0, 0, 0, 0, time.UTC), "contract over"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.App.Identity.Tenants.EndPlacement(ctx, bo, "p1", time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), "seizoen voorbij"); err != nil {
		t.Fatal(err)
	}
	h.WaitForProjections(t)
	_, body = h.get("/werknemers")
	table := between(body, `id="workers"`, `</table>`)
	if strings.Contains(table, "Piet Jansen") {
		t.Errorf("Werknemers lists the ended placement of Piet Jansen:\n%s", table)
	}
	if !strings.Contains(table, "Jan de Vries") || !strings.Contains(table, "31-03-2026") {
		t.Errorf("Werknemers lacks Jan de Vries's placement with its end date 31-03-2026:\n%s", table)
	}
}

// TestEmptyListSaysWhy: the list without a filter ("Alle") says there are
// no timesheets yet; with a filter, none with that status.
func TestEmptyListSaysWhy(t *testing.T) {
	h := newHarnessAs(t, client2Email) // Rijn: weeks 5 and 6 offered, nothing imported
	if _, body := h.get("/urenbriefjes?status=imported"); !strings.Contains(body, `<p id="list-empty">Er zijn geen urenbriefjes met deze status.</p>`) {
		t.Fatalf("filtered empty list:\n%s", between(body, "<main", "</main>"))
	}
	if _, body := h.get("/urenbriefjes"); strings.Contains(body, `id="list-empty"`) {
		t.Fatal("the unfiltered list of Rijn says it is empty")
	}
	const piet = "piet@bakker.nl" // the worker of p4 at Bol: no hours
	h.loginAs(piet, "nl")
	if _, body := h.get("/urenbriefjes"); !strings.Contains(body, `<p id="list-empty">Er zijn nog geen urenbriefjes.</p>`) {
		t.Fatalf("empty list without a filter:\n%s", between(body, "<main", "</main>"))
	}
}

// listRow is one row of the timesheet list: its week link and whether it
// is marked as waiting for the reader.
type listRow struct {
	href string
	mine bool
}

func listRows(t *testing.T, h *harness, path string) []listRow {
	t.Helper()
	_, body := h.get(path)
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []listRow
	for n := range doc.Descendants() {
		if n.Data != "tr" || n.Parent == nil || n.Parent.Data != "tbody" {
			continue
		}
		r := listRow{mine: portal.Attr(n, "class") == "mine"}
		for c := range n.Descendants() {
			if c.Data == "a" && strings.HasPrefix(portal.Attr(c, "href"), "/plaatsingen/") {
				r.href = portal.Attr(c, "href")
			}
		}
		out = append(out, r)
	}
	return out
}

// TestListWaitingForMeFirst (manual §2.5): the list shows what waits for
// the reader (weeks they enter that are open or rejected, offers whose
// next step is theirs) first, marked "Wacht op u"; the rest names whose
// turn it is.
func TestListWaitingForMeFirst(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		email string
		mine  []string
	}{
		// Els enters Bol's hours: week 4 (rejected) and 5 (open) are hers.
		{clientEmail, []string{"/plaatsingen/p1/weken/2026-W04", "/plaatsingen/p1/weken/2026-W05"}},
		// Rik approves Rijn's first step: weeks 5 and 6 are offered to him.
		{client2Email, []string{"/plaatsingen/p2/weken/2026-W05", "/plaatsingen/p2/weken/2026-W06"}},
		// Flex approves Bol's week 3; Rijn's weeks wait for the client.
		{interEmail, []string{"/plaatsingen/p1/weken/2026-W03"}},
	}
	for _, c := range cases {
		t.Run(c.email, func(t *testing.T) {
			h := newHarnessOn(t, f)
			h.loginAs(c.email, "nl")
			rows := listRows(t, h, "/urenbriefjes")
			var mine []string
			for i, r := range rows {
				if r.mine {
					mine = append(mine, r.href)
					if i > 0 && !rows[i-1].mine {
						t.Errorf("row %d (%s) waits for the reader but comes after one that does not", i, r.href)
					}
				}
			}
			slices.Sort(mine)
			if !slices.Equal(mine, c.mine) {
				t.Errorf("waiting for %s: %v, want %v", c.email, mine, c.mine)
			}
			_, body := h.get("/urenbriefjes")
			if n := strings.Count(body, "Wacht op u</strong>"); n != len(c.mine) {
				t.Errorf("%d rows say 'Wacht op u', want %d", n, len(c.mine))
			}
		})
	}
	// The intermediary sees whose turn the others are: Rijn's offered
	// weeks are the client's to approve, Bol's and Vers's open weeks the
	// client's to enter.
	h := newHarnessOn(t, f)
	h.loginAs(interEmail, "nl")
	for _, status := range []string{"offered", "open"} {
		_, body := h.get("/urenbriefjes?status=" + status)
		table := between(body, `id="timesheets"`, "</table>")
		if n := strings.Count(table, `<td data-label="Aan de beurt">opdrachtgever</td>`); n != 2 {
			t.Errorf("the intermediary's %s list names the client as next in %d rows, want 2:\n%s", status, n, table)
		}
	}
}

var hourTypeOptionRE = regexp.MustCompile(`<option value="([^"]+)">`)

// hourTypeOptions are the hour types the "Toevoegen" select of the sheet
// at path offers.
func hourTypeOptions(t *testing.T, h *harness, path string) []string {
	t.Helper()
	_, body := h.get(path)
	sel := between(body, `<select id="uursoort" name="uursoort">`, "</select>")
	var out []string
	for _, m := range hourTypeOptionRE.FindAllStringSubmatch(sel, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestAddOffersOnlyAgreedHourTypes (manual §2.3.3): "Toevoegen" offers the
// hour types agreed with the client that the sheet does not have yet; one
// that is not agreed (a tampered form) is refused with the domain's
// message and books nothing.
func TestAddOffersOnlyAgreedHourTypes(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	// Bol agreed 100, 125, 150 and ZK; week 5 has lines of 100 and 125.
	if got := hourTypeOptions(t, h, openWeek); !slices.Equal(got, []string{"150", "ZK"}) {
		t.Errorf("Bol's week 5 offers %v, want [150 ZK]", got)
	}
	// Rijn agreed 100, 125 and 150 (no ZK); Karim's new week 7 shows 100.
	h.loginAs(worker2Email, "nl")
	const rijnWeek = "/plaatsingen/p2/weken/2026-W07"
	if got := hourTypeOptions(t, h, rijnWeek); !slices.Equal(got, []string{"125", "150"}) {
		t.Errorf("Rijn's week 7 offers %v, want [125 150]", got)
	}
	res, body := h.postOn(rijnWeek, "/regels/toevoegen", url.Values{"uursoort": {"ZK"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Deze uursoort hoort niet bij de afspraken voor deze week.") {
		t.Fatalf("adding an hour type Rijn did not agree: %d\n%s", res.StatusCode, between(body, "<main", "</main>"))
	}
	if d := h.sheet("p2", 7); len(d.Lines) != 0 {
		t.Errorf("the refused hour type left lines: %+v", d.Lines)
	}
}

// TestNavigationTabs (manual §1.2): every role's navigation has the tabs
// Home, Urenbriefjes, Werknemers and Overige, in that order, and each tab's
// page marks its tab as the current one.
func TestNavigationTabs(t *testing.T) {
	f := newFixture(t)
	tabs := []struct{ path, label string }{{"/", "Home"}, {"/urenbriefjes", "Urenbriefjes"}, {"/werknemers", "Werknemers"}, {"/overige", "Overige"}}
	for _, email := range []string{clientEmail, workerEmail, interEmail, boEmail} {
		t.Run(email, func(t *testing.T) {
			h := newHarnessOn(t, f)
			h.loginAs(email, "nl")
			for _, current := range tabs {
				page := current.path
				if page == "/overige" { // the tab opens its first part the role may see
					res, _ := h.get(page)
					page = res.Header.Get("Location")
				}
				_, body := h.get(page)
				nav := between(body, `<ul class="tabs">`, "</ul>")
				last := -1
				for _, tab := range tabs {
					want := `<li><a href="` + tab.path + `">` + tab.label + `</a></li>`
					if tab == current {
						want = `<li><a href="` + tab.path + `" aria-current="page">` + tab.label + `</a></li>`
					}
					i := strings.Index(nav, want)
					if i < 0 || i < last {
						t.Errorf("%s: tab %s missing, out of order or not marked right:\n%s", page, tab.label, nav)
					}
					last = i
				}
			}
		})
	}
}

// TestBulkApproveCheckboxesNameTheWeek: a screen reader hears the week of
// each checkbox of the bulk approval as the list shows it.
func TestBulkApproveCheckboxesNameTheWeek(t *testing.T) {
	h := newHarnessAs(t, interEmail)
	_, body := h.get("/urenbriefjes")
	if !strings.Contains(body, `aria-label="Kies Jan de Vries, week 3 (2026)"`) {
		t.Fatalf("checkbox of Jan's week 3:\n%s", between(body, `id="timesheets"`, "</table>"))
	}
}
