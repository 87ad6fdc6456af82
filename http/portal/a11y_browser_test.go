package portal_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"backoffice/internal/browsertest"
)

// What axe cannot see (docs/accessibility.md): every screen of the walk
// used by keyboard only, and the screen-reader semantics axe leaves to a
// person. The screens are the walk's (walkScreens), so a screen added
// there is checked here too.

// walkAs logs b in as role (a key of walkUsers) with the portal in lang,
// unless it is already; logged remembers who is.
func walkAs(t *testing.T, b *browsertest.Browser, h *harness, role, lang string, logged *string) {
	t.Helper()
	email, ok := walkUsers[role]
	if !ok {
		t.Fatalf("role %q is not in walkUsers", role)
	}
	home := h.URL + "/"
	if email == "" {
		home = h.URL + "/inloggen"
	}
	// One login per role: a language switch is the header's button, not a
	// new login (a login costs a password hash; the language walk would
	// log in twice per screen).
	if *logged != role {
		b.Do(logout)
		if email != "" {
			browserLogin(b, h.URL, email)
		} else {
			b.Do(chromedp.Navigate(home), chromedp.WaitReady(chromedp.ID("main")))
		}
		*logged = role
	}
	// The language is the account's (or the cookie's): switch when the
	// page is in the other one, from the home page (the screen left
	// behind may have no header).
	got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil {
		t.Fatal(err)
	}
	if got != lang {
		b.Do(chromedp.Navigate(home), chromedp.WaitReady(chromedp.ID("main")),
			chromedp.Click(chromedp.CSS(`header button[name="taal"][value="`+lang+`"]`)),
			chromedp.WaitReady(chromedp.CSS(`html[lang="`+lang+`"]`)))
	}
}

// walkLang is the language a walk role shows the portal in.
func walkLang(role string) string {
	if strings.HasSuffix(role, "-en") {
		return "en"
	}
	return "nl"
}

