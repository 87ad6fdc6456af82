package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"backoffice/eventstore"
	"backoffice/projections/eventsub"
)

// Config configures a Runtime. Store, Pool and Projectors are required.
type Config struct {
	Store      eventstore.Store
	Pool       *pgxpool.Pool
	Projectors []Projector
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Registerer receives the metrics; nil registers nothing.
	Registerer prometheus.Registerer

	// BatchSize caps the events of one transaction of live projection
	// through the router (default 1000).
	BatchSize int
	// CatchUpBatchSize is the events per transaction while a projector
	// catches up or rebuilds by reading the log in pages (default 10000:
	// fewer, larger transactions make catching up several times faster;
	// a page of events is held in memory).
	CatchUpBatchSize int
	// LockRetry is how often a standby instance tries to take a projector
	// over (default 2s).
	LockRetry time.Duration
	// LockCheck is how often a running projector checks its lock connection
	// is alive (default 5s).
	LockCheck time.Duration
	// RetryMin and RetryMax bound the exponential back-off after a failure
	// (defaults 1s and 1m).
	RetryMin, RetryMax time.Duration
	// WaitTimeout bounds WaitFor when ctx has no earlier deadline (default 5s).
	WaitTimeout time.Duration
	// RouterCatchUp makes the backlog go through the Watermill router
	// message by message too. By default a projector first catches up with
	// ReadAll pages (one transaction per page) and then attaches its router
	// handler for what follows.
	RouterCatchUp bool
	// LagCap caps the events counted for lag (default 10000).
	LagCap int
	// LagInterval is how often the lag metric is refreshed while Run
	// runs (default 15s).
	LagInterval time.Duration
	// LazyCheckpoint and LazyCheckpointEvents bound how long a projector
	// whose live batches hold no event it handles leaves its stored
	// checkpoint behind (defaults 1s and 10000 events). Nothing is lost
	// meanwhile: after a crash it reads those events again and skips them.
	// In this process WaitFor sees the projector at the last event read;
	// another process's WaitFor sees the stored checkpoint, so it may wait
	// up to LazyCheckpoint for an event the projector does not handle.
	LazyCheckpoint       time.Duration
	LazyCheckpointEvents int
	// StuckAfter: a projector failing on the same event for this long is
	// stuck; WaitFor no longer waits for it past that event and answers at
	// once with a *WaitTimeoutError naming it, so that a page after a
	// command does not wait WaitTimeout for a read model that cannot move
	// (default 10s).
	StuckAfter time.Duration
	// DeferIndexesFrom is the size of log, by its head position, from
	// which a rebuild drops an IndexDeferrer's secondary indexes and builds
	// them once at the end (default 50,000; 1 always). Below it the
	// indexes stay and are kept up to date row by row: for a small log
	// dropping and building them costs more than it saves (BENCHMARKS.md
	// §5, rebuild6). PostgreSQL's positions count events; EventStoreDB's
	// count bytes, so there a log of fewer events already defers.
	DeferIndexesFrom uint64
	// OneTransactionBelow is the size of log, by its head position, below
	// which a rebuild runs in one transaction (reset, every page, the
	// final ANALYZE; default 50,000; 1 never): a crash or cancel leaves
	// the old read model, readers of its tables wait for the rebuild
	// instead of seeing it half-built, one commit waits for the WAL flush
	// instead of two, and a projector may COPY its rows in FREEZE
	// (ResetInThisTransaction). A projector whose indexes a rebuild defers
	// (DeferIndexesFrom) is rebuilt in pages.
	OneTransactionBelow uint64
}

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("projections: Config.Store is nil"))
	}
	if c.Pool == nil {
		errs = append(errs, errors.New("projections: Config.Pool is nil"))
	}
	seen := map[string]bool{}
	for i, p := range c.Projectors {
		switch {
		case p == nil:
			errs = append(errs, fmt.Errorf("projections: Config.Projectors[%d] is nil", i))
		case p.Name() == "":
			errs = append(errs, fmt.Errorf("projections: Config.Projectors[%d] has no name", i))
		case seen[p.Name()]:
			errs = append(errs, fmt.Errorf("projections: projector name %q used twice", p.Name()))
		default:
			seen[p.Name()] = true
		}
	}
	if c.BatchSize < 0 || c.CatchUpBatchSize < 0 || c.LagCap < 0 {
		errs = append(errs, errors.New("projections: negative BatchSize, CatchUpBatchSize or LagCap"))
	}
	if c.RetryMax > 0 && c.RetryMin > c.RetryMax {
		errs = append(errs, errors.New("projections: RetryMin > RetryMax"))
	}
	if err := validateDeps(c.Projectors); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.BatchSize == 0 {
		c.BatchSize = 1000
	}
	if c.CatchUpBatchSize == 0 {
		c.CatchUpBatchSize = 10000
	}
	if c.LagCap == 0 {
		c.LagCap = 10000
	}
	if c.LazyCheckpointEvents <= 0 {
		c.LazyCheckpointEvents = 10000
	}
	def(&c.LazyCheckpoint, time.Second)
	def(&c.StuckAfter, 10*time.Second)
	if c.DeferIndexesFrom == 0 {
		c.DeferIndexesFrom = 50_000
	}
	if c.OneTransactionBelow == 0 {
		c.OneTransactionBelow = 50_000
	}
	def(&c.LockRetry, 2*time.Second)
	def(&c.LockCheck, 5*time.Second)
	def(&c.RetryMin, time.Second)
	def(&c.RetryMax, time.Minute)
	def(&c.WaitTimeout, 5*time.Second)
	def(&c.LagInterval, 15*time.Second)
}

