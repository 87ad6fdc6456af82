package portal

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/http/httpx"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageNames are the pages; each is templates/<name>.html defining
// "content", executed inside layout.html (with the shared pieces of
// templates/parts_*.html).
var pageNames = []string{
	"login", "activate", "forgot", "error",
	"home", "timesheets", "weeks", "sheet", "history",
	"workers", "register", "outbox",
	"invoices", "documents", "upload", "document", "sign", "report",
	"settings", "missing",
	"payroll", "payroll_batch", "payroll_client",
	"profile",
}

type pageTemplate struct{ t *template.Template }

// parseTemplates parses every page once, at start-up.
func parseTemplates() (map[string]*pageTemplate, error) {
	out := make(map[string]*pageTemplate, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).ParseFS(templateFS, "templates/layout.html", "templates/parts_*.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("portal: unable to parse template %s: %w", name, err)
		}
		if t.Lookup("content") == nil || t.Lookup("layout") == nil {
			return nil, fmt.Errorf("portal: template %s defines no content", name)
		}
		out[name] = &pageTemplate{t: t}
	}
	return out, nil
}

// view is what every template gets: the page's own data in Data, the
// request's language, user and CSRF token, and helpers as methods.
type view struct {
	Lang   string
	User   *User
	CSRF   string
	Tab    string
	Title  string
	Stale  bool
	Flash  string
	Errors map[string]string
	Form   url.Values
	// Demo: the demo outbox is shown (demo mode, back-office users only: the
	// outbox holds everyone's activation and reset links).
	Demo bool
	// Other: the tab "Overige" is shown (Documents or Reports is set);
	// HasDocuments and HasReports choose its sub-navigation, Sub marks the
	// current sub-page ("invoices", "documents", "report").
	Other, HasDocuments, HasReports bool
	// HasInvoices: the sub-page "Facturen" (documents, and not a worker:
	// invoices go to clients, a worker never has any).
	HasInvoices bool
	Sub         string
	// Payroll: the tab "Salarisverwerking" is shown (back office).
	Payroll bool
	Path    string
	Data    any

	now time.Time
}

// newView starts the view of a GET page. When the URL carries ?na=<pos>
// (after a form), it first waits, bounded, until the read models have
// passed that position; after the timeout it renders with a notice.
func (s *Server) newView(r *http.Request, tab, titleKey string) *view {
	st := state(r)
	v := &view{
		Lang: st.lang, User: st.user, CSRF: st.csrf, Tab: tab, Demo: s.Demo && st.user != nil && st.user.Actor.Is(domain.RoleBackoffice),
		Path: r.URL.RequestURI(), Errors: map[string]string{}, Form: url.Values{}, now: s.Clock(),
		HasDocuments: s.Documents != nil, HasReports: s.Reports != nil,
	}
	v.Other = st.user != nil && (v.HasDocuments || v.HasReports)
	v.HasInvoices = v.HasDocuments && st.user != nil && seesInvoices(st.user.Actor)
	v.Payroll = s.Payroll != nil && st.user != nil && st.user.Actor.Is(domain.RoleBackoffice)
	v.Title = v.T(titleKey)
	q := r.URL.Query()
	if na := q.Get("na"); na != "" && r.Method == http.MethodGet {
		if pos, err := eventstore.ParsePosition(na); err == nil {
			ctx, cancel := context.WithTimeout(r.Context(), s.WaitTimeout)
			err := s.Waiter.WaitFor(ctx, pos)
			cancel()
			if err != nil {
				v.Stale = true
				s.Log.WarnContext(r.Context(), "portal: read models behind after a write", "position", na, "err", err)
			}
		}
	}
	if ok := q.Get("ok"); ok != "" {
		if msg, found := lookup(v.Lang, "flash."+ok); found {
			v.Flash = msg
		}
	}
	return v
}

// page is a screen that only shows: load fills the view (v.Data, v.Sub)
// or returns the error the request fails with; the template name renders
// it with 200.
func (s *Server) page(tab, titleKey, name string, load func(r *http.Request, v *view) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v, ok := s.loaded(w, r, tab, titleKey, load); ok {
			s.render(w, r, http.StatusOK, name, v)
		}
	})
}

// loaded is the view of a page that load fills, for a handler that goes on
// with it (a form's post); false after the error page is out.
func (s *Server) loaded(w http.ResponseWriter, r *http.Request, tab, titleKey string, load func(r *http.Request, v *view) error) (*view, bool) {
	v := s.newView(r, tab, titleKey)
	if err := load(r, v); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return v, true
}

