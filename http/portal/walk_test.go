package portal_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/internal/browsertest"
)

// The browser walk (issue 16, "Done when"): every screen, for every role,
// at phone and desktop width: no horizontal overflow, no serious or
// critical axe-core violations, and a screenshot of each.
//
// To add a screen, append a row to walkScreens. role is a key of
// walkUsers; path may use the fixture's document IDs through h.doc.

// walkUsers are the fixture's people the walk logs in as, by role name.
// "anonymous" is logged out; a role ending in "-en" switches the portal to
// English after logging in.
var walkUsers = map[string]string{
	"client":       clientEmail,  // Bakkerij Bol: enters hours, intermediary approves
	"client-en":    clientEmail,  // the same, in English
	"client-rijn":  client2Email, // Rijn Transport: approves the worker's hours
	"client-vers":  client3Email, // Bakkerij Bol Vers: time registration
	"intermediary": interEmail,
	"worker":       workerEmail,  // Jan, at Bol: the client enters his hours
	"worker-rijn":  worker2Email, // Karim, at Rijn: enters his own hours
	"backoffice":   boEmail,
	"anonymous":    "",
}

// screen is one page of the walk. act, when set, runs after the page has
// loaded (e.g. an empty submit to show a form's errors); status is the
// expected HTTP status (200 when 0).
type screen struct {
	role, path, name string
	act              []chromedp.Action[chromedp.Void]
	status           int
}

// walkWidths are the viewport widths checked: 1280 and 390 get axe and a
// screenshot; 360 (the narrowest common phone) only the overflow check.
var walkWidths = []struct {
	w, h int
	axe  bool
}{{browsertest.DesktopWidth, browsertest.DesktopHeight, true}, {browsertest.PhoneWidth, browsertest.PhoneHeight, true}, {360, 740, false}}

