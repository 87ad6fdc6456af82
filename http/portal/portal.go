// Package portal is the web portal for clients, workers, intermediaries and
// the back office: server-rendered html/template pages in Dutch (English
// per user), with every form working without JavaScript.
//
// Every form POSTs, then redirects to a page that waits for its own write
// (?na=<position>, read-your-writes). Every POST carries a CSRF token bound
// to the session (or, before login, to a random cookie). Pages are served
// with a strict Content-Security-Policy: no inline script or style at all.
//
// The portal depends on the small ports in ports.go; the composition root
// adapts the command and query packages to them.
package portal

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"
)

// Deps are the portal's collaborators.
type Deps struct {
	Identity   Identity
	Timesheets Timesheets
	Workers    Workers
	Waiter     Waiter
	// Documents and Reports make the tab "Overige" (documents, invoices,
	// signing, the hours report). The tab is left out while both are nil.
	Documents Documents
	Reports   HoursReports
	// Outbox is shown at /demo/berichten when Demo is set.
	Outbox Outbox
	Demo   bool

	// Cookies decides the Secure attribute (and __Host- names) of the
	// portal's cookies; the default decides per request (secureRequest).
	Cookies CookiePolicy

	Log   *slog.Logger     // default slog.Default()
	Clock func() time.Time // default time.Now
	// WaitTimeout bounds the read-your-writes wait of a page after a form
	// (default 3s); after it the page renders with a notice.
	WaitTimeout time.Duration
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
	Deps
	router *mux.Router
	pages  map[string]*pageTemplate
}

// New builds the portal. It parses every template once and fails when one
// is missing or broken, or when a required dependency is nil.
func New(d Deps) (*Server, error) {
	var errs []error
	if d.Identity == nil {
		errs = append(errs, errors.New("portal: Deps.Identity is nil"))
	}
	if d.Timesheets == nil {
		errs = append(errs, errors.New("portal: Deps.Timesheets is nil"))
	}
	if d.Workers == nil {
		errs = append(errs, errors.New("portal: Deps.Workers is nil"))
	}
	if d.Waiter == nil {
		errs = append(errs, errors.New("portal: Deps.Waiter is nil"))
	}
	if d.Demo && d.Outbox == nil {
		errs = append(errs, errors.New("portal: Deps.Outbox is nil in demo mode"))
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
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, router: mux.NewRouter(), pages: pages}
	s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}
