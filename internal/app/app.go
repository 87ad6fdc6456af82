// Package app is the composition root: it wires the event store, the read
// models and their projectors, the JSON API and the operational endpoints
// into one http.Handler and one Run loop. `backoffice serve` and the
// end-to-end tests build the application the same way, through New.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"backoffice/commands"
	"backoffice/commands/auth"
	doccmd "backoffice/commands/document"
	"backoffice/commands/identity"
	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/eventstore"
	"backoffice/http/api"
	"backoffice/http/httpx"
	"backoffice/http/portal"
	"backoffice/internal/schema"
	"backoffice/notify/linkmail"
	"backoffice/notify/mail"
	"backoffice/notify/queue"
	"backoffice/notify/schedule"
	"backoffice/notify/sms"
	"backoffice/projections"
)

// Options are the application's external collaborators.
type Options struct {
	Pool  *pgxpool.Pool
	Store eventstore.Store
	Log   *slog.Logger
	// Clock defaults to time.Now; tests inject a fixed one.
	Clock func() time.Time
	// Registry receives the metrics; a fresh registry when nil.
	Registry *prometheus.Registry
	// StoreCheck, when set, is a readiness check of the event store (e.g.
	// EventStoreDB reachable).
	StoreCheck func(context.Context) error
	// EventsInPool says Store keeps its events in Pool's database (the
	// PostgreSQL event store): then an append's durable commit also makes
	// the idempotency claim before it durable, and the claim need not wait
	// for an fsync of its own (api.Deps.LazyClaims).
	EventsInPool bool
	// WaitTimeout bounds read-your-writes waits (default 5s).
	WaitTimeout time.Duration
	// Projections overrides projector runtime settings in tests.
	Projections projections.Config

	// MasterKey wraps the per-person keys of personal data (32 bytes).
	MasterKey []byte
	// PublicURL is the portal's base URL for links in mails.
	PublicURL string
	// Reminders is the weekly reminder schedule (nil: schedule.DefaultPlan).
	Reminders schedule.Plan
	// MailSender delivers mail: an SMTP sender, or a file outbox in the
	// embedded default.
	MailSender mail.Sender
	// Auth overrides the commands/auth settings (tests: cheap argon2).
	Auth auth.Config
	// Demo shows the mail outbox in the portal (with Outbox).
	Demo bool
	// Outbox lists sent mail for the demo page (nil: no page).
	Outbox *mail.FileOutbox
	// SMSSender sends the TAN of a signature request by SMS (a gateway, or
	// a file outbox in the embedded default); nil: the TAN goes in the mail.
	SMSSender sms.Sender
	// SMSOutbox lists sent SMS for the demo page, next to Outbox.
	SMSOutbox *sms.FileOutbox
	// PrivateOps keeps /readyz and /metrics out of Handler: they are
	// served by Ops alone, on a listener of their own.
	PrivateOps bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (login throttling and per-source limits count per client).
	TrustedProxies []netip.Prefix
}

// App is the assembled application.
type App struct {
	Handler http.Handler
	// Ops serves /healthz, /readyz (projector lag, errors) and /metrics;
	// Handler serves them too unless Options.PrivateOps.
	Ops         http.Handler
	Projections *projections.Runtime
	// Identity runs the identity commands (bootstrap, demo seed).
	Identity *identity.Handlers
	// LinkMails mails activation and reset links on request; serve waits
	// for the requests still running before it stops.
	LinkMails *linkmail.Requests
	// Documents runs the document commands (demo seed).
	Documents *doccmd.Handler
	// Timesheets runs the timesheet commands (test fixtures).
	Timesheets *tscmd.Handler
	// Payroll runs the payroll commands (demo seed).
	Payroll *paycmd.Handler
	// Backlogs count the delivery queues (mail, and sms when an SMS
	// gateway is set) for the operator's metrics.
	Backlogs map[string]func(context.Context) (queue.Backlog, error)
	// PortalDeps are what the portal was built from: a test builds a
	// variant of the portal on the same application from them.
	PortalDeps portal.Deps
	// API and Portal are the two front ends Handler serves (their route
	// lists: the parity test, docs/admin.md "Portal and API parity").
	API        *api.Server
	Portal     *portal.Server
	opts       Options
	background []func(context.Context) error
}

