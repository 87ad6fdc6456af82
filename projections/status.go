package projections

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"backoffice/eventstore"
)

// ProjectorStatus is one projector as seen from this process.
type ProjectorStatus struct {
	Name string
	// State in this process; StateStandby when another process runs it.
	State State
	// Local: this process holds the projector's lock.
	Local bool
	// Since: when State was entered.
	Since time.Time
	// Checkpoint is the stored checkpoint (the database is the truth, so
	// it is right whichever process runs the projector).
	Checkpoint eventstore.Position
	// Head is the position of the last event in the log.
	Head eventstore.Position
	// Behind: the projector has not read up to Head (for one running
	// here: its last event read, which a lazy checkpoint may have left
	// ahead of Checkpoint).
	Behind bool
	// Lag counts events it has yet to read, up to Config.LagCap; LagCapped
	// says the real lag is larger.
	Lag       int
	LagCapped bool
	// Failures in a row, and the last error, while State is StateFailed
	// (cleared by the next commit).
	Failures  int
	LastError string
	// Failure is the event the projector stopped on and why, when its
	// code failed on one event (stored with the checkpoint, so it is
	// shown whichever process runs the projector; cleared by the next
	// commit).
	Failure *EventFailure
	// Holder is the database session that holds the projector's lock
	// when another process runs it (nil when this process does, or when
	// nobody does).
	Holder *LockHolder
	// WaitingFor names the projectors a DependentProjector waits for
	// before it handles its next event (one being rebuilt, failing or
	// behind). Running here: those it has been waiting for (StateWaiting).
	// Run elsewhere: judged from the checkpoints, those that are behind
	// while not ahead of it (it cannot pass them).
	WaitingFor []string
}

// LockHolder is the session holding a projector's advisory lock, as
// pg_locks and pg_stat_activity show it. A runtime names its lock
// sessions (application_name "backoffice pid=… host=…"), so Application
// says which process on which machine runs the projector.
type LockHolder struct {
	Application string    // the holder's application_name
	ClientAddr  string    // its address; "" over a Unix socket
	BackendPID  int       // the PostgreSQL backend's pid
	Since       time.Time // when that session started
}

// String is "backoffice pid=… host=… (database session 123 since …)".
func (h LockHolder) String() string {
	var b strings.Builder
	if h.Application != "" {
		b.WriteString(h.Application)
	} else {
		b.WriteString("an unnamed session")
	}
	if h.ClientAddr != "" {
		fmt.Fprintf(&b, " from %s", h.ClientAddr)
	}
	fmt.Fprintf(&b, " (database session %d", h.BackendPID)
	if !h.Since.IsZero() {
		fmt.Fprintf(&b, " since %s", h.Since.Format(time.RFC3339))
	}
	b.WriteString(")")
	return b.String()
}

// Status reports every projector of this Runtime, in configuration order,
// and refreshes the lag metric.
func (r *Runtime) Status(ctx context.Context) ([]ProjectorStatus, error) {
	head, err := r.cfg.Store.HeadPosition(ctx)
	if err != nil {
		return nil, fmt.Errorf("projections: head position: %w", err)
	}
	names := make([]string, len(r.order))
	for i, w := range r.order {
		names[i] = w.name
	}
	all := slices.Clone(names)
	for _, w := range r.order {
		for _, d := range w.deps {
			if _, ok := r.workers[d]; !ok && !slices.Contains(all, d) {
				all = append(all, d) // run by another process only
			}
		}
	}
	cps, err := readCheckpoints(ctx, r.cfg.Pool, all)
	if err != nil {
		return nil, err
	}
	failures, err := readFailures(ctx, r.cfg.Pool, names)
	if err != nil {
		return nil, err
	}
	holders, err := readLockHolders(ctx, r.cfg.Pool, names)
	if err != nil {
		return nil, err
	}
	out := make([]ProjectorStatus, 0, len(r.order))
	for _, w := range r.order {
		w.mu.Lock()
		st := ProjectorStatus{Name: w.name, State: w.state, Local: w.local, Since: w.since,
			Head: head, Failures: w.failures, Failure: failures[w.name]}
		if w.lastErr != nil {
			st.LastError = w.lastErr.Error()
		}
		if w.local && w.failure != nil && st.Failure == nil {
			st.Failure = w.failure // could not be stored (database trouble)
		}
		seen := w.checkpoint
		local := w.local
		if local {
			st.WaitingFor = slices.Clone(w.waitingFor)
		}
		w.mu.Unlock()
		if h, ok := holders[w.name]; ok && !local {
			st.Holder = &h
		}
		st.Checkpoint = cps[w.name]
		// A projector running here may have read past its stored
		// checkpoint without anything to store (lazy checkpoint).
		at := st.Checkpoint
		if local && seen.After(at) {
			at = seen
		}
		st.Behind = at.Before(head)
		if st.Behind {
			n, err := countEvents(ctx, r.cfg.Store, at, r.cfg.LagCap)
			if err != nil {
				return nil, err
			}
			st.Lag, st.LagCapped = n, n >= r.cfg.LagCap
		}
		if !local && st.Behind {
			for _, d := range w.deps {
				if dc := cps[d]; dc.Before(head) && !dc.After(st.Checkpoint) {
					st.WaitingFor = append(st.WaitingFor, d)
				}
			}
		}
		r.m.lag.WithLabelValues(w.name).Set(float64(st.Lag))
		out = append(out, st)
	}
	return out, nil
}