// State of a projector in this process.
type State string

const (
	// StateStopped: Run is not running in this process.
	StateStopped State = "stopped"
	// StateStandby: another process holds the projector's lock (or none
	// could be taken yet); this one takes over when it is released.
	StateStandby State = "standby"
	// StateCatchingUp: running here, working through a backlog.
	StateCatchingUp State = "catching_up"
	// StateRunning: running here, live.
	StateRunning State = "running"
	// StateRebuilding: running here, replaying from the start.
	StateRebuilding State = "rebuilding"
	// StateFailed: stopped on an error, retrying with back-off. The read
	// model is intact up to its checkpoint; nothing was skipped.
	StateFailed State = "failed"
)

var (
	// ErrUnknownProjector: no projector of that name in this Runtime.
	ErrUnknownProjector = errors.New("projections: unknown projector")
	// ErrLockedElsewhere: another process runs the projector; rebuild it
	// there (or stop it first).
	ErrLockedElsewhere = errors.New("projections: projector is running in another process")
)

// Runtime runs projectors: one Watermill router handler per projector,
// reading $all from the projector's checkpoint, in the process that holds
// the projector's advisory lock. See the package documentation.
type Runtime struct {
	cfg     Config
	log     *slog.Logger
	m       *metrics
	workers map[string]*worker
	order   []*worker

	mu      sync.Mutex
	running bool
	notify  chan struct{} // closed and replaced when any local checkpoint moves
}

// New validates cfg and returns a Runtime. Call Migrate before Run.
func New(cfg Config) (*Runtime, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, fmt.Errorf("projections: metrics: %w", err)
	}
	r := &Runtime{cfg: cfg, log: cfg.Logger, m: m, workers: map[string]*worker{}, notify: make(chan struct{})}
	for _, p := range cfg.Projectors {
		w := &worker{rt: r, p: p, name: p.Name(), state: StateStopped, rebuild: make(chan rebuildReq),
			log: cfg.Logger.With("projector", p.Name())}
		w.batch, _ = p.(BatchProjector)
		w.prep, _ = p.(PreparingProjector)
		if d, ok := p.(DependentProjector); ok {
			w.deps = slices.Clone(d.DependsOn())
		}
		if a, ok := p.(AsyncCommitProjector); ok && a.AsyncCommit() {
			w.liveTx = asyncCommitTx
		}
		r.workers[w.name] = w
		r.order = append(r.order, w)
	}
	return r, nil
}

// Run runs every projector until ctx ends (it then returns nil). Failures of
// a projector do not end Run: that projector is retried with back-off and
// reported by Status and Ready.
func (r *Runtime) Run(ctx context.Context) error {
	r.mu.Lock()
	if r.running {
		r.mu.Unlock()
		return errors.New("projections: Run called twice")
	}
	r.running = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.running = false
		r.mu.Unlock()
	}()

	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 30 * time.Second},
		watermill.NewSlogLoggerWithLevelMapping(r.log.With("component", "watermill"),
			map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug}))
	if err != nil {
		return err
	}
	// The router closes itself once all its handlers stopped: keep one
	// handler that never stops.
	router.AddConsumerHandler("projections.keepalive", "keepalive", idleSubscriber{}, func(*message.Message) error { return nil })
	// One reader of $all for every projector of this process.
	from, err := r.hubStart(ctx)
	if err != nil {
		return nil // ctx ended
	}
	hb := newHub(from)
	sub, err := eventsub.NewSubscriber(r.cfg.Store, eventsub.SubscriberConfig{
		From:   func(context.Context, string) (eventstore.Position, error) { return from, nil },
		Logger: router.Logger(),
	})
	if err != nil {
		return err
	}
	hubHandler := router.AddConsumerHandler("projections.all", eventstore.AllStream, sub, hb.handle)
	routerCtx, stopRouter := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRouter()
	routerDone := make(chan error, 1)
	go func() { routerDone <- router.Run(routerCtx) }()
	select {
	case <-router.Running():
	case err := <-routerDone:
		return fmt.Errorf("projections: router: %w", err)
	}

	var wg sync.WaitGroup
	for _, w := range r.order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.supervise(ctx, hb, hubHandler.Stopped())
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(r.cfg.LagInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := r.Status(ctx); err != nil && ctx.Err() == nil {
					r.log.Warn("projections: cannot refresh lag", "err", err)
				}
			}
		}
	}()
	wg.Wait()
	closeErr := router.Close()
	stopRouter()
	<-routerDone
	if closeErr != nil {
		return fmt.Errorf("projections: router: %w", closeErr)
	}
	return nil
}

// idleSubscriber never delivers anything; its channel closes with ctx.
type idleSubscriber struct{}

func (idleSubscriber) Subscribe(ctx context.Context, _ string) (<-chan *message.Message, error) {
	ch := make(chan *message.Message)
	context.AfterFunc(ctx, func() { close(ch) })
	return ch, nil
}
func (idleSubscriber) Close() error { return nil }

// committed records a new local checkpoint and wakes WaitFor.
func (r *Runtime) committed() {
	r.mu.Lock()
	close(r.notify)
	r.notify = make(chan struct{})
	r.mu.Unlock()
}

func (r *Runtime) wakeChan() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.notify
}

func (r *Runtime) isRunning() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running
}

type rebuildReq struct {
	ctx      context.Context
	progress func(done, total int)
	done     chan error
}

