package eventstore

import (
	"context"
	"sync"
)

// InAppend is one SQL statement of the caller's that an adapter keeping its
// events in a SQL database runs inside the transaction of the next append
// made with a context carrying it (WithInAppend), after the events are
// written: it commits with them or not at all, and costs no transaction of
// its own. The API's idempotency bookkeeping uses it to record a key in the
// command's own append (docs/BENCHMARKS.md §9.2).
//
// Only the PostgreSQL adapter runs it. There the statement may read the CTE
// appended(position text): one row, the append's position, when the
// transaction wrote events, and none when it did not (a failed expected
// revision or condition commits nothing of the append's). A statement that
// writes only FROM appended therefore writes only with the events. It runs
// at most once per InAppend, whatever number of appends the context sees.
// Other adapters ignore it: Ran stays false and the caller does its
// bookkeeping as before.
//
// The PostgreSQL adapter also begins that transaction with the command's
// first ReadStreams under the same context, on a connection the InAppend
// holds until Close, so the command's read, its append and the caller's
// statement are one transaction (READ COMMITTED: the append still decides
// on its own snapshot, taken under the stream lock). The caller must Close
// it once the command is done.
type InAppend struct {
	SQL  string
	Args []any

	mu      sync.Mutex
	ran     bool  // committed with an append, and wrote a row
	err     error // the statement failed: the append was rolled back with it
	held    any   // the adapter's state (Hold)
	release func()
}

type inAppendKey struct{}

// WithInAppend returns ctx carrying a.
func WithInAppend(ctx context.Context, a *InAppend) context.Context {
	return context.WithValue(ctx, inAppendKey{}, a)
}

// InAppendFrom returns the statement ctx carries that has not run yet, or nil.
func InAppendFrom(ctx context.Context) *InAppend {
	a, _ := ctx.Value(inAppendKey{}).(*InAppend)
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ran || a.err != nil {
		return nil
	}
	return a
}

// Ran reports whether the statement committed with an append and wrote at
// least one row.
func (a *InAppend) Ran() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ran
}

// Err is the statement's own failure, if it failed: the append it ran in
// was rolled back and returned an error wrapping this one.
func (a *InAppend) Err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// Committed records, for adapters, that the statement committed with an
// append; wrote says it changed at least one row.
func (a *InAppend) Committed(wrote bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ran = a.ran || wrote
}

// Failed records, for adapters, the statement's own error.
func (a *InAppend) Failed(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.err = err
}

// Hold keeps an adapter's state for the statement (a connection with an open
// transaction) until Close, which calls release.
func (a *InAppend) Hold(v any, release func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.held, a.release = v, release
}

// Held is what the adapter holds (Hold), or nil.
func (a *InAppend) Held() any {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.held
}

// Close releases what the adapter holds: a transaction still open (the
// command read and did not append) ends without writing anything.
func (a *InAppend) Close() {
	a.mu.Lock()
	release := a.release
	a.held, a.release = nil, nil
	a.mu.Unlock()
	if release != nil {
		release()
	}
}
