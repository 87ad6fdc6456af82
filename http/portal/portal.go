// Package portal is the web portal for clients, workers, intermediaries and
// the back office: server-rendered html/template pages in Dutch (English
// per user), with every form working without JavaScript.
//
// Every form POSTs, then redirects to a page that waits for its own write
// (?na=<position>, read-your-writes). Every POST carries a CSRF token bound
// to the session (or, before login, to a random cookie). Pages are served
// with a strict Content-Security-Policy: no inline script or style at all.
//
// The portal uses the application directly: the same command handlers and
// read-model queries as the JSON API (Deps). app_*.go turn their answers
// into the pages' view models (views*.go); the rules (who may edit, sign,
// approve) are the domain's and the read models'.
package portal

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"backoffice/commands/auth"
	doccmd "backoffice/commands/document"
	"backoffice/commands/identity"
	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/http/httpx"
	"backoffice/notify/linkmail"
	"backoffice/notify/mail"
	"backoffice/notify/missing"
	"backoffice/notify/prefs"
	"backoffice/notify/sms"
	"backoffice/readmodel/asof"
	rmdocuments "backoffice/readmodel/documents"
	"backoffice/readmodel/documents/evidence"
	rmidentity "backoffice/readmodel/identity"
	rmtimesheets "backoffice/readmodel/timesheets"
)

// Deps are the portal's collaborators: the application's command handlers
// and read-model queries (internal/app builds them once, for the API and
// the portal alike).
type Deps struct {
	Auth       *auth.Service         // logins and sessions
	Identity   *identity.Handlers    // activation, passwords, language, registration
	LinkMails  *linkmail.Requests    // "wachtwoord vergeten"
	People     *rmidentity.Queries   // names, placements, clients, client users
	Timesheets *tscmd.Handler        // the timesheet commands
	Sheets     *rmtimesheets.Queries // the timesheet read models and the hours report
	History    *rmtimesheets.History // a timesheet's events
	// Ledger reads a placement's stream for its corrections on the
	// placement's page (optional: without it none are shown).
	Ledger asof.StreamReader
	Waiter Waiter // read-your-writes after a form
	// Documents and DocumentQueries make the documents, invoices and
	// signing of the tab "Overige"; without them the tab has the hours
	// report only.
	Documents       *doccmd.Handler
	DocumentQueries *rmdocuments.Queries
	// Evidence serves the "Bewijs van ondertekening" of a signed or
	// declined document (optional: without it the link is not shown).
	Evidence *evidence.Reader
	// Payroll makes the screen "Salarisverwerking" (back office) and a
	// corrected timesheet's rounds on its history; without it neither.
	Payroll *paycmd.Handler
	// ExportWait is how long the export form waits for a new batch's items
	// before it shows the batch's page with its progress while the rest is
	// recorded in the background (default 2s; negative: not at all).
	ExportWait time.Duration
	// Outbox is shown at /demo/berichten when Demo is set.
	Outbox *mail.FileOutbox
	// SMSOutbox, when set, is shown there too, merged by time.
	SMSOutbox *sms.FileOutbox
	Demo      bool

	// Cookies decides the Secure attribute (and __Host- names) of the
	// portal's cookies; the default decides per request (secureRequest).
	Cookies CookiePolicy

	Log   *slog.Logger     // default slog.Default()
	Clock func() time.Time // default time.Now
	// WaitTimeout bounds the read-your-writes wait of a page after a form
	// (default 3s); after it the page renders with a notice.
	WaitTimeout time.Duration

	// Prefs and MissingHours (notify/) make the screens "Instellingen"
	// and "Ontbrekende uren".
	Prefs        *prefs.Store
	MissingHours *missing.Overview

	// Deliveries, when set, make "Mislukte berichten" (back office): the
	// mails and text messages that gave up (handle_deliveries.go).
	Deliveries *Deliveries
}

// CookiePolicy decides whether the portal's cookies are Secure.
type CookiePolicy int