// Rebuild empties the projector's read model (Reset) and replays the whole
// log into it, inside the projector's lock, calling progress (if not nil)
// after each batch. While Run runs, the request goes to the projector's
// supervisor, which pauses the live handler, rebuilds and resumes it.
// Without Run, Rebuild takes the lock itself. Either way it fails with
// ErrLockedElsewhere when another process runs the projector.
func (r *Runtime) Rebuild(ctx context.Context, name string, progress func(done, total int)) error {
	w, ok := r.workers[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownProjector, name)
	}
	if r.isRunning() {
		req := rebuildReq{ctx: ctx, progress: progress, done: make(chan error, 1)}
		select {
		case w.rebuild <- req:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case err := <-req.done:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	conn, ok, err := w.lock(ctx, nil)
	if err != nil {
		return err
	}
	defer closeConn(conn)
	if !ok {
		return fmt.Errorf("%w: %s", ErrLockedElsewhere, name)
	}
	return w.rebuildOn(ctx, conn, progress)
}

// closeConn ends a lock session. Its advisory locks are released
// explicitly first: the server drops the locks of a closed session only as
// its backend exits, after Close has returned, so a rebuild or another
// runtime trying the lock right after a stop could still find it taken.
// (A crashed process's locks go with its backend, as before.)
func closeConn(c *pgx.Conn) {
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = c.Exec(ctx, "SELECT pg_advisory_unlock_all()")
	_ = c.Close(ctx)
}

// worker supervises one projector.
type worker struct {
	rt      *Runtime
	p       Projector
	batch   BatchProjector
	prep    PreparingProjector
	name    string
	log     *slog.Logger
	rebuild chan rebuildReq
	liveTx  pgx.TxOptions // how live batches begin: asyncCommitTx for an AsyncCommitProjector
	deps    []string      // DependentProjector: projectors whose checkpoints a batch waits for

	mu           sync.Mutex
	state        State
	local        bool // holds the lock
	checkpoint   eventstore.Position
	lastErr      error
	failure      *EventFailure // the event it stopped on, when known
	failingAt    eventstore.Position
	failingSince time.Time // first failure on the event at failingAt
	failures     int
	since        time.Time
	waitingFor   []string // dependencies it has been waiting for (StateWaiting)
}

func (w *worker) set(fn func(w *worker)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fn(w)
}

func (w *worker) setState(s State) {
	w.set(func(w *worker) {
		if w.state != s {
			w.state, w.since = s, time.Now()
		}
	})
}

// lock returns a dedicated session (taken out of the pool) and whether it
// holds the projector's advisory lock. conn is reused when not nil.
func (w *worker) lock(ctx context.Context, conn *pgx.Conn) (*pgx.Conn, bool, error) {
	if conn == nil {
		pc, err := w.rt.cfg.Pool.Acquire(ctx)
		if err != nil {
			return nil, false, fmt.Errorf("projections: %s: unable to get a lock connection: %w", w.name, err)
		}
		conn = pc.Hijack()
		// Name the session, so `projections status` elsewhere can say
		// which process holds the lock.
		if _, err := conn.Exec(ctx, "SELECT set_config('application_name', $1, false)", sessionName); err != nil {
			closeConn(conn)
			return nil, false, fmt.Errorf("projections: %s: unable to name the lock session: %w", w.name, err)
		}
	}
	var ok bool
	if err := conn.QueryRow(ctx, tryLockSQL, w.name).Scan(&ok); err != nil {
		closeConn(conn)
		return nil, false, fmt.Errorf("projections: %s: unable to try the advisory lock: %w", w.name, err)
	}
	return conn, ok, nil
}

// supervise is the projector's life in this process: standby until it gets
// the lock, then run; on failure back off and retry; on lock loss go back to
// standby.
func (w *worker) supervise(ctx context.Context, hb *hub, hubStopped <-chan struct{}) {
	var conn *pgx.Conn
	held := false
	defer func() {
		closeConn(conn)
		w.set(func(w *worker) { w.state, w.local = StateStopped, false })
		w.rt.m.holder.WithLabelValues(w.name).Set(0)
	}()
	w.setState(StateStandby)
	for ctx.Err() == nil {
		if !held {
			var err error
			conn, held, err = w.lock(ctx, conn)
			if err != nil {
				conn = nil
				if ctx.Err() != nil {
					return
				}
				w.log.Warn("projections: cannot try the projector lock", "err", err)
			}
			if !held {
				w.set(func(w *worker) { w.local = false })
				w.setState(StateStandby)
				select {
				case <-ctx.Done():
					return
				case <-time.After(w.rt.cfg.LockRetry):
				case req := <-w.rebuild:
					// Try once now; if another process runs it, say so.
					if conn, held, err = w.lock(ctx, conn); err != nil {
						conn = nil
						req.done <- err
					} else if !held {
						req.done <- fmt.Errorf("%w: %s", ErrLockedElsewhere, w.name)
					} else {
						w.set(func(w *worker) { w.local = true })
						req.done <- w.rebuildOn(req.ctx, conn, req.progress)
					}
				}
				continue
			}
			w.log.Info("projections: lock acquired, running projector here")
			// What this process knew of the checkpoint may be stale (a
			// rebuild elsewhere resets it): WaitFor follows the commits
			// from here on.
			w.set(func(w *worker) { w.local, w.checkpoint = true, eventstore.Start })
			w.rt.m.holder.WithLabelValues(w.name).Set(1)
		}
		err := w.runHolding(ctx, conn, hb, hubStopped)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			continue
		}
		var failures int
		w.set(func(w *worker) {
			w.failures++
			failures = w.failures
			w.lastErr = err
		})
		w.setState(StateFailed)
		w.rt.m.failures.WithLabelValues(w.name).Inc()
		delay := backoff(w.rt.cfg.RetryMin, w.rt.cfg.RetryMax, failures)
		attrs := []any{"err", err, "failures", failures, "retry_in", delay}
		if ee := (*EventError)(nil); errors.As(err, &ee) {
			// The operator's first question: which event, and why.
			attrs = append(attrs, "event_position", ee.Position.String(), "event_id", ee.EventID,
				"event_type", ee.Type, "stream", ee.Stream, "revision", ee.Revision)
		}
		w.log.Error("projections: projector stopped; it will retry from its checkpoint (other projectors and commands go on)", attrs...)
		// Drop the session if it is broken: the lock went with it.
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if perr := conn.Ping(pctx); perr != nil {
			closeConn(conn)
			conn, held = nil, false
			w.set(func(w *worker) { w.local = false })
			w.rt.m.holder.WithLabelValues(w.name).Set(0)
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		case req := <-w.rebuild:
			if !held {
				req.done <- fmt.Errorf("projections: %s: lost its lock, retry the rebuild", w.name)
				continue
			}
			req.done <- w.rebuildOn(req.ctx, conn, req.progress)
		}
	}
}