// tab presses Tab (Shift-Tab with back) in the page, as a keyboard would.
func tab(back bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		mod := int64(0)
		if back {
			mod = int64(chromedp.ModifierShift)
		}
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			p := input.DispatchKeyEventParams{Type: typ, Key: "Tab", Code: "Tab", WindowsVirtualKeyCode: 9, NativeVirtualKeyCode: 9, Modifiers: mod}
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// focusStep is what a Tab press landed on.
type focusStep struct {
	End     bool   `json:"end"`     // focus left the page (body)
	Desc    string `json:"desc"`    // tag#id.class "name"
	Ring    bool   `json:"ring"`    // an outline or box-shadow is drawn
	Visible bool   `json:"visible"` // it has a box on screen
	Seen    bool   `json:"seen"`    // focused before in this walk
	Skip    bool   `json:"skip"`    // the skip link
	Before  bool   `json:"before"`  // it comes before the previous one in the document
	Same    bool   `json:"same"`    // the same as the previous step (a date field's parts)
	Index   int    `json:"index"`   // its place in this walk
}

// focusedJS describes the focused element and marks it seen.
const focusedJS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {end: true};
  const cs = getComputedStyle(el), r = el.getBoundingClientRect();
  const ring = (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== "none";
  const name = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || "").trim().slice(0, 40);
  const desc = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + (name ? " \"" + name + "\"" : "");
  const prev = window.__kbPrev;
  if (prev === el) return {end: false, desc, same: true, ring, visible: true, index: Number(el.dataset.kbIndex)};
  window.__kbN = (window.__kbN || 0) + 1;
  const before = !!prev && prev !== el && !!(el.compareDocumentPosition(prev) & Node.DOCUMENT_POSITION_FOLLOWING);
  window.__kbPrev = el;
  const seen = el.dataset.kbSeen === "1";
  el.dataset.kbSeen = "1";
  if (!seen) el.dataset.kbIndex = String(window.__kbN);
  return {end: false, desc, ring, visible: r.width > 0 && r.height > 0, seen, skip: el.classList.contains("skip"), before, index: Number(el.dataset.kbIndex)};
})()`

// tabbablesJS lists what Tab should reach and the walk did not: visible,
// enabled controls without a negative tabindex (a radio group counts once).
const unreachedJS = `(() => {
  const sel = 'a[href], button, input:not([type="hidden"]), select, textarea, details > summary:first-of-type, [tabindex]';
  const els = Array.from(document.querySelectorAll(sel)).filter(el => !el.disabled && el.tabIndex >= 0 &&
    !el.closest("[inert], [hidden]") && el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}));
  const out = [];
  for (const el of els) {
    if (el.dataset.kbSeen === "1") continue;
    if (el.type === "radio" && el.name && Array.from(document.getElementsByName(el.name)).some(r => r.dataset.kbSeen === "1")) continue;
    out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? "[name=" + el.name + "]" : ""));
  }
  return out;
})()`

// focusRuleJS reports where the focus is after a refused form, or "" when
// it is on the error summary or the first invalid field.
const focusRuleJS = `(() => {
  const el = document.activeElement;
  const summary = document.getElementById("error-summary");
  const first = document.querySelector('main [aria-invalid="true"]') || document.getElementById("form-error");
  if (summary ? el === summary : (first && el === first)) return "";
  const d = e => e ? e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") : "nothing";
  return "focus on " + d(el === document.body ? null : el) + ", want " + (summary ? "#error-summary" : d(first));
})()`

// TestBrowserKeyboard visits every screen of the walk and its refusals
// once, in the role's language, and checks there what axe cannot see
// (docs/accessibility.md): the screen-reader semantics (semanticsJS), the
// page's language (no words of the other language, no ?key?: for the
// Dutch screens this is the Dutch pass of TestBrowserLanguagesComplete),
// and use by keyboard only, at desktop and phone width: the first Tab
// reaches a visible skip link that moves the focus to the main content;
// every control shows a focus ring when focused; the order follows the
// page; every control is reached and the focus leaves the page at the end
// (no trap); Shift-Tab goes back. After a refused form the focus is on the
// error summary or the first invalid field.
//
// One visit serves all three: the keyboard walk and the semantics once
// were two tests, each loading every screen (and logging in per role)
// again. Each failure names its check: "semantics:", "language:",
// "keyboard:" (in the subtest role/name, phone in role/name/phone).
func TestBrowserKeyboard(t *testing.T) {
	h, b := newBrowserHarness(t)
	logged := "-"
	for _, sc := range append(walkScreens(t, h), refusals(h)...) {
		t.Run(sc.role+"/"+sc.name, func(t *testing.T) {
			b := b.For(t)
			lang := walkLang(sc.role)
			walkAs(t, b, h, strings.TrimSuffix(sc.role, "-en"), lang, &logged)
			b.Do(chromedp.EmulateViewport(browsertest.DesktopWidth, browsertest.DesktopHeight),
				chromedp.Navigate(h.URL+sc.path), chromedp.WaitReady(chromedp.ID("main")))
			b.Do(sc.act...)
			// The focus first: the checks below must not move it.
			if len(sc.act) > 0 {
				if msg := evalString(t, b, focusRuleJS); msg != "" {
					t.Errorf("keyboard: after the refused form: %s", msg)
				}
			}
			probs, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](semanticsJS+`("`+lang+`")`))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range probs {
				t.Errorf("semantics: %s", p)
			}
			l := pageLanguage(lang)
			for _, p := range otherLanguage(evalString(t, b, pageTextJS), l.foreign, l.marks) {
				t.Errorf("language: %s", p)
			}
			if len(sc.act) > 0 {
				return
			}
			keyboardWalk(t, b)
			// On a phone the header folds and tables stack: walk again.
			t.Run("phone", func(t *testing.T) {
				b := b.For(t)
				b.Do(chromedp.EmulateViewport(browsertest.PhoneWidth, browsertest.PhoneHeight),
					chromedp.Navigate(h.URL+sc.path), chromedp.WaitReady(chromedp.ID("main")))
				keyboardWalk(t, b)
			})
		})
	}
}

// keyboardWalk tabs through the page in b from its start.
func keyboardWalk(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	step := func(back bool) focusStep {
		b.Do(tab(back))
		s, err := chromedp.Run(b.Ctx, chromedp.Evaluate[focusStep](focusedJS))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := step(false)
	if !first.Skip || !first.Visible || !first.Ring {
		t.Errorf("keyboard: first Tab: %+v, want the skip link, visible with a focus ring", first)
	}
	var order []string
	const most = 400
	for i := 0; ; i++ {
		s := first
		if i > 0 {
			s = step(false)
		}
		if s.End || (s.Seen && s.Skip) {
			break
		}
		if s.Same {
			continue // Tab moves between the parts of a date or time field
		}
		if s.Seen {
			t.Fatalf("keyboard: trap: Tab came back to %s without leaving the page (after %s)", s.Desc, strings.Join(order, " → "))
		}
		if i == most {
			t.Fatalf("keyboard: still tabbing after %d controls", most)
		}
		if !s.Ring {
			t.Errorf("keyboard: %s: no visible focus (no outline or box-shadow)", s.Desc)
		}
		if !s.Visible {
			t.Errorf("keyboard: %s: focused but not on screen", s.Desc)
		}
		if s.Before {
			t.Errorf("keyboard: %s: Tab went back up the page (after %s)", s.Desc, order[len(order)-1])
		}
		order = append(order, s.Desc)
	}
	missed, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](unreachedJS))
	if err != nil {
		t.Fatal(err)
	}
	if len(missed) > 0 {
		t.Errorf("keyboard: not reached by Tab: %s", strings.Join(missed, ", "))
	}
	// Shift-Tab from the last control goes back through the ones before it.
	n := len(order)
	b.Do(chromedp.Focus(chromedp.CSS(fmt.Sprintf(`[data-kb-index="%d"]`, n))))
	for i, presses := 1, 0; i <= 3 && n-i >= 1 && presses < 12; presses++ {
		s := step(true)
		if s.Same {
			continue // back through a date field's parts
		}
		if s.Index != n-i {
			t.Errorf("keyboard: Shift-Tab %d from %s: focus on %s, want %s", i, order[n-1], s.Desc, order[n-i-1])
			break
		}
		i++
	}
	// The skip link moves the focus to the main content, and the next Tab
	// goes on from there.
	b.Do(chromedp.Focus(chromedp.CSS("a.skip")), chromedp.KeyEvent("\r"))
	if got := evalString(t, b, `document.activeElement.id`); got != "main" {
		t.Errorf("keyboard: skip link: focus on %q after Enter, want main", got)
	}
	b.Do(tab(false))
	if got := evalString(t, b, `(() => { const el = document.activeElement; return el === document.body || el.classList.contains("skip") || document.getElementById("main").contains(el) || (document.getElementById("main").compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) ? "" : el.tagName.toLowerCase() + "#" + el.id; })()`); got != "" {
		t.Errorf("keyboard: Tab after the skip link went to %s, before the main content", got)
	}
}

func evalString(t *testing.T, b *browsertest.Browser, js string) string {
	t.Helper()
	s, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// semanticsJS lists what a screen reader user would miss on the page:
// more or fewer than one h1, skipped heading levels, a lang other than
// want, data tables without header cells, form fields with no name or the
// same name as another field of the form, colour classes without words,
// and messages that are not announced.
const semanticsJS = `(want => {
  const out = [];
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) out.push(h1 + " h1 elements, want 1");
  let level = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const l = Number(h.tagName[1]);
    if (level && l > level + 1) out.push("heading " + h.tagName.toLowerCase() + " \"" + h.innerText.trim().slice(0, 40) + "\" skips a level after h" + level);
    level = l;
  }
  if (document.documentElement.lang !== want) out.push("html lang=" + JSON.stringify(document.documentElement.lang) + ", want " + want);
  for (const t of document.querySelectorAll("table:not([role=presentation])")) {
    if (!t.querySelector("th")) out.push("table " + (t.id || t.className || "") + " has no header cells");
  }
  const nameOf = el => {
    if (el.getAttribute("aria-labelledby")) return el.getAttribute("aria-labelledby").split(/\s+/).map(id => (document.getElementById(id) || {}).innerText || "").join(" ").trim();
    if (el.getAttribute("aria-label")) return el.getAttribute("aria-label").trim();
    const labels = Array.from(el.labels || []).map(l => l.innerText.trim()).filter(Boolean);
    if (labels.length) return labels.join(" ");
    return (el.getAttribute("title") || "").trim();
  };
  const seen = new Map();
  for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=radio]), select, textarea')) {
    if (!el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) continue;
    const n = nameOf(el), id = el.id || el.name;
    if (!n) { out.push("field " + id + " has no accessible name"); continue; }
    // A fieldset's legend is announced with its fields, so it is part of the name.
    const group = el.closest("fieldset") ? (el.closest("fieldset").querySelector("legend") || {}).innerText || "" : "";
    const key = (el.form ? el.form.getAttribute("action") || "form" : "page") + "|" + group + "|" + n.toLowerCase();
    if (seen.has(key)) out.push("fields " + seen.get(key) + " and " + id + " are both named \"" + n + "\"");
    else seen.set(key, id);
  }
  for (const el of document.querySelectorAll('[class*="st-"]')) {
    if (el.closest("[aria-hidden=true]")) continue;
    const words = (el.getAttribute("aria-label") || "") + " " + el.innerText;
    if (!/\p{L}{2,}/u.test(words)) out.push("status colour " + el.className + " without words");
  }
  for (const el of document.querySelectorAll(".flash, .alert")) {
    if (!el.closest("[role=status], [role=alert], [aria-live]")) out.push("message \"" + el.innerText.trim().slice(0, 40) + "\" is not announced (no role=status/alert)");
  }
  return out;
})`

// submitRefused submits the form of the button sel past the browser's own
// checks (so the server refuses it) and waits for the answer page.
func submitRefused(sel string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`(() => { document.documentElement.dataset.before = "1"; for (const f of document.forms) f.noValidate = true; return true; })()`)(ctx, t)
			return err
		}),
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.WaitReady(chromedp.CSS(`html:not([data-before]) body footer`)),
	}
}

// refusals are the forms' refusals the walk does not show:
// TestBrowserKeyboard and TestBrowserLanguagesComplete check them as screens.
func refusals(h *harness) []screen {
	hours25 := append([]chromedp.Action[chromedp.Void]{clearValue("line.100.mon"),
		chromedp.SendKeys(chromedp.CSS(`[id="line.100.mon"]`), "25")}, submitRefused("#save-lines")...)
	wrongPassword := append([]chromedp.Action[chromedp.Void]{chromedp.SendKeys(chromedp.ID("email"), clientEmail),
		chromedp.SendKeys(chromedp.ID("password"), "niet-het-wachtwoord")}, submitRefused(`form[action="/inloggen"] button[type="submit"]`)...)
	return []screen{
		{role: "anonymous", path: "/inloggen", name: "login-refused", act: wrongPassword},
		{role: "anonymous", path: "/wachtwoord-vergeten", name: "forgot-refused", act: submitRefused(`form[action="/wachtwoord-vergeten"] button[type="submit"]`)},
		{role: "client", path: "/plaatsingen/p1/weken/2026-W05", name: "editor-25-hours", act: hours25},
		{role: "client", path: "/overige/documenten/nieuw", name: "upload-refused", act: submitRefused("#upload-submit")},
		{role: "client-en", path: "/plaatsingen/p1/weken/2026-W05", name: "editor-25-hours", act: hours25},
		{role: "client-en", path: "/overige/documenten/nieuw", name: "upload-refused", act: submitRefused("#upload-submit")},
		{role: "backoffice", path: "/beheer/opdrachtgevers/nieuw", name: "admin-client-new-refused", act: submitRefused("#save-agreement")},
		{role: "backoffice", path: "/beheer/opdrachtgevers/bol", name: "admin-invite-refused", act: submitRefused("#invite")},
		{role: "backoffice", path: "/plaatsingen/p1/beeindigen", name: "placement-end-refused", act: submitRefused("#end-placement")},
		{role: "backoffice", path: "/beheer/sleutels", name: "admin-token-refused", act: submitRefused("#create-token")},
		{role: "intermediary", path: "/plaatsingen/p1/weken/2026-W03", name: "reject-without-reason", act: submitRefused("#reject")},
		{role: "intermediary", path: "/overige/urenrapport?van=2026-W06&tot=2026-W01", name: "report-reversed", act: []chromedp.Action[chromedp.Void]{
			chromedp.WaitVisible(chromedp.ID("err-to"))}},
		{role: "client", path: "/instellingen", name: "password-refused", act: submitRefused("#password-save")},
		{role: "client-en", path: "/instellingen", name: "password-refused", act: submitRefused("#password-save")},
	}
}

// pageTextJS is the page's text in its own language: text nodes and the
// names and titles a screen reader reads, without parts marked in another
// language (the "English"/"Nederlands" switch).
const pageTextJS = `(() => {
  const lang = document.documentElement.lang, out = [];
  const walk = n => {
    for (const c of n.childNodes) {
      if (c.nodeType === 3) { out.push(c.textContent); continue; }
      if (c.nodeType !== 1 || ["SCRIPT", "STYLE", "PRE"].includes(c.tagName)) continue;
      if (c.matches("ul.outbox")) continue; // the mails, in their recipients' language
      if (c.hasAttribute("lang") && c.getAttribute("lang") !== lang) continue;
      for (const a of ["aria-label", "title", "placeholder", "alt", "data-label"]) if (c.hasAttribute(a)) out.push(c.getAttribute(a));
      if (c.tagName === "INPUT" && ["submit", "button"].includes(c.type)) out.push(c.value);
      walk(c);
    }
  };
  walk(document.documentElement);
  return out.join(" ").replace(/\s+/g, " ");
})()`

// Words that give away the other language: common words of the portal's
// texts that are not words (or names) in the other language.
var (
	dutchWords = []string{"het", "een", "van", "niet", "voor", "met", "naar", "geen", "nog", "wordt", "zijn", "bij", "uw", "ook", "deze", "dit",
		"uren", "uur", "opslaan", "terug", "bekijken", "wijzigen", "annuleren", "verwijderen", "toevoegen", "aanbieden", "goedkeuren", "afkeuren",
		"goedgekeurd", "afgekeurd", "ingediend", "werknemer", "werknemers", "opdrachtgever", "opdrachtgevers", "plaatsing", "urenbriefje", "urenbriefjes",
		"totaal", "datum", "naam", "wachtwoord", "inloggen", "uitloggen", "gegevens", "instellingen", "facturen", "documenten", "ondertekenen",
		"overige", "beheer", "salarisverwerking", "berichten", "geschiedenis", "vorige", "volgende", "maandag", "dinsdag", "woensdag", "donderdag",
		"vrijdag", "zaterdag", "zondag", "januari", "februari", "maart", "mei", "juni", "juli", "augustus", "oktober", "ma", "di", "wo", "vr", "za", "zo"}
	englishWords = []string{"the", "and", "your", "you", "with", "not", "none", "this", "please", "for", "from", "save", "back", "view", "edit", "cancel",
		"delete", "approve", "approved", "rejected", "submitted", "worker", "workers", "client", "clients", "hours", "settings", "password", "timesheet",
		"timesheets", "documents", "invoices", "history", "previous", "next", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"january", "february", "march", "april", "june", "july", "august", "october", "mon", "tue", "wed", "thu", "fri", "sat", "sun"}
)

// walkData is the fixture's data in Dutch (names, hour types, remarks):
// the same in both languages, as entered.
var walkData = regexp.MustCompile(`\S+@\S+|Jan de Vries|Normale uren|Overuren|Weekenduren|Ziekte|Arbeidsovereenkomst|` +
	`Op vrijdag klopt het aantal uren niet\.|Vrijdagmiddag naar de tandarts\.`)

// dutchTime is a time of day the Dutch way ("vóór woensdag 10.00 uur"),
// not a decimal point.
var dutchTime = regexp.MustCompile(`\d\d\.\d\d uur`)

// otherLanguage lists the words of list in text, each with a little of
// its context, and numbers written the other language's way.
func otherLanguage(text string, list []string, marks []*regexp.Regexp) []string {
	var out []string
	text = walkData.ReplaceAllString(text, " ")
	text = dutchTime.ReplaceAllString(text, " ")
	for _, w := range list {
		re := regexp.MustCompile(`(?i)(^|[^\p{L}])` + w + `($|[^\p{L}])`)
		if loc := re.FindStringIndex(text); loc != nil {
			out = append(out, fmt.Sprintf("%q in …%s…", w, around(text, loc)))
		}
	}
	for _, m := range marks {
		if loc := m.FindStringIndex(text); loc != nil {
			out = append(out, fmt.Sprintf("%q in …%s…", text[loc[0]:loc[1]], around(text, loc)))
		}
	}
	if loc := regexp.MustCompile(`\?[a-z_.]+\?`).FindStringIndex(text); loc != nil {
		out = append(out, fmt.Sprintf("missing text %q", text[loc[0]:loc[1]]))
	}
	return out
}

func around(text string, loc []int) string {
	from, to := max(0, loc[0]-40), min(len(text), loc[1]+40)
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	return text[from:to]
}

// pageLang is what a page in one language must not show: the other
// language's words, and numbers and dates written its way.
type pageLang struct {
	foreign []string
	marks   []*regexp.Regexp
}

var pageLangs = map[string]pageLang{
	// Dutch writes times of day as "10.00 uur".
	"nl": {englishWords, []*regexp.Regexp{regexp.MustCompile(`(^|[^\d.,])\d+\.\d{1,2}($|[^\d.])`)}},
	// English dates name the month ("9 Feb 2026"), not "09-02".
	"en": {dutchWords, []*regexp.Regexp{regexp.MustCompile(`(^|[^\d.,])\d+,\d{1,2}($|[^\d,])`),
		regexp.MustCompile(`(^|[^\d-])\d{1,2}-\d{1,2}(-\d{4})?($|[^\d-])`)}},
}

// pageLanguage is pageLangs[lang]; a language without one fails loudly.
func pageLanguage(lang string) pageLang {
	l, ok := pageLangs[lang]
	if !ok {
		panic("no language checks for " + lang)
	}
	return l
}

// TestBrowserLanguagesComplete renders every screen of the walk and the
// refusals in English: no Dutch words, no decimal commas, no day-month
// dates and no missing text (?key?). The same check in Dutch (no English
// words, no decimal points) rides on TestBrowserKeyboard's visit of each
// screen in its role's language, as do the English checks of the screens
// the walk already shows to an English role (client-en): each screen is
// loaded once per language.
func TestBrowserLanguagesComplete(t *testing.T) {
	h, b := newBrowserHarness(t)
	logged := "-"
	l := pageLanguage("en")
	screens := append(walkScreens(t, h), refusals(h)...)
	inEnglish := map[string]bool{} // role/path/name TestBrowserKeyboard shows in English
	for _, sc := range screens {
		if walkLang(sc.role) == "en" {
			inEnglish[strings.TrimSuffix(sc.role, "-en")+"/"+sc.path+"/"+sc.name] = true
		}
	}
	for _, sc := range screens {
		if walkLang(sc.role) == "en" || inEnglish[sc.role+"/"+sc.path+"/"+sc.name] {
			continue
		}
		t.Run("en/"+sc.role+"/"+sc.name, func(t *testing.T) {
			b := b.For(t)
			walkAs(t, b, h, sc.role, "en", &logged)
			b.Do(chromedp.Navigate(h.URL+sc.path), chromedp.WaitReady(chromedp.ID("main")))
			b.Do(sc.act...)
			for _, p := range otherLanguage(evalString(t, b, pageTextJS), l.foreign, l.marks) {
				t.Error(p)
			}
		})
	}
}