const (
	// CookiesPerRequest: Secure, except on plain HTTP to localhost.
	CookiesPerRequest CookiePolicy = iota
	// CookiesSecure: always Secure (a public HTTPS address, also behind a
	// proxy that forwards plain HTTP from localhost).
	CookiesSecure
	// CookiesPlain: never Secure; only for a portal served over plain HTTP
	// on localhost.
	CookiesPlain
)

// Server is the portal's handler.
type Server struct {
	Waiter      Waiter
	Demo        bool
	Cookies     CookiePolicy
	Log         *slog.Logger
	Clock       func() time.Time
	WaitTimeout time.Duration
	ExportWait  time.Duration

	// The features the pages use (app_*.go); Documents is nil without
	// Deps.Documents, Outbox nil outside demo mode.
	Identity   *identityApp
	Timesheets *timesheetApp
	Workers    *workerApp
	Reports    *reportApp
	Documents  *documentApp
	Outbox     *outboxApp
	Notify     *notifyApp
	Admin      *adminApp   // the back office's "Beheer" screens
	Payroll    *payrollApp // nil without Deps.Payroll
	Deliveries *Deliveries // nil without Deps.Deliveries

	router *mux.Router
	pages  map[string]*pageTemplate
}

// New builds the portal. It parses every template once and fails when one
// is missing or broken, or when a required dependency is nil.
func New(d Deps) (*Server, error) {
	var errs []error
	for name, missing := range map[string]bool{
		"Auth": d.Auth == nil, "Identity": d.Identity == nil, "LinkMails": d.LinkMails == nil, "People": d.People == nil, "Timesheets": d.Timesheets == nil,
		"Sheets": d.Sheets == nil, "History": d.History == nil, "Waiter": d.Waiter == nil,
		"Prefs": d.Prefs == nil, "MissingHours": d.MissingHours == nil,
		"DocumentQueries (with Documents)": d.Documents != nil && d.DocumentQueries == nil,
		"Outbox (in demo mode)":            d.Demo && d.Outbox == nil,
	} {
		if missing {
			errs = append(errs, fmt.Errorf("portal: Deps.%s is nil", name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.WaitTimeout <= 0 {
		d.WaitTimeout = 3 * time.Second
	}
	if d.ExportWait == 0 {
		d.ExportWait = 2 * time.Second
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{
		Waiter: d.Waiter, Demo: d.Demo, Cookies: d.Cookies, Log: d.Log, Clock: d.Clock, WaitTimeout: d.WaitTimeout, ExportWait: d.ExportWait,
		Identity: &identityApp{auth: d.Auth, activation: d.Identity.Activation, linkMails: d.LinkMails,
			profile: d.Identity.Profile, names: d.People, clock: d.Clock},
		Timesheets: &timesheetApp{commands: d.Timesheets, queries: d.Sheets, history: d.History, names: d.People},
		Workers:    &workerApp{registration: d.Identity.Registration, tenants: d.Identity.Tenants, accounts: d.Identity.Accounts, queries: d.People, ledger: d.Ledger},
		Reports:    &reportApp{queries: d.Sheets},
		Notify:     &notifyApp{prefs: d.Prefs, overview: d.MissingHours},
		Admin: &adminApp{registration: d.Identity.Registration, tenants: d.Identity.Tenants, accounts: d.Identity.Accounts,
			tokens: d.Identity.Tokens, queries: d.People},
		router: mux.NewRouter(), pages: pages,
	}
	if d.Documents != nil {
		s.Documents = &documentApp{commands: d.Documents, queries: d.DocumentQueries, identity: d.People, evidence: d.Evidence}
	}
	if d.Demo {
		s.Outbox = &outboxApp{files: d.Outbox, sms: d.SMSOutbox}
	}
	if d.Payroll != nil {
		s.Payroll = &payrollApp{commands: d.Payroll, names: d.People}
	}
	s.Deliveries = d.Deliveries
	s.router.Use(httpx.RecordRoute) // the access log and metrics name the route
	s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}