func backoff(lo, hi time.Duration, failures int) time.Duration {
	d := lo
	for i := 1; i < failures && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// runHolding runs the projector while this process holds its lock on
// conn: it catches up with ReadAll pages, then joins the hub for the live
// log. It returns nil when ctx ends, an error otherwise.
func (w *worker) runHolding(ctx context.Context, conn *pgx.Conn, hb *hub, hubStopped <-chan struct{}) error {
	if err := ensureCheckpoint(ctx, conn, w.name); err != nil {
		return err
	}
	for {
		// A rebuild that stopped half-way (here or elsewhere, failed or
		// cancelled) left its indexes dropped.
		if restored, err := restoreIndexes(ctx, conn, w.rt.cfg.Pool, w.name); err != nil {
			return err
		} else if restored {
			w.log.Info("projections: built the indexes an unfinished rebuild had dropped")
		}
		cp, err := readCheckpoint(ctx, conn, w.name)
		if err != nil {
			return err
		}
		if !w.rt.cfg.RouterCatchUp {
			if cp, err = w.catchUp(ctx, conn, cp, nil); err != nil {
				return err
			}
		}
		head, err := w.rt.cfg.Store.HeadPosition(ctx)
		if err != nil {
			return fmt.Errorf("projections: head position: %w", err)
		}
		w.set(func(w *worker) {
			w.checkpoint = cp
			s := StateRunning
			if cp.Before(head) {
				s = StateCatchingUp
			}
			if w.failures > 0 {
				if cp.Before(head) {
					// Stays failed until a batch commits again: the
					// failure may be an event ahead of the checkpoint.
					s = StateFailed
				} else {
					// Nothing lies ahead: what failed (the database
					// going away, say) is over. Without this the state
					// stayed as the lock retries left it (standby)
					// until the next event, though this process runs it.
					w.failures, w.lastErr, w.failure = 0, nil, nil
				}
			}
			if w.state != s {
				w.state, w.since = s, time.Now()
			}
		})
		// The loaded checkpoint may already be past what a WaitFor waits
		// for, and no commit may follow to wake it: wake it now.
		w.rt.committed()
		sk, at := hb.join()
		if cp.Before(at) {
			// The hub has moved on since the last page: read the gap.
			if cp, err = w.catchUp(ctx, conn, cp, &at); err != nil {
				hb.leave(sk)
				return err
			}
		}
		run := &run{w: w, conn: conn, ctx: ctx, sink: sk, checkpoint: cp, last: cp, committedAt: time.Now(),
			failed: make(chan error, 1)}
		runDone := make(chan struct{})
		go func() {
			defer close(runDone)
			run.loop()
		}()
		stop := func() {
			hb.leave(sk)
			<-runDone
		}
		check := time.NewTicker(w.rt.cfg.LockCheck)
		restart := false
		for !restart {
			select {
			case <-ctx.Done():
				check.Stop()
				stop()
				return nil
			case err := <-run.failed:
				check.Stop()
				stop()
				return err
			case <-hubStopped:
				check.Stop()
				stop()
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("projections: %s: subscription ended", w.name)
			case <-sk.lagged:
				// Too far behind the feed: drop what is buffered (the log
				// has it) and catch up from the checkpoint.
				check.Stop()
				stop()
				w.log.Info("projections: fell behind the shared feed; catching up from the log")
				restart = true
			case <-check.C:
				if !run.mu.TryLock() {
					// A batch is committing, or waiting for the
					// projectors it depends on (which may take a
					// rebuild's time): a lost session fails its commit.
					continue
				}
				pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				perr := conn.Ping(pctx)
				cancel()
				run.mu.Unlock()
				if perr != nil {
					check.Stop()
					stop()
					return fmt.Errorf("projections: %s: lock connection lost: %w", w.name, perr)
				}
			case req := <-w.rebuild:
				check.Stop()
				stop()
				err := w.rebuildOn(req.ctx, conn, req.progress)
				req.done <- err
				if err != nil && !errors.Is(err, context.Canceled) {
					return err
				}
				restart = true
			}
		}
	}
}

// run is one live stretch of a projector fed by the hub.
type run struct {
	w    *worker
	conn *pgx.Conn
	ctx  context.Context
	sink *sink

	mu          sync.Mutex
	checkpoint  eventstore.Position // stored
	last        eventstore.Position // last event received
	n           int                 // events received since checkpoint
	pending     []eventstore.RecordedEvent
	committedAt time.Time
	failed      chan error
}

// loop takes the hub's events until the projector leaves or fails.
func (r *run) loop() {
	lazy := time.NewTimer(time.Hour)
	lazy.Stop()
	armed := false
	for {
		select {
		case <-r.sink.done:
			lazy.Stop()
			return
		case it := <-r.sink.ch:
			if err := r.handle(it.e, it.more || len(r.sink.ch) > 0); err != nil {
				r.fail(err)
				return
			}
		case <-lazy.C:
			armed = false
			if err := r.flushLazy(); err != nil {
				r.fail(err)
				return
			}
		}
		r.mu.Lock()
		idle := r.n > 0 && len(r.pending) == 0
		r.mu.Unlock()
		if idle && !armed {
			lazy.Reset(r.w.rt.cfg.LazyCheckpoint)
			armed = true
		}
	}
}

// handle collects events and commits a batch when it is full or when no
// further event is waiting. A batch without any event this projector
// handles is not committed (lazy checkpoint) unless LazyCheckpointEvents
// events or LazyCheckpoint time have gone by since the last commit: the
// read model already equals its state at the last event read.
func (r *run) handle(e eventstore.RecordedEvent, more bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !e.Position.After(r.last) {
		return nil // before where this run started
	}
	if r.w.p.Handles(e.Type) {
		r.pending = append(r.pending, e)
	}
	r.last = e.Position
	r.n++
	cfg := &r.w.rt.cfg
	if r.n < cfg.BatchSize && more {
		return nil
	}
	if len(r.pending) == 0 && r.n < cfg.LazyCheckpointEvents && time.Since(r.committedAt) < cfg.LazyCheckpoint {
		r.w.set(func(w *worker) { w.checkpoint = r.last })
		r.w.rt.committed()
		if !more {
			r.w.setState(StateRunning)
		}
		return nil
	}
	return r.commit(more)
}

// commit writes the pending batch and the checkpoint; r.mu is held.
func (r *run) commit(more bool) error {
	if err := r.w.apply(r.ctx, r.conn, r.checkpoint, r.last, r.n, r.pending, r.sink.done); err != nil {
		return err
	}
	r.checkpoint, r.n, r.pending, r.committedAt = r.last, 0, r.pending[:0], time.Now()
	if !more {
		r.w.setState(StateRunning)
	}
	return nil
}

// flushLazy stores the checkpoint of events skipped lazily.
func (r *run) flushLazy() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == 0 || len(r.pending) > 0 {
		return nil // committed meanwhile, or a batch is being collected
	}
	return r.commit(false)
}

