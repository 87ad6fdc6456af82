// Package projections builds the PostgreSQL read models from the event log.
//
// # Writing a projector
//
// A read model is one type implementing Projector (optionally
// BatchProjector). Its Name is stored as checkpoint key: never rename it.
//
//	type statusOverview struct{}
//
//	func (statusOverview) Name() string { return "timesheet_status" } // WARNING: never rename
//	func (statusOverview) Handles(t string) bool {
//		return strings.HasPrefix(t, "timesheet.")
//	}
//	func (statusOverview) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
//		switch e.Type {
//		case "timesheet.approved":
//			_, err := tx.Exec(ctx, `UPDATE timesheet_status SET status = 'approved' WHERE stream = $1`, e.Stream)
//			return err
//		}
//		return nil
//	}
//	func (statusOverview) Reset(ctx context.Context, tx pgx.Tx) error {
//		_, err := tx.Exec(ctx, `TRUNCATE timesheet_status`)
//		return err
//	}
//
// and the process runs them:
//
//	if err := projections.Migrate(ctx, pool); err != nil { ... }
//	rt, err := projections.New(projections.Config{
//		Store: store, Pool: pool, Logger: logger, Registerer: prometheus.DefaultRegisterer,
//		Projectors: []projections.Projector{statusOverview{}},
//	})
//	go rt.Run(ctx)
//	// after a command returned pos:
//	err = rt.WaitFor(ctx, pos, "timesheet_status") // errors.Is(err, projections.ErrWaitTimeout)
//	// /readyz: rt.Ready(); operators: rt.Status(ctx); rt.Rebuild(ctx, name, progress)
//
// # Design
//
// Feed. eventsub.Subscriber is a Watermill message.Subscriber over the event
// store (topic "$all" = global log, other topics = one stream; event type in
// metadata "name"). It sends the next message only after the previous one is
// acked and resends on nack, so a handler sees the log in order. It passes
// Watermill's universal Pub/Sub suite. A message's context tells whether the
// next event was already read and waiting (eventsub.MoreReady).
//
// Router and fan-out. Runtime.Run starts one Watermill router with one
// handler, "projections.all", subscribed to "$all" through eventsub: the
// process reads and decodes the log once, whatever the number of
// projectors, and the handler hands each event to every projector this
// process leads (a buffered feed per projector; a projector whose feed is
// full is dropped from it and catches up from the log on its own, so a slow
// or hung projector never holds the others up). Each projector has a supervisor goroutine; while this process holds
// the projector's advisory lock it catches up from its own checkpoint with
// ReadAll pages, then joins the feed (reading from the store whatever the
// feed passed meanwhile) and goes on live.
//
// Batches and exactly-once effect. Each projector collects events and
// commits them in one transaction together with its new checkpoint when the
// batch is full (Config.BatchSize) or when no further event is waiting: live
// traffic gives one small transaction per burst, with no timers. A batch
// with no event the projector handles is not committed (lazy checkpoint):
// the stored checkpoint is moved at most every Config.LazyCheckpoint or
// Config.LazyCheckpointEvents events; after a crash those events are read
// again and skipped, so nothing is lost or applied twice, and WaitFor in this
// process sees the projector at the last event it read. A read model that
// declares AsyncCommit (AsyncCommitProjector) commits its live batches with
// synchronous_commit = off: a crash of PostgreSQL may take its last batches
// back, rows and checkpoint together, and it applies them again from the
// log (docs/architecture.md, "Consistency"). A projector that
// starts behind first catches up by reading the log in pages of
// Config.CatchUpBatchSize events (the first pages smaller: 1,000 events,
// doubling, so that writing starts early), one transaction (rows and
// checkpoint) per page. The checkpoint row, not the feed, is where a projector resumes:
// after a crash, a cancel or a failure, the next run starts after the stored
// checkpoint, and the uncommitted events are delivered again. The checkpoint
// update is a compare-and-set on the previous value (ErrCheckpointMoved), so
// two writers can never both apply the same events.
//
// One instance per projector. The supervisor takes pg_try_advisory_lock on
// a dedicated session taken out of the pool, and runs every batch
// transaction on that same session: if the session dies, the lock and any
// open batch die with it. Standby instances retry every Config.LockRetry and
// take over when the holder's session ends (process death closes it). The
// holder pings its session every Config.LockCheck.
//
// Failures. A projector error (or a failed commit) never skips the event and
// never goes to a poison queue: the batch is rolled back, the handler is
// stopped, the projector is reported failed (Status, Ready for /readyz,
// an error log with the event and the retry delay) and restarted from its
// checkpoint with exponential back-off (Config.RetryMin..RetryMax). It stays
// failed until a batch commits again. Other projectors keep running, and
// appends do not depend on any projector.
//
// When the projector's own code failed, the runtime isolates the event: it
// applies the batch again one event at a time (each under a savepoint;
// a per-event projector's failing event is known and not run again),
// commits the events before the failing one with the checkpoint right after
// them, and stores an EventFailure (position, ID, type, stream, revision,
// reason; never the event's data) in projection_checkpoints.failure, which
// the next commit clears. Status reports it from any process, so
// `backoffice projections status` and /readyz name the event and the reason.
//
// Rebuild resets the read model and its checkpoint in one transaction and
// replays the log in batches (ReadAll pages) under the lock, then the live
// feed resumes. Progress is estimated from positions (no counting pass), and
// the tables the projector writes are ANALYZEd as they grow (after a full
// page's worth of events, then each time the events applied doubled) and
// fully at the end, before Rebuild returns, so that lookups after
// the TRUNCATE of a reset use their indexes instead of sequential scans. In a process without Run it takes the lock itself; when
// another process runs the projector it returns ErrLockedElsewhere.
//
// A log shorter than Config.OneTransactionBelow (50,000 events by default)
// is rebuilt in one transaction: reset, pages, checkpoint and the final
// ANALYZE, one durable commit. A rebuild that stops half-way (cancel,
// crash) leaves the old read model; readers of the projector's tables wait
// for the commit (its Reset's TRUNCATE locks them) instead of seeing them
// half-built; the projector may COPY into the tables its Reset emptied with
// FREEZE (ResetInThisTransaction). Meanwhile the transaction's ID holds back
// what the PostgreSQL event store shows (events below the oldest running
// transaction), so live projectors see new events only after the commit:
// a pause of the rebuild's length (a fraction of a second at this size).
// When the projector fails on a page, the rebuild runs again in pages.
// Its final ANALYZE is left out for a table that had statistics and holds
// within a tenth of the rows it held (autovacuum's own ANALYZE threshold):
// the TRUNCATE keeps the statistics, which describe the same log rebuilt;
// the planner estimates the table's size from its pages until autovacuum
// ANALYZEs it, which is due at once (every row changed).
//
// Three optional extensions make catching up and rebuilding cheaper: a
// TypedProjector lists its event types and reads only those (filtered in
// SQL); a PreparingProjector decodes each page in the read-ahead goroutine,
// overlapping the write of the page before; an IndexDeferrer names tables
// whose secondary indexes a rebuild of a log of Config.DeferIndexesFrom
// events or more drops with the reset and builds once at the end (their
// definitions kept in projection_checkpoints.deferred_indexes until then, so
// a rebuild that stops half-way has them built again before the projector
// next runs); a smaller log is written with its indexes in place.
//
// Dependencies. A projector that reads another projector's tables (a
// mailer finding its recipients in the accounts read model) implements
// DependentProjector; each of its batches waits, outside any transaction,
// until the projectors it names have passed the batch's last event it
// handles (in memory for those of this process, woken by their commits;
// others' checkpoints read from 5 ms up to once a second), then locks
// their checkpoint rows FOR SHARE in its transaction and checks again: a
// rebuild moves its checkpoint back in the transaction that empties its
// tables, so the two cannot interleave. Waiting past two seconds is
// reported (StateWaiting, ProjectorStatus.WaitingFor, a log line), not a
// failure. ReadCaughtUp does the same for a reader outside the runtime.
//
// Read-your-writes. WaitFor follows projectors running in this process in
// memory (each commit wakes the waiters) and others through the checkpoint
// table with a growing poll interval; it is bounded by Config.WaitTimeout
// and returns a *WaitTimeoutError (errors.Is ErrWaitTimeout). A projector
// of this process stuck on an event (failing on it for Config.StuckAfter)
// is not waited for past that event: the error names it at once.
//
// Lag. Positions are pairs without arithmetic, so Status counts the events
// after the checkpoint with ReadAll pages, capped at Config.LagCap; the
// backoffice_projection_lag_events gauge is refreshed by Status and every
// Config.LagInterval while Run runs. Other metrics: events_total,
// events_applied_total, batch_commit_seconds, failures_total, lock_held.
package projections