// Migrate brings every schema this application owns up to date.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error { return schema.MigrateTables(ctx, pool) }

// New assembles the application. The schema must be migrated.
func New(ctx context.Context, o Options) (*App, error) {
	if o.Pool == nil || o.Store == nil || o.Log == nil {
		return nil, errors.New("app: Pool, Store and Log are required")
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
		o.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	a := &App{opts: o}

	f, err := newFeatures(ctx, o)
	if err != nil {
		return nil, err
	}
	pc := o.Projections
	pc.Store, pc.Pool, pc.Logger, pc.Registerer = o.Store, o.Pool, o.Log.With("component", "projections"), o.Registry
	pc.Projectors = append(pc.Projectors, f.projectors...)
	rt, err := projections.New(pc)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	a.Projections = rt
	if f.reminders != nil {
		// Each run waits for the read models it sends from (a rebuild).
		f.reminders.ReadFrom(rt)
	}
	a.Identity = f.identity
	a.LinkMails = f.linkMails
	a.Backlogs = f.backlogs
	a.Documents = f.docCommands
	a.Timesheets = f.tsCommands
	a.Payroll = f.payCommands
	a.background = append(a.background, rt.Run)
	a.background = append(a.background, f.background...)

	apiServer, err := api.New(api.Deps{
		Log: o.Log.With("component", "api"), Pool: o.Pool, Auth: f.auth, Wait: rt,
		Clock: o.Clock, WaitTimeout: o.WaitTimeout, Features: f.api, LazyClaims: o.EventsInPool, Liveness: f.live,
	})
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}

	a.PortalDeps = portalDeps(o, f, rt)
	site, err := portal.New(a.PortalDeps)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}

	metrics := httpx.NewMetrics(o.Registry)
	o.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "backoffice_ledger_integrity_failures_total",
		Help: "Commands refused because a loaded stream failed its hash chain check.",
	}, commands.IntegrityFailures))
	o.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "backoffice_event_decode_cache_hits_total",
		Help: "Events a command load took decoded from the decoded-event cache (after verifying their hash).",
	}, commands.DecodeCacheHits), prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "backoffice_event_decode_cache_misses_total",
		Help: "Events a command load decoded from their JSON (not in the decoded-event cache).",
	}, commands.DecodeCacheMisses))
	root := mux.NewRouter()
	root.Use(httpx.RequestIDs, httpx.ClientAddrs(o.TrustedProxies), httpx.AccessLog(o.Log.With("component", "http"), metrics),
		httpx.StrictTransport(o.PublicURL), httpx.RejectBadText)
	ops := mux.NewRouter()
	ops.Handle("/healthz", http.HandlerFunc(handleHealthz)).Methods(http.MethodGet)
	ops.Handle("/readyz", a.handleReadyz(true)).Methods(http.MethodGet)
	ops.Handle("/metrics", promhttp.HandlerFor(o.Registry, promhttp.HandlerOpts{})).Methods(http.MethodGet)
	a.Ops = ops
	root.Handle("/healthz", ops).Methods(http.MethodGet) // says nothing but "ok"
	if !o.PrivateOps {
		root.Handle("/readyz", a.handleReadyz(false)).Methods(http.MethodGet) // without error details
		root.Handle("/metrics", ops).Methods(http.MethodGet)
	}
	a.API, a.Portal = apiServer, site
	root.PathPrefix("/api/").Handler(apiServer)
	root.PathPrefix("/").Handler(site)
	a.Handler = root
	return a, nil
}

// Run runs the projectors and other background work until ctx ends.
func (a *App) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, fn := range a.background {
		g.Go(func() error { return fn(ctx) })
	}
	return g.Wait()
}
