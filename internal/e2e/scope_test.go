package e2e_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backoffice/internal/demo"
)

// TestPortalScope is the authorization matrix of the portal's pages: users
// outside a placement's scope get 404 on every page and form of its
// timesheets, and none of its names appear in any page they can open.
// Users inside the scope see the same pages (the positive control).
func TestPortalScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	// Jan (bakery, worker enters) starts timesheet week 6 with a time entry,
	// so both an existing and a not yet started timesheet are requested.
	jan := login(e, t, janEmail)
	sheet := "/plaatsingen/" + janPlacement + "/weken/2026-W06"
	if status, body := jan.post(sheet+"/tijden", url.Values{"dag": {"2026-02-02"}, "begin": {"07:00"}, "eind": {"15:30"}, "pauze": {"0:30"}}); status != http.StatusOK || !strings.Contains(body, "07:00") {
		t.Fatalf("Jan's time entry: %d\n%s", status, body)
	}

	pages := []string{
		"/plaatsingen/" + janPlacement + "/weken",
		"/plaatsingen/" + janPlacement + "/weken?jaar=2025",
		sheet,
		sheet + "?wijzig=1",
		sheet + "/geschiedenis",
		"/plaatsingen/" + janPlacement + "/weken/2026-W05",
		"/plaatsingen/" + janPlacement + "/weken/2026-W05/geschiedenis",
	}
	forms := map[string]url.Values{
		sheet + "/regels":                 {"line.125.mon": {"2"}},
		sheet + "/regels/toevoegen":       {"uursoort": {"125"}},
		sheet + "/regels/wissen":          {"uursoort": {"125"}},
		sheet + "/tijden":                 {"dag": {"2026-02-03"}, "begin": {"07:00"}, "eind": {"15:00"}, "pauze": {"0:30"}},
		sheet + "/tijden/1":               {"dag": {"2026-02-03"}, "begin": {"07:00"}, "eind": {"15:00"}, "pauze": {"0:30"}},
		sheet + "/tijden/1/verwijderen":   {},
		sheet + "/onkosten":               {"soort": {"parking"}, "datum": {"2026-02-02"}, "bedrag": {"5"}},
		sheet + "/onkosten/1/verwijderen": {},
		sheet + "/opmerkingen":            {"opmerking": {"niet van mij"}},
		sheet + "/aanbieden":              {},
		sheet + "/accorderen":             {"stap": {"0"}, "controle": {"x"}},
		sheet + "/afkeuren":               {"reden": {"niet van mij"}},
	}
	// Lists every user can open: they must not name Jan.
	lists := []string{"/", "/urenbriefjes", "/urenbriefjes?status=open", "/urenbriefjes/nieuw", "/werknemers"}

	// The missing-hours overview (page and CSV): clients see their own
	// placements, workers are refused.
	missingPages := []string{"/ontbrekende-uren", "/ontbrekende-uren?week=alle&formaat=csv",
		"/ontbrekende-uren?week=alle&klant=" + url.QueryEscape(demo.ClientBakery)}

	outside := []struct {
		who    string
		email  string
		hidden []string // names of Jan's placement this user must never see
		// missing is the status of the missing-hours pages for this user.
		missing int
	}{
		{"client of another company", mariekeEmail, []string{"Jan van der Berg", "Korenschoof"}, http.StatusOK},
		{"worker at another company", daanEmail, []string{"Jan van der Berg", "Korenschoof"}, http.StatusForbidden},
		{"other worker at the same client", fatimaEmail, []string{"Jan van der Berg"}, http.StatusForbidden},
	}
	for _, o := range outside {
		t.Run("outside/"+o.who, func(t *testing.T) {
			u := login(e, t, o.email)
			check := func(what string, status int, body string, want int) {
				t.Helper()
				if status != want {
					t.Errorf("%s: status %d, want %d", what, status, want)
				}
				for _, name := range o.hidden {
					if strings.Contains(body, name) {
						t.Errorf("%s shows %q", what, name)
					}
				}
			}
			for _, p := range pages {
				status, body := u.get(p)
				check("GET "+p, status, body, http.StatusNotFound)
			}
			for p, form := range forms {
				status, body := u.post(p, form)
				check("POST "+p, status, body, http.StatusNotFound)
			}
			for _, p := range lists {
				status, body := u.get(p)
				check("GET "+p, status, body, http.StatusOK)
			}
			for _, p := range missingPages {
				status, body := u.get(p)
				check("GET "+p, status, body, o.missing)
			}
		})
	}

	inside := []struct {
		who, email string
		missing    int // status of the missing-hours overview
	}{
		{"the worker", janEmail, http.StatusForbidden},
		{"the client", keesEmail, http.StatusOK},
		{"the intermediary", annaEmail, http.StatusOK},
	}
	for _, in := range inside {
		t.Run("inside/"+in.who, func(t *testing.T) {
			u := login(e, t, in.email)
			for _, p := range pages {
				status, body := u.get(p)
				if status != http.StatusOK || !strings.Contains(body, "Jan van der Berg") {
					t.Errorf("GET %s: status %d, name shown %v", p, status, strings.Contains(body, "Jan van der Berg"))
				}
			}
			status, body := u.get("/ontbrekende-uren?week=alle")
			if status != in.missing || (status == http.StatusOK && !strings.Contains(body, "Jan van der Berg")) {
				t.Errorf("GET /ontbrekende-uren: status %d (want %d), Jan shown %v", status, in.missing, strings.Contains(body, "Jan van der Berg"))
			}
		})
	}
	// Nothing the outsiders posted reached the ledger: Jan's week still has
	// exactly the one time entry and no remark.
	status, body := jan.get(sheet)
	if status != http.StatusOK || strings.Count(body, "/verwijderen\"") != 1 || strings.Contains(body, "niet van mij") {
		t.Errorf("Jan's week after the outsiders: %d\n%s", status, body)
	}
}