func (r *run) fail(err error) {
	select {
	case r.failed <- err:
	default:
	}
}

// apply writes one live batch and moves the checkpoint from prev to next in
// one transaction on the lock session; an AsyncCommitProjector's commits
// without waiting for the WAL flush. A DependentProjector's batch first
// waits for its dependencies, or until stop closes.
func (w *worker) apply(ctx context.Context, conn *pgx.Conn, prev, next eventstore.Position, n int, events []eventstore.RecordedEvent, stop <-chan struct{}) error {
	return w.withDeps(ctx, events, stop, func() error {
		return w.applyTx(ctx, conn, w.liveTx, prev, next, n, events, nil, nil)
	})
}

// asyncCommitTx begins a transaction whose commit does not wait for the WAL
// flush, in the same round trip as BEGIN (simple protocol, two statements).
var asyncCommitTx = pgx.TxOptions{BeginQuery: "BEGIN; SET LOCAL synchronous_commit = off"}

// applyInspect is apply with a durable commit (catch-up pages); prepared (if not nil) is what a PreparingProjector's Prepare
// returned for events; inspect (if not nil) runs in the transaction after
// the projector's writes.
func (w *worker) applyInspect(ctx context.Context, conn *pgx.Conn, prev, next eventstore.Position, n int, events []eventstore.RecordedEvent,
	prepared any, inspect func(context.Context, pgx.Tx) error) error {
	return w.applyWith(ctx, conn, pgx.TxOptions{}, prev, next, n, events, prepared, inspect)
}

// applyWith is one batch's transaction; a DependentProjector's first waits
// for its dependencies (withDeps).
func (w *worker) applyWith(ctx context.Context, conn *pgx.Conn, txo pgx.TxOptions, prev, next eventstore.Position, n int, events []eventstore.RecordedEvent,
	prepared any, inspect func(context.Context, pgx.Tx) error) error {
	return w.withDeps(ctx, events, nil, func() error {
		return w.applyTx(ctx, conn, txo, prev, next, n, events, prepared, inspect)
	})
}

func (w *worker) applyTx(ctx context.Context, conn *pgx.Conn, txo pgx.TxOptions, prev, next eventstore.Position, n int, events []eventstore.RecordedEvent,
	prepared any, inspect func(context.Context, pgx.Tx) error) error {
	start := time.Now()
	err := pgx.BeginTxFunc(ctx, conn, txo, func(tx pgx.Tx) error {
		if len(events) > 0 && len(w.deps) > 0 {
			// Before the projector reads their tables.
			if err := w.checkDeps(ctx, tx, lastHandled(events)); err != nil {
				return err
			}
		}
		if err := w.handleIn(ctx, tx, prev, events, prepared); err != nil {
			return err
		}
		if inspect != nil {
			if err := inspect(ctx, tx); err != nil {
				return err
			}
		}
		return moveCheckpoint(ctx, tx, w.name, prev, next)
	})
	if err != nil && prepared != nil && errors.Is(err, ErrPreparedStale) && ctx.Err() == nil {
		w.log.Info("projections: prepared batch stale, applying it again", "err", err)
		return w.applyTx(ctx, conn, txo, prev, next, n, events, nil, inspect)
	}
	if err != nil {
		var he *handlerError
		if errors.As(err, &he) && ctx.Err() == nil {
			// Find the one event it fails on, keep what comes before it.
			return w.isolate(ctx, conn, prev, events, he)
		}
		return err
	}
	w.rt.m.commit.WithLabelValues(w.name).Observe(time.Since(start).Seconds())
	w.rt.m.events.WithLabelValues(w.name).Add(float64(n))
	w.rt.m.applied.WithLabelValues(w.name).Add(float64(len(events)))
	w.set(func(w *worker) {
		w.checkpoint = next
		w.failures = 0
		w.lastErr = nil
		w.failure = nil
		if w.state == StateFailed {
			w.state, w.since = StateCatchingUp, time.Now()
		}
	})
	w.rt.committed()
	return nil
}