// Ready is for /readyz: nil unless a projector is failed in this process
// (the error names each failed projector and its last error). Standby
// projectors are ready: another process runs them.
func (r *Runtime) Ready() error {
	var errs []error
	for _, w := range r.order {
		w.mu.Lock()
		if w.state == StateFailed {
			errs = append(errs, fmt.Errorf("projector %s failed (%d times): %v", w.name, w.failures, w.lastErr))
		}
		w.mu.Unlock()
	}
	return errors.Join(errs...)
}

// ErrWaitTimeout: WaitFor's bound expired before the projectors passed the
// position. The concrete error is a *WaitTimeoutError.
var ErrWaitTimeout = errors.New("projections: timed out waiting for projections")

// WaitTimeoutError names the projectors that had not reached the position.
type WaitTimeoutError struct {
	Position eventstore.Position
	Pending  []string
}

func (e *WaitTimeoutError) Error() string {
	return fmt.Sprintf("projections: timed out waiting for %s to reach %s", strings.Join(e.Pending, ", "), e.Position)
}

// Is makes errors.Is(err, ErrWaitTimeout) hold.
func (e *WaitTimeoutError) Is(target error) bool { return target == ErrWaitTimeout }

// WaitFor blocks until every named projector (all of this Runtime's when no
// name is given) has a checkpoint at or after pos: read-your-writes after a
// command that returned pos. It waits at most Config.WaitTimeout (or until
// ctx's earlier deadline) and then returns a *WaitTimeoutError; it returns
// ctx.Err() when ctx is canceled. Projectors running in this process are
// followed in memory (woken by each commit); the others (run by another
// process, or unknown here) through the checkpoint table, polled with a
// growing interval (5 ms to 200 ms). A projector of this process that has
// been failing on one event at or before pos for Config.StuckAfter is not
// waited for: WaitFor answers as soon as the others passed pos, with a
// *WaitTimeoutError naming it.
func (r *Runtime) WaitFor(ctx context.Context, pos eventstore.Position, names ...string) error {
	if len(names) == 0 {
		for _, w := range r.order {
			names = append(names, w.name)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.WaitTimeout)
	defer cancel()
	pending := slices.Clone(names)
	poll := 5 * time.Millisecond
	for {
		wake := r.wakeChan() // before checking, so no commit is missed
		var remote, stuck []string
		next := pending[:0]
		for _, n := range pending {
			w, ok := r.workers[n]
			if ok {
				w.mu.Lock()
				local, cp, isStuck := w.local, w.checkpoint, w.stuckBefore(pos)
				w.mu.Unlock()
				if local {
					if isStuck {
						stuck = append(stuck, n)
					} else if cp.Before(pos) {
						next = append(next, n)
					}
					continue
				}
			}
			remote = append(remote, n)
		}
		if len(remote) > 0 {
			cps, err := readCheckpoints(ctx, r.cfg.Pool, remote)
			if err != nil {
				if ctx.Err() != nil {
					return r.waitErr(ctx, pos, append(next, remote...))
				}
				return err
			}
			for _, n := range remote {
				if cps[n].Before(pos) {
					next = append(next, n)
				}
			}
		}
		pending = next
		if len(pending) == 0 {
			if len(stuck) > 0 {
				return &WaitTimeoutError{Position: pos, Pending: stuck}
			}
			return nil
		}
		pending = append(pending, stuck...) // still named if the others time out
		var tick <-chan time.Time
		if len(remote) > 0 {
			tick = time.After(poll)
			poll = min(poll*2, 200*time.Millisecond)
		}
		select {
		case <-ctx.Done():
			return r.waitErr(ctx, pos, pending)
		case <-wake:
		case <-tick:
		}
	}
}

func (r *Runtime) waitErr(ctx context.Context, pos eventstore.Position, pending []string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &WaitTimeoutError{Position: pos, Pending: slices.Clone(pending)}
	}
	return ctx.Err()
}
