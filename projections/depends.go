package projections

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
)

// DependentProjector is an optional extension: a projector that reads
// tables another projector writes (a mailer reading the accounts read
// model to find its recipients) names those projectors, and the runtime
// hands it a batch only once each of them has passed the batch's last
// event it handles. Without it, an event handled while the other read
// model is rebuilt or lags finds no row, and a mail goes to nobody.
//
// The wait happens outside any transaction: projectors of this process
// are followed in memory (woken by their commits), others through the
// checkpoint table, polled from 5 ms up to once a second. The batch's
// transaction then locks the dependencies' checkpoint rows (FOR SHARE) and
// checks again, so a rebuild that resets one of them (its reset moves the
// checkpoint back first, in the transaction that empties its tables) waits
// for the batch, or the batch waits for the rebuild. A projector waiting
// longer than a moment is reported (StateWaiting, ProjectorStatus.WaitingFor,
// a log line); it is not failed. Other projectors go on.
//
// The names must not form a cycle; a dependency not run by this Runtime
// is followed through the checkpoint table (another process runs it).
type DependentProjector interface {
	Projector
	DependsOn() []string
}

// StateWaiting: running here, waiting for a projector it depends on
// (DependentProjector) to pass its next event: that one is being rebuilt,
// is failing, or lags.
const StateWaiting State = "waiting"

// waitReportAfter is how long a dependent projector waits before it is
// reported waiting (state, status, log): a dependency that is not
// rebuilding passes within a commit, or within Config.LazyCheckpoint when
// another process runs it.
const waitReportAfter = 2 * time.Second

// errDepsMoved: a dependency's checkpoint was behind the batch when its
// transaction checked (a rebuild reset it since the wait): roll back and
// wait again.
var errDepsMoved = errors.New("projections: a dependency moved back")