// handleIn hands events (and what Prepare made of them, if not nil) to
// the projector in tx; its failures are *handlerError.
func (w *worker) handleIn(ctx context.Context, tx pgx.Tx, prev eventstore.Position, events []eventstore.RecordedEvent, prepared any) error {
	if len(events) == 0 {
		return nil
	}
	if w.prep != nil && prepared != nil {
		if err := w.prep.HandlePrepared(ctx, tx, events, prepared); err != nil {
			return &handlerError{fmt.Errorf("projections: %s: batch of %d events after %s: %w", w.name, len(events), prev, err), -1}
		}
	} else if w.batch != nil {
		if err := w.batch.HandleBatch(ctx, tx, events); err != nil {
			return &handlerError{fmt.Errorf("projections: %s: batch of %d events after %s: %w", w.name, len(events), prev, err), -1}
		}
	} else {
		for i := range events {
			e := &events[i]
			if err := w.p.Handle(ctx, tx, *e); err != nil {
				return &handlerError{err, i}
			}
		}
	}
	return nil
}

// rebuildOn resets the read model and replays the whole log on conn, which
// holds the lock.
func (w *worker) rebuildOn(ctx context.Context, conn *pgx.Conn, progress func(done, total int)) error {
	prevState := StateCatchingUp
	w.setState(StateRebuilding)
	defer w.setState(prevState)
	w.log.Info("projections: rebuild started")
	tr := newRebuildTrace(w.name)
	defer tr.done()
	// Progress is estimated from positions (no counting pass over the log).
	head, err := w.rt.cfg.Store.HeadPosition(ctx)
	if err != nil {
		return fmt.Errorf("projections: head position: %w", err)
	}
	tr.mark("head")
	_, deferrer := w.p.(IndexDeferrer)
	if head.Prepare < w.rt.cfg.OneTransactionBelow && !(deferrer && head.Prepare >= w.rt.cfg.DeferIndexesFrom) {
		err := w.rebuildInOneTransaction(ctx, conn, head, progress, tr)
		var he *handlerError
		if !errors.As(err, &he) || ctx.Err() != nil {
			return err
		}
		// An event the projector refuses, or a prepared page it found
		// stale: nothing was kept; the rebuild in pages below isolates the
		// event or applies the page again.
		w.log.Info("projections: rebuild in one transaction failed; rebuilding in pages", "err", err)
	}
	// The first pages are read (from the log, on another connection) while
	// the read model is reset.
	pages := w.readPages(ctx, eventstore.Start)
	defer pages.stop()
	if err := pgx.BeginTxFunc(ctx, conn, w.liveTx, func(tx pgx.Tx) error {
		// The checkpoint first: a DependentProjector's batch locks this
		// row before it reads the tables the reset empties (checkDeps).
		if err := setCheckpoint(ctx, tx, w.name, eventstore.Start); err != nil {
			return err
		}
		// The indexes go first, so that TRUNCATE has fewer to empty.
		if d, ok := w.p.(IndexDeferrer); ok && head.Prepare >= w.rt.cfg.DeferIndexesFrom {
			if err := dropIndexes(ctx, tx, w.name, d.DeferIndexesOf()); err != nil {
				return err
			}
			tr.mark("drop")
		}
		if err := w.p.Reset(ctx, tx); err != nil {
			return fmt.Errorf("projections: %s: reset: %w", w.name, err)
		}
		tr.mark("truncate")
		return nil
	}); err != nil {
		return err
	}
	tr.mark("commit")
	w.set(func(w *worker) { w.checkpoint = eventstore.Start })
	done := 0
	if progress != nil {
		progress(0, 0)
	}
	prev := eventstore.Start
	// The tables the projector writes (found in the first page that
	// writes, and again at each quick ANALYZE), ANALYZEd quickly once a
	// full page's worth of events is done (the first pages are smaller)
	// and each time the events done doubled: after the reset's TRUNCATE
	// the planner knows nothing of their size and would scan them
	// sequentially. Fully at the end.
	grown, analyzedAt := map[string]bool{}, 0
	// A quick ANALYZE runs on a pool connection beside the next pages (its
	// lock does not conflict with their writes), so the pages do not wait
	// for it; one at a time, all done before the indexes are built and
	// the final ANALYZE (whose locks would wait for it anyway).
	var quickDone chan error
	waitQuick := func() error {
		if quickDone == nil {
			return nil
		}
		err := <-quickDone
		quickDone = nil
		return err
	}
	defer func() { _ = waitQuick() }()
	for {
		pg, err := pages.next(ctx)
		if err != nil {
			return err
		}
		tr.mark("wait")
		if pg.n == 0 {
			break
		}
		pending := pg.handled
		next := pg.end
		var inspect func(context.Context, pgx.Tx) error
		quick := len(pending) > 0 && done+pg.n >= max(2*analyzedAt, w.rt.cfg.CatchUpBatchSize)
		if quick || (len(pending) > 0 && len(grown) == 0) {
			inspect = func(ctx context.Context, tx pgx.Tx) error { return writtenTables(ctx, tx, grown) }
		}
		if err := w.applyWith(ctx, conn, w.liveTx, prev, next, pg.n, pending, pg.prepared, inspect); err != nil {
			return err
		}
		prev = next
		done += pg.n
		tr.markN("apply", len(pending))
		if quick {
			if err := waitQuick(); err != nil {
				return fmt.Errorf("projections: %s: %w", w.name, err)
			}
			ch, tables := make(chan error, 1), maps.Clone(grown)
			quickDone = ch
			go func() { ch <- analyzeOnPool(ctx, w.rt.cfg.Pool, tables) }()
			analyzedAt = done
			tr.mark("quickanalyze")
		}
		if progress != nil {
			progress(done, estimateTotal(done, next, head))
		}
	}
	if err := waitQuick(); err != nil {
		return fmt.Errorf("projections: %s: %w", w.name, err)
	}
	tr.mark("quickwait")
	// The indexes dropped after the reset, built once over the whole
	// table; then full statistics (those taken while the tables grew were
	// quick ones).
	if _, err := restoreIndexes(ctx, conn, w.rt.cfg.Pool, w.name); err != nil {
		return err
	}
	tr.mark("indexes")
	// The reset and the pages of an AsyncCommitProjector committed without
	// waiting for the WAL flush (as its live batches do: a crash loses a
	// suffix of pages together with their checkpoint, and the projector
	// applies them again); one durable commit, the final ANALYZE's, makes
	// them all durable before the rebuild reports done.
	flush := ""
	if w.liveTx == asyncCommitTx {
		flush = w.name
	}
	if err := analyzeAndFlush(ctx, conn, grown, false, flush); err != nil {
		return fmt.Errorf("projections: %s: %w", w.name, err)
	}
	tr.mark("analyze+flush")
	if progress != nil {
		progress(done, done)
	}
	w.log.Info("projections: rebuild done", "events", done)
	return nil
}