func walkScreens(t *testing.T, h *harness) []screen {
	doc := func(name string) string { return "/overige/documenten/" + h.doc(name) }
	emptySubmit := []chromedp.Action[chromedp.Void]{
		chromedp.Click(chromedp.CSS(`form.register button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("error-summary")),
	}
	// The signing screen of the mail's unique link (manual §5.2), and the
	// same after "Akkoord" without the box "ik heb het document gelezen"
	// ticked: the error at the box.
	signLink := h.signLink(t, docContract)
	signUnread := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.ID("tan"), "ABCD"),
		chromedp.Click(chromedp.ID("sign-accept")),
		chromedp.WaitVisible(chromedp.ID("err-read")),
	}
	// workerprobe: an activation link that expired offers a new one.
	expiredLink := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.ID("password"), "lang genoeg wachtwoord"),
		chromedp.SendKeys(chromedp.ID("password2"), "lang genoeg wachtwoord"),
		chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("new-link")),
	}
	return []screen{
		{role: "anonymous", path: "/inloggen", name: "login"},
		{role: "anonymous", path: "/wachtwoord-vergeten", name: "forgot"},
		{role: "anonymous", path: "/bestaat-niet", name: "not-found", status: 404},

		{role: "client", path: "/", name: "home"},
		{role: "client", path: "/urenbriefjes", name: "timesheets"},
		{role: "client", path: "/plaatsingen/p1/weken?jaar=2026", name: "weeks"},
		{role: "client", path: "/plaatsingen/p1/weken/2026-W05", name: "editor"},
		{role: "client", path: "/plaatsingen/p1/weken/2026-W04", name: "rejected"},
		{role: "client", path: "/plaatsingen/p1/weken/2026-W05/geschiedenis", name: "history"},
		{role: "client", path: "/werknemers", name: "workers"},
		{role: "client", path: "/werknemers/nieuw", name: "register"},
		{role: "client", path: "/werknemers/nieuw", name: "register-errors", act: emptySubmit},
		{role: "client", path: "/overige/facturen", name: "invoices"},
		{role: "client", path: "/overige/documenten", name: "documents"},
		{role: "client", path: "/overige/documenten/nieuw", name: "upload"},
		{role: "client", path: doc(docContract), name: "document"},
		{role: "client", path: "/documenten/" + h.doc(docContract) + "/ondertekenen", name: "sign"},
		{role: "client", path: signLink, name: "sign-link"},
		{role: "client", path: signLink, name: "sign-link-errors", act: signUnread},
		{role: "client", path: "/overige/urenrapport", name: "report-form"},
		{role: "client", path: "/overige/urenrapport?van=2026-W01&tot=2026-W06", name: "report"},
		{role: "client-en", path: "/", name: "home"},
		{role: "client-en", path: "/urenbriefjes", name: "timesheets"},
		{role: "client-en", path: "/plaatsingen/p1/weken?jaar=2026", name: "weeks"},
		{role: "client-en", path: "/werknemers/nieuw", name: "register-errors", act: emptySubmit},
		{role: "client-en", path: "/overige/documenten", name: "documents"},
		{role: "client-en", path: "/overige/urenrapport?van=2026-W01&tot=2026-W06", name: "report"},
		{role: "client-rijn", path: "/plaatsingen/p2/weken/2026-W05", name: "approval"},
		{role: "client-vers", path: "/plaatsingen/p3/weken/2026-W06", name: "time-registration"},

		{role: "intermediary", path: "/", name: "home"},
		{role: "intermediary", path: "/urenbriefjes", name: "timesheets"},
		{role: "intermediary", path: "/plaatsingen/p1/weken?jaar=2026", name: "weeks"},
		{role: "intermediary", path: "/plaatsingen/p1/weken/2026-W03", name: "approval"},
		{role: "intermediary", path: "/werknemers", name: "workers"},
		{role: "intermediary", path: "/overige/facturen", name: "invoices"},
		{role: "intermediary", path: "/overige/documenten", name: "documents"},
		{role: "intermediary", path: "/overige/urenrapport?van=2026-W01&tot=2026-W06", name: "report"},

		{role: "worker", path: "/", name: "home"},
		{role: "worker", path: "/urenbriefjes", name: "timesheets"},
		{role: "worker", path: "/plaatsingen/p1/weken?jaar=2026", name: "weeks"},
		{role: "worker", path: "/plaatsingen/p1/weken/2026-W05", name: "sheet"},
		{role: "worker", path: "/werknemers", name: "workers"},
		{role: "worker", path: "/overige/documenten", name: "documents"},
		{role: "worker-rijn", path: "/urenbriefjes", name: "timesheets"},
		{role: "worker-rijn", path: "/", name: "home"},                                     // workerprobe: "Deze week" to this week's timesheet
		{role: "worker-rijn", path: "/plaatsingen/p2/weken/2026-W08", name: "not-started"}, // workerprobe: a week that has not started
		{role: "anonymous", path: "/activeren?token=oud", name: "activate-expired", act: expiredLink},
		{role: "worker", path: doc(docContract), name: "document"},
		{role: "worker-rijn", path: "/plaatsingen/p2/weken/2026-W07", name: "editor"},

		{role: "backoffice", path: "/", name: "home"},
		{role: "backoffice", path: "/urenbriefjes", name: "timesheets"},
		{role: "backoffice", path: "/plaatsingen/p1/weken?jaar=2026", name: "weeks"},
		{role: "backoffice", path: "/werknemers", name: "workers"},
		{role: "backoffice", path: "/overige/facturen", name: "invoices"},
		{role: "backoffice", path: "/overige/documenten", name: "documents"},
		{role: "backoffice", path: "/demo/berichten", name: "outbox"},

		// Settings, missing hours, Beheer, Salarisverwerking, Mijn gegevens.
		{role: "client", path: "/instellingen", name: "settings"},
		{role: "client", path: "/ontbrekende-uren", name: "missing-hours"},
		{role: "intermediary", path: "/instellingen", name: "settings"},
		{role: "intermediary", path: "/ontbrekende-uren", name: "missing-hours"},
		{role: "worker", path: "/instellingen", name: "settings"},
		{role: "backoffice", path: "/instellingen", name: "settings"},
		{role: "backoffice", path: "/beheer", name: "admin"},
		{role: "backoffice", path: "/beheer/intermediairs", name: "admin-intermediaries"},
		{role: "backoffice", path: "/beheer/intermediairs/nieuw", name: "admin-intermediary-new"},
		{role: "backoffice", path: "/beheer/intermediairs/flex", name: "admin-intermediary"},
		{role: "backoffice", path: "/beheer/opdrachtgevers", name: "admin-clients"},
		{role: "backoffice", path: "/beheer/opdrachtgevers/nieuw", name: "admin-client-new"},
		{role: "backoffice", path: "/beheer/opdrachtgevers/bol", name: "admin-client"},
		{role: "backoffice", path: "/beheer/opdrachtgevers/bol/wijzigen", name: "admin-client-edit"},
		{role: "backoffice", path: "/beheer/opdrachtgevers/bol/afspraken/nieuw", name: "admin-agreement"},
		{role: "backoffice", path: "/beheer/sleutels", name: "admin-tokens"},
		{role: "backoffice", path: "/salarisverwerking", name: "payroll"},
		{role: "backoffice", path: "/salarisverwerking/opdrachtgevers/bol", name: "payroll-client"},
		{role: "backoffice", path: "/ontbrekende-uren", name: "missing-hours"},
		{role: "client", path: "/mijn-gegevens", name: "profile"},
		{role: "intermediary", path: "/mijn-gegevens", name: "profile"},
		{role: "worker", path: "/mijn-gegevens", name: "profile"},
		{role: "backoffice", path: "/mijn-gegevens", name: "profile"},

		// adminprobe: the back office registers workers at a client it
		// chooses, and ends placements (so does the intermediary).
		{role: "backoffice", path: "/werknemers/nieuw", name: "register"},
		{role: "backoffice", path: "/werknemers/nieuw", name: "register-errors", act: emptySubmit},
		{role: "backoffice", path: "/plaatsingen/p1/beeindigen", name: "placement-end"},
		{role: "intermediary", path: "/plaatsingen/p1/beeindigen", name: "placement-end"},
		{role: "backoffice", path: "/plaatsingen/p1/weken/2026-W01", name: "sheet-imported-reopen"},
		{role: "backoffice", path: "/berichten/mislukt", name: "failed-messages"},
		{role: "backoffice", path: "/werknemers?status=beeindigd", name: "workers-ended"},
		{role: "backoffice", path: "/plaatsingen/p1/nieuwe-plaatsing", name: "placement-new"},
		{role: "client", path: "/plaatsingen/p1/corrigeren", name: "placement-correct"},
	}
}

func TestBrowserWalk(t *testing.T) {
	skipInShort(t)
	browsertest.RequireAxe(t) // before the database starts
	h, b := newBrowserHarness(t)

	logged := "-"
	for _, sc := range walkScreens(t, h) {
		t.Run(sc.role+"/"+sc.name, func(t *testing.T) {
			b := b.For(t)
			if sc.role != logged {
				email, ok := walkUsers[sc.role]
				if !ok {
					t.Fatalf("role %q is not in walkUsers", sc.role)
				}
				b.Do(logout)
				if email != "" {
					browserLogin(b, h.URL, email)
				}
				if strings.HasSuffix(sc.role, "-en") {
					b.Do(chromedp.Click(chromedp.CSS(`header button[name="taal"][value="en"]`)),
						chromedp.WaitReady(chromedp.CSS(`html[lang="en"]`)))
				}
				logged = sc.role
			}
			b.Do(chromedp.EmulateViewport(browsertest.DesktopWidth, browsertest.DesktopHeight),
				chromedp.Navigate(h.URL+sc.path), chromedp.WaitReady(chromedp.ID("main")))
			want := sc.status
			if want == 0 {
				want = 200
			}
			got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`performance.getEntriesByType("navigation")[0].responseStatus`))
			if err != nil || got != want {
				t.Fatalf("GET %s: status %d (%v), want %d", sc.path, got, err, want)
			}
			b.Do(sc.act...)
			for _, w := range walkWidths {
				// Two animation frames: the page has handled the resize
				// (layout.js marks tables that now scroll) before the checks.
				b.Do(chromedp.EmulateViewport(int64(w.w), int64(w.h)), afterResize)
				phone := w.w < 640
				if over, culprits := b.Overflow(); over > 0 {
					t.Errorf("%d px: page is %d px wider than the viewport; sticking out: %s", w.w, over, strings.Join(culprits, ", "))
				}
				if phone {
					if sideways := innerScrollers(t, b); len(sideways) > 0 {
						t.Errorf("%d px: parts scroll sideways: %s", w.w, strings.Join(sideways, ", "))
					}
				}
				if phone {
					if rows := headerRows(t, b); rows > 2 {
						t.Errorf("%d px: the header takes %d lines, want at most 2", w.w, rows)
					}
				}
				if !w.axe {
					continue
				}
				for _, v := range b.Axe() {
					t.Errorf("%d px: axe %s", w.w, v)
				}
				b.Screenshot(fmt.Sprintf("walk-%s-%s", sc.role, sc.name), w.w, w.h)
			}
		})
	}
}

// innerScrollers names the elements in main that scroll sideways (a table
// in a scrolling box: the page fits, the content does not).
func innerScrollers(t *testing.T, b *browsertest.Browser) []string {
	t.Helper()
	out, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("main *"))
  .filter(el => el.scrollWidth > el.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(el).overflowX))
  .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : "") +
    " (" + el.scrollWidth + " in " + el.clientWidth + " px)")`))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// headerRows counts the lines the page header's parts take: brand, tools
// and the tabs (a tab strip that scrolls is one line).
func headerRows(t *testing.T, b *browsertest.Browser) int {
	t.Helper()
	n, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`(() => {
  const parts = Array.from(document.querySelectorAll("header.top .brand, header.top .tools > *, header.top .tabs > li"))
    .map(el => el.getBoundingClientRect()).filter(r => r.width > 1 && r.height > 1)
    .sort((a, b) => a.top - b.top);
  let rows = 0, bottom = -Infinity;
  for (const r of parts) {
    if (r.top >= bottom - 2) { rows++; bottom = r.bottom; } else { bottom = Math.max(bottom, r.bottom); }
  }
  return rows;
})()`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// afterResize waits two animation frames, so resize handlers have run.
var afterResize = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := chromedp.Evaluate[bool](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, chromedp.EvalAwaitPromise)(ctx, t)
	return err
})