// render executes the page into a buffer, then writes it: a template error
// becomes a clean 500, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	p, ok := s.pages[name]
	if !ok {
		s.Log.ErrorContext(r.Context(), "portal: no such page", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.Log.ErrorContext(r.Context(), "portal: unable to render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail answers a failed request: an expired session goes to the login
// page, everything else renders the error page with the user-facing
// message (internal errors are logged, never described).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if domain.KindOf(err) == domain.KindUnauthorized && state(r).user == nil {
		http.Redirect(w, r, "/inloggen?terug="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status := httpx.Status(err)
	if status >= 500 {
		s.Log.ErrorContext(r.Context(), "portal: request failed", "method", r.Method, "route", httpx.Route(r),
			"request_id", httpx.RequestID(r.Context()), "err", err)
	}
	title := "error.title"
	if status == http.StatusServiceUnavailable {
		title = "unavailable.title" // the database restarts by itself
	}
	httpx.SetRetryAfter(w, status, err)
	v := s.newView(r, "", title)
	v.Data = httpx.Detail(err, v.Lang).Message
	s.render(w, r, status, "error", v)
}

// formError puts a user-facing error next to its field (or at the top of
// the form) and reports whether err is one to show in the form; internal
// errors are not.
func (v *view) formError(err error, fields map[string]string) bool {
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind == domain.KindInternal {
		if httpx.Status(err) == http.StatusConflict {
			v.Errors["_form"] = httpx.Detail(err, v.Lang).Message
			return true
		}
		return false
	}
	msg := de.Message
	if v.Lang == "nl" && de.MessageNL != "" {
		msg = de.MessageNL
	}
	field := "_form"
	if f, ok := fields[de.Field]; ok && de.Field != "" {
		field = f
	}
	v.Errors[field] = msg
	return true
}

// refusalAtForm is formError for a form on a page the user may not even
// see: not found, forbidden and not logged in are no form errors, so the
// caller answers them (and any other error formError leaves) with s.fail.
func (v *view) refusalAtForm(err error, fields map[string]string) bool {
	switch domain.KindOf(err) {
	case domain.KindNotFound, domain.KindForbidden, domain.KindUnauthorized:
		return false
	}
	return v.formError(err, fields)
}

// showFormError renders the page again with the command's error at its
// field; errors that are no user's (internal) fail the request.
func (s *Server) showFormError(w http.ResponseWriter, r *http.Request, v *view, page string, err error, fields map[string]string) {
	if status, ok := s.formStatus(w, r, v, err, fields, 0); ok {
		s.render(w, r, status, page, v)
	}
}

// formStatus is the status to render a form again with: err's, with err
// put at its field, or status when err is nil. False when the form cannot
// show err (formError) and the request was failed.
func (s *Server) formStatus(w http.ResponseWriter, r *http.Request, v *view, err error, fields map[string]string, status int) (int, bool) {
	if err == nil {
		return status, true
	}
	if !v.formError(err, fields) {
		s.fail(w, r, err)
		return 0, false
	}
	return httpx.Status(err), true
}

// redirectAfter sends the browser to path after a successful command,
// carrying the command's position so the next page waits for it, and an
// optional flash message key.
func redirectAfter(w http.ResponseWriter, r *http.Request, path string, pos eventstore.Position, flash string) {
	q := url.Values{}
	if !pos.IsStart() {
		q.Set("na", pos.String())
	}
	if flash != "" {
		q.Set("ok", flash)
	}
	target, frag, _ := strings.Cut(path, "#")
	if len(q) > 0 {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + q.Encode()
	}
	if frag != "" {
		target += "#" + frag
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// --- template helpers ---

// T translates key; args fill %s/%d verbs in the message.
func (v *view) T(key string, args ...any) string { return translate(v.Lang, key, args...) }

// Err is the error message of a form field ("" when none).
func (v *view) Err(field string) string { return v.Errors[field] }

// Val is the submitted value of a form field, for re-rendering a form.
func (v *view) Val(field string) string { return v.Form.Get(field) }

// Key is a fresh idempotency key for a form: a double submit of the same
// rendered form stores nothing twice.
func (v *view) Key() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// UserLabel names the logged-in user in the header.
func (v *view) UserLabel() string {
	if v.User == nil {
		return ""
	}
	name := v.User.Name
	if name == "" {
		name = v.User.Email
	}
	return name + " (" + v.Role(v.User.Actor.Role) + ")"
}

// H formats minutes as hours for display and input: decimal ("7,5") where
// exact, else "7:20". English uses a decimal point.
func (v *view) H(m timesheet.Minutes) string { return formatHours(v.Lang, m) }

func formatHours(lang string, m timesheet.Minutes) string {
	if m == 0 {
		return "0"
	}
	s := m.String()
	if m%3 == 0 {
		s = m.Decimal()
		if lang == "en" {
			s = strings.Replace(s, ",", ".", 1)
		}
	}
	return s
}

// Date formats a calendar date.
func (v *view) Date(d timesheet.Date) string {
	if d.IsZero() {
		return ""
	}
	if v.Lang == "en" {
		return fmt.Sprintf("%d %s %d", d.Day, v.T(fmt.Sprintf("month.%d", int(d.Month))), d.Year)
	}
	return fmt.Sprintf("%02d-%02d-%d", d.Day, int(d.Month), d.Year)
}

// DayMonth formats a date within a week's columns: "26-01" in Dutch,
// "26 Jan" in English (where 26-01 reads as a Dutch or a US date).
func (v *view) DayMonth(d timesheet.Date) string {
	if v.Lang == "en" {
		return fmt.Sprintf("%d %s", d.Day, v.T(fmt.Sprintf("month.%d", int(d.Month))))
	}
	return fmt.Sprintf("%02d-%02d", d.Day, int(d.Month))
}

// DateTime formats an instant in Europe/Amsterdam with the weekday.
func (v *view) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(timesheet.Location())
	wd := v.T(fmt.Sprintf("day.long.%d", (int(t.Weekday())+6)%7))
	return fmt.Sprintf("%s %s %02d:%02d", wd, v.Date(timesheet.DateOf(t)), t.Hour(), t.Minute())
}

// WeekLabel is "week 5 (2026)".
func (v *view) WeekLabel(w timesheet.ISOWeek) string { return v.T("week.label", w.Week, w.Year) }

// Role names a role for people.
func (v *view) Role(r domain.Role) string {
	if msg, ok := lookup(v.Lang, "role."+string(r)); ok {
		return msg
	}
	return string(r)
}

// EventLabel names a timesheet event type for the history.
func (v *view) EventLabel(typ string) string {
	if msg, ok := lookup(v.Lang, "event."+strings.TrimPrefix(typ, "timesheet.")); ok {
		return msg
	}
	return typ
}

// statusView is a status as shown: colour class, icon and text, so status
// is never told by colour alone.
type statusView struct {
	Code  string
	Icon  string
	Label string
}

var statusIcons = map[timesheet.Status]string{
	timesheet.StatusNone:     "·",
	timesheet.StatusOpen:     "✎",
	timesheet.StatusOffered:  "➤",
	timesheet.StatusRejected: "✗",
	timesheet.StatusApproved: "✓",
	timesheet.StatusImported: "⇪",
}

// StatusView is the status with its icon and translated label.
func (v *view) StatusView(s timesheet.Status) statusView {
	if s == "" {
		s = timesheet.StatusNone
	}
	return statusView{Code: string(s), Icon: statusIcons[s], Label: v.T("status." + string(s))}
}

// StatusIcon is the icon of a status code.
func (v *view) StatusIcon(s string) string { return statusIcons[timesheet.Status(s)] }

// Late reports whether an approval deadline passed while not approved.
func (v *view) Late(deadline time.Time, s timesheet.Status) bool {
	return s.NotApproved() && !deadline.IsZero() && !v.now.Before(deadline)
}

// SheetURL is the editor of a timesheet.
func (v *view) SheetURL(ref Ref) string { return sheetURL(ref) }

// ApproveValue is the checkbox value of a row in the bulk approval.
func (v *view) ApproveValue(r Row) string {
	return fmt.Sprintf("%s|%s|%d|%s", r.Ref.PlacementID, r.Ref.Week, r.Step, r.Hash)
}

// inputView is one labelled input of a form.
type inputView struct {
	Name, Label, Type, Autocomplete, Value, Err string
	Required                                    bool
}

// Input describes a form input: its name, label key, type, autocomplete
// token and whether it is required, with the submitted value and error.
func (v *view) Input(name, labelKey, typ, autocomplete string, required bool) inputView {
	return inputView{Name: name, Label: v.T(labelKey), Type: typ, Autocomplete: autocomplete,
		Value: v.Val(name), Err: v.Err(name), Required: required}
}

// choiceView is a select whose options are fixed codes (period kinds,
// file formats, payroll packages), each labelled by its translation.
type choiceView struct {
	Name, Label, Err string
	Options          []choiceOption
}

type choiceOption struct {
	Value, Label string
	Selected     bool
}

// Choice describes a select of codes: its name, label key and the codes,
// each labelled by the text of optionPrefix+code, the submitted one
// selected, with the field's error.
func (v *view) Choice(name, labelKey, optionPrefix string, codes []string) choiceView {
	c := choiceView{Name: name, Label: v.T(labelKey), Err: v.Err(name)}
	for _, code := range codes {
		c.Options = append(c.Options, choiceOption{Value: code, Label: v.T(optionPrefix + code), Selected: v.Val(name) == code})
	}
	return c
}

func weeksURL(placementID string, year int) string {
	return fmt.Sprintf("/plaatsingen/%s/weken?jaar=%d", url.PathEscape(placementID), year)
}

func sheetURL(ref Ref) string {
	return "/plaatsingen/" + url.PathEscape(ref.PlacementID) + "/weken/" + ref.Week.String()
}

// MaxDocumentSize is the upload bound, for the file input's data-max.
func (v *view) MaxDocumentSize() int { return MaxDocumentSize }