// rebuildInOneTransaction is the rebuild of a log shorter than
// OneTransactionBelow: the reset, every page, the checkpoint and the final
// ANALYZE in one transaction on conn, committed durably. The projector's
// tables stay locked by its Reset's TRUNCATE until then (readers wait,
// then see the rebuilt read model, never a half-built one), and a crash or
// cancel half-way leaves the old read model and checkpoint as they were.
// The pages know (ResetInThisTransaction) that they may load the tables
// the Reset emptied with COPY ... FREEZE: rows written frozen and
// all-visible, so no later reader sets their hint bits and no autovacuum
// pass is needed to mark them visible. It fails with a *handlerError when
// the projector failed on a page; nothing is kept then.
func (w *worker) rebuildInOneTransaction(ctx context.Context, conn *pgx.Conn, head eventstore.Position, progress func(done, total int), tr *rebuildTrace) error {
	start := time.Now()
	// The pages are read and prepared on other connections and goroutines
	// while the read model is reset.
	pages := w.readPages(ctx, eventstore.Start)
	defer pages.stop()
	done, handled := 0, 0
	last := eventstore.Start
	err := pgx.BeginTxFunc(ctx, conn, w.liveTx, func(tx pgx.Tx) error {
		// The checkpoint row first, as in pages: a DependentProjector's
		// batch locks it before it reads the tables the reset empties
		// (checkDeps); taking the table's lock first would deadlock with it.
		if err := setCheckpoint(ctx, tx, w.name, eventstore.Start); err != nil {
			return err
		}
		// The statistics the tables have before the Reset (it keeps
		// them, but not their row counts): see keptStatistics below.
		analyzed, err := analyzedTables(ctx, tx)
		if err != nil {
			return err
		}
		if err := w.p.Reset(ctx, tx); err != nil {
			return fmt.Errorf("projections: %s: reset: %w", w.name, err)
		}
		tr.mark("truncate")
		if progress != nil {
			progress(0, 0)
		}
		fresh := context.WithValue(ctx, resetKey{}, true)
		for {
			pg, err := pages.next(ctx)
			if err != nil {
				return err
			}
			tr.mark("wait")
			if pg.n == 0 {
				break
			}
			if err := w.handleIn(fresh, tx, last, pg.handled, pg.prepared); err != nil {
				return err
			}
			last = pg.end
			done += pg.n
			handled += len(pg.handled)
			tr.markN("apply", len(pg.handled))
			if progress != nil {
				progress(done, estimateTotal(done, last, head))
			}
		}
		if err := setCheckpoint(ctx, tx, w.name, last); err != nil {
			return err
		}
		// Statistics for the tables written; a log this short needs no
		// quick ones on the way (and another connection could not see the
		// rows, nor take the lock, before the commit). A table whose
		// statistics from before still describe it (the same log rebuilt,
		// its row count within statisticsDrift) keeps them: the ANALYZE
		// would be a serial tenth of the rebuild and take them again.
		grown := map[string]bool{}
		if err := writtenTables(ctx, tx, grown); err != nil {
			return err
		}
		kept, err := keptStatistics(ctx, tx, grown, analyzed)
		if err != nil {
			return err
		}
		for t := range kept {
			delete(grown, t)
		}
		tr.mark("count")
		if len(grown) > 0 {
			names := slices.Sorted(maps.Keys(grown))
			if _, err := tx.Exec(ctx, "ANALYZE "+strings.Join(names, ", ")); err != nil {
				return fmt.Errorf("projections: %s: unable to analyze %s: %w", w.name, strings.Join(names, ", "), err)
			}
		}
		tr.mark("analyze")
		// The pages ran as the projector's live batches do; the commit
		// is durable before the rebuild reports done.
		_, err = tx.Exec(ctx, "SET LOCAL synchronous_commit = on")
		return err
	})
	if err != nil {
		return err
	}
	tr.mark("commit")
	// Indexes an earlier rebuild in pages deferred and did not build again
	// (stopped half-way, DeferIndexesFrom since raised): none, usually.
	if _, err := restoreIndexes(ctx, conn, w.rt.cfg.Pool, w.name); err != nil {
		return err
	}
	w.rt.m.commit.WithLabelValues(w.name).Observe(time.Since(start).Seconds())
	w.rt.m.events.WithLabelValues(w.name).Add(float64(done))
	w.rt.m.applied.WithLabelValues(w.name).Add(float64(handled))
	w.set(func(w *worker) {
		w.checkpoint = last
		w.failures, w.lastErr, w.failure = 0, nil, nil
	})
	w.rt.committed()
	if progress != nil {
		progress(done, done)
	}
	w.log.Info("projections: rebuild done", "events", done, "transactions", 1)
	return nil
}