// validateDeps refuses a projector depending on itself or a cycle.
func validateDeps(ps []Projector) error {
	deps := map[string][]string{}
	for _, p := range ps {
		if d, ok := p.(DependentProjector); ok && p != nil {
			deps[p.Name()] = d.DependsOn()
		}
	}
	var errs []error
	for name := range deps {
		// Depth-first from name: reaching name again is a cycle.
		seen := map[string]bool{}
		stack := slices.Clone(deps[name])
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n == name {
				errs = append(errs, fmt.Errorf("projections: projector %q depends on itself (through DependsOn)", name))
				break
			}
			if !seen[n] {
				seen[n] = true
				stack = append(stack, deps[n]...)
			}
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// lastHandled is the position a batch's dependencies must have passed.
func lastHandled(events []eventstore.RecordedEvent) eventstore.Position {
	return events[len(events)-1].Position
}

// depPassed tells whether dependency n has passed pos by what this process
// knows in memory: ok when it runs here and its checkpoint (committed, or
// read past lazily) is at or after pos; local says it runs here. During a
// rebuild here the memory may still show the checkpoint from before the
// reset for a moment, so trusted says it may be believed without the
// stored one.
func (r *Runtime) depPassed(n string, pos eventstore.Position) (ok, local, trusted bool) {
	w, known := r.workers[n]
	if !known {
		return false, false, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.local {
		return false, false, false
	}
	passed := !w.checkpoint.Before(pos)
	return passed, true, passed && w.state != StateRebuilding
}

// awaitDeps blocks until every dependency of w has passed pos, or ctx ends,
// or stop closes (the live run is being stopped; it then returns
// errDepsWaitStopped).
func (w *worker) awaitDeps(ctx context.Context, pos eventstore.Position, stop <-chan struct{}) error {
	start := time.Now()
	reported := false
	var prevState State
	defer func() {
		if !reported {
			return
		}
		w.set(func(w *worker) {
			w.waitingFor = nil
			if w.state == StateWaiting {
				w.state, w.since = prevState, time.Now()
			}
		})
		w.log.Info("projections: the projectors it depends on passed the event; going on",
			"event_position", pos.String(), "waited", time.Since(start).Round(time.Millisecond))
	}()
	var report <-chan time.Time // armed at the first wait: most batches wait for nothing
	poll := 5 * time.Millisecond
	for {
		wake := w.rt.wakeChan() // before checking, so no commit is missed
		var pending, remote []string
		for _, n := range w.deps {
			if ok, local, _ := w.rt.depPassed(n, pos); ok {
				continue
			} else if local {
				pending = append(pending, n)
			} else {
				remote = append(remote, n)
			}
		}
		if len(remote) > 0 {
			cps, err := readCheckpoints(ctx, w.rt.cfg.Pool, remote)
			if err != nil {
				return err
			}
			for _, n := range remote {
				if cps[n].Before(pos) {
					pending = append(pending, n)
				}
			}
		}
		if len(pending) == 0 {
			return nil
		}
		if report == nil {
			t := time.NewTimer(waitReportAfter)
			defer t.Stop()
			report = t.C
		}
		if reported {
			w.set(func(w *worker) { w.waitingFor = pending })
		}
		var tick <-chan time.Time
		if len(remote) > 0 {
			tick = time.After(poll)
			poll = min(poll*2, time.Second)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-stop:
			return errDepsWaitStopped
		case <-wake:
		case <-tick:
		case <-report:
			reported = true
			w.set(func(w *worker) {
				prevState, w.waitingFor = w.state, pending
				if w.state != StateWaiting {
					w.state, w.since = StateWaiting, time.Now()
				}
			})
			w.log.Warn("projections: waiting for the projectors it depends on to pass the next event it handles (being rebuilt, failing or behind); its effects wait, nothing is skipped",
				"waiting_for", strings.Join(pending, ", "), "event_position", pos.String())
		}
	}
}

// errDepsWaitStopped: the live run was stopped while it waited; the next
// run starts from the checkpoint.
var errDepsWaitStopped = errors.New("projections: stopped while waiting for the projectors it depends on")

// checkDeps runs first in a dependent projector's batch transaction: it
// locks the dependencies' checkpoint rows (a rebuild's reset cannot commit
// before this transaction ends; PostgreSQL has its UPDATE wait) and
// checks they have passed pos. It returns errDepsMoved when one has not.
func (w *worker) checkDeps(ctx context.Context, tx pgx.Tx, pos eventstore.Position) error {
	stored, err := lockCheckpoints(ctx, tx, w.deps)
	if err != nil {
		return fmt.Errorf("projections: %s: %w", w.name, err)
	}
	for _, d := range w.deps {
		if !stored[d].Before(pos) {
			continue
		}
		// Read past lazily in this process (nothing to store), and not
		// being rebuilt: its tables hold what they held at its last
		// commit, which is what they hold at pos.
		if _, _, trusted := w.rt.depPassed(d, pos); trusted {
			continue
		}
		return errDepsMoved
	}
	return nil
}

// lockCheckpoints reads the named projectors' stored checkpoints and
// locks their rows FOR SHARE until tx ends: a rebuild's reset (which moves
// the checkpoint back before it empties the tables) waits for tx.
func lockCheckpoints(ctx context.Context, tx pgx.Tx, names []string) (map[string]eventstore.Position, error) {
	rows, err := tx.Query(ctx, `SELECT name, commit_pos, prepare_pos FROM projection_checkpoints
		WHERE name = ANY($1) ORDER BY name FOR SHARE`, names)
	if err != nil {
		return nil, fmt.Errorf("unable to lock the checkpoints of %s: %w", strings.Join(names, ", "), err)
	}
	out := map[string]eventstore.Position{}
	var n string
	var c, p int64
	if _, err := pgx.ForEachRow(rows, []any{&n, &c, &p}, func() error {
		out[n] = eventstore.Position{Commit: uint64(c), Prepare: uint64(p)}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("unable to lock the checkpoints of %s: %w", strings.Join(names, ", "), err)
	}
	return out, nil
}

// ErrReadModelsMoved: ReadCaughtUp found a read model moved back (a rebuild
// started) after it had waited for it; nothing was read. Try again later.
var ErrReadModelsMoved = errors.New("projections: a read model is being rebuilt")

// ReadCaughtUp is for a reader outside the runtime that acts on what
// several read models say at once, such as the weekly reminders (a
// reminder sent from a half-rebuilt read model goes to nobody, or lists
// half the weeks, and is never sent again). It waits (WaitFor, bounded by
// Config.WaitTimeout, with its errors) until the named projectors have
// passed the head of the log as it is now, then runs read in a
// transaction that first locks their checkpoint rows FOR SHARE, so no
// rebuild can empty their tables while read runs. A rebuild that began
// after the wait makes it return ErrReadModelsMoved without calling read.
// read must be short: the projectors named commit only after it.
func (r *Runtime) ReadCaughtUp(ctx context.Context, names []string, read func(pgx.Tx) error) error {
	before, err := readCheckpoints(ctx, r.cfg.Pool, names)
	if err != nil {
		return err
	}
	head, err := r.cfg.Store.HeadPosition(ctx)
	if err != nil {
		return fmt.Errorf("projections: head position: %w", err)
	}
	if err := r.WaitFor(ctx, head, names...); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, r.cfg.Pool, func(tx pgx.Tx) error {
		now, err := lockCheckpoints(ctx, tx, names)
		if err != nil {
			return fmt.Errorf("projections: %w", err)
		}
		var moved []string
		for _, n := range names {
			if now[n].Before(before[n]) {
				moved = append(moved, n)
			}
		}
		if len(moved) > 0 {
			return fmt.Errorf("%w: %s", ErrReadModelsMoved, strings.Join(moved, ", "))
		}
		return read(tx)
	})
}

// withDeps runs apply once the dependencies have passed the batch's last
// handled event, and again (after waiting again) when its transaction
// found one of them moved back.
func (w *worker) withDeps(ctx context.Context, events []eventstore.RecordedEvent, stop <-chan struct{}, apply func() error) error {
	if len(w.deps) == 0 || len(events) == 0 {
		return apply()
	}
	pos := lastHandled(events)
	backoff := 5 * time.Millisecond
	for {
		if err := w.awaitDeps(ctx, pos, stop); err != nil {
			return err
		}
		err := apply()
		if !errors.Is(err, errDepsMoved) {
			return err
		}
		w.log.Info("projections: a projector it depends on moved back (a rebuild started); waiting again",
			"event_position", pos.String())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, time.Second)
	}
}