// resetKey marks the context of pages applied in the transaction of their
// projector's Reset.
type resetKey struct{}

// ResetInThisTransaction reports whether a projector's Handle, HandleBatch
// or HandlePrepared runs in the transaction that ran its Reset (a rebuild
// of a short log, Config.OneTransactionBelow), with no savepoint between:
// a table the Reset TRUNCATEd may then be loaded with COPY ... FREEZE.
func ResetInThisTransaction(ctx context.Context) bool {
	v, _ := ctx.Value(resetKey{}).(bool)
	return v
}

// catchUp applies the backlog after cp in ReadAll pages of CatchUpBatchSize, each
// page one transaction with its checkpoint (the same apply as the router
// handler), and returns the new checkpoint. Watermill's per-message
// hand-over and ack cost more than the database work while catching up.
// With until, it stops at that position (inclusive).
//
// A long backlog (full pages) may fill tables the planner still thinks
// empty (a new projector on an old ledger, a table never ANALYZEd): their
// key lookups would scan them whole, page after page, so catching up grew
// with the square of the backlog. Tables the pages wrote whose statistics
// are missing or older than half their rows are ANALYZEd quickly as they
// grow, and fully once caught up.
func (w *worker) catchUp(ctx context.Context, conn *pgx.Conn, cp eventstore.Position, until *eventstore.Position) (eventstore.Position, error) {
	pages := w.readPages(ctx, cp)
	defer pages.stop()
	grown, quick := map[string]bool{}, map[string]bool{}
	caughtUp := func() (eventstore.Position, error) {
		if len(quick) > 0 {
			if err := analyze(ctx, conn, quick, false); err != nil {
				return cp, fmt.Errorf("projections: %s: %w", w.name, err)
			}
		}
		return cp, nil
	}
	for {
		if until != nil && !cp.Before(*until) {
			return caughtUp()
		}
		pg, err := pages.next(ctx)
		if err != nil {
			return cp, err
		}
		events, next, n, pending, prepared := pg.events, pg.end, pg.n, pg.handled, pg.prepared
		if until != nil && next.After(*until) {
			// Only up to until: the feed delivers what follows.
			for i, e := range events {
				if e.Position.After(*until) {
					events = events[:i]
					break
				}
			}
			next, n = *until, len(events)
			pending, prepared = nil, nil
			for _, e := range events {
				if w.p.Handles(e.Type) {
					pending = append(pending, e)
				}
			}
		}
		if n == 0 && !next.After(cp) {
			return caughtUp()
		}
		w.set(func(w *worker) {
			if w.state != StateFailed && w.state != StateCatchingUp {
				w.state, w.since = StateCatchingUp, time.Now()
			}
		})
		var inspect func(context.Context, pgx.Tx) error
		if n >= w.rt.cfg.CatchUpBatchSize && len(pending) > 0 {
			inspect = func(ctx context.Context, tx pgx.Tx) error { return writtenTables(ctx, tx, grown) }
		}
		if err := w.applyInspect(ctx, conn, cp, next, n, pending, prepared, inspect); err != nil {
			return cp, err
		}
		cp = next
		if inspect != nil {
			stale, err := staleTables(ctx, conn, grown)
			if err == nil {
				err = analyze(ctx, conn, stale, true)
			}
			if err != nil {
				return cp, fmt.Errorf("projections: %s: %w", w.name, err)
			}
			for t := range stale {
				quick[t] = true
			}
		}
	}
}

// estimateTotal extrapolates the events of the log from the done events
// up to position at, and the head: positions grow with the log (PostgreSQL's
// sequence, EventStoreDB's byte offset), so their ratio is a fair estimate.
func estimateTotal(done int, at, head eventstore.Position) int {
	if at.Prepare == 0 || !at.Before(head) || head.Prepare <= at.Prepare {
		return done
	}
	return max(done, int(float64(done)*float64(head.Prepare)/float64(at.Prepare)))
}

// countEvents counts events after from, stopping at limit (0: no limit).
func countEvents(ctx context.Context, store eventstore.Store, from eventstore.Position, limit int) (int, error) {
	n := 0
	for limit == 0 || n < limit {
		page := 1000
		if limit > 0 {
			page = min(page, limit-n)
		}
		events, err := store.ReadAll(ctx, from, page)
		if err != nil {
			return n, fmt.Errorf("projections: count events: %w", err)
		}
		if len(events) == 0 {
			break
		}
		n += len(events)
		from = events[len(events)-1].Position
	}
	return n, nil
}
