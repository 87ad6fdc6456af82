// Package eventstoretest is the conformance suite every eventstore.Store
// adapter passes. An adapter's test calls Run with a constructor for fresh,
// empty stores:
//
//	func TestConformance(t *testing.T) {
//		eventstoretest.Run(t, func(t *testing.T) eventstore.Store {
//			s := memory.New()
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Every rule of the port is a named subtest. The subtests run in parallel,
// each on its own store, so newStore must be safe to call concurrently and
// the stores must not share events.
//
// The suite never assumes positions are dense or numeric: it compares them
// with Position.Compare, Before and After only. It allows the global log to
// become visible to readers a little after an append returns (the PostgreSQL
// adapter hides transactions that may still be overtaken by older ones): before
// it reads $all it waits, bounded, until HeadPosition has reached the last
// append. Stream reads must see an append as soon as it returns.
//
// Some subtests close the store themselves; the adapter's cleanup must
// tolerate a second Close.
package eventstoretest

import (
	"context"
	"testing"
	"time"

	"backoffice/eventstore"
)

// patience bounds every wait of a subtest: a store that has not delivered
// within it is broken, not slow. It is generous on purpose; nothing is timed.
const patience = 30 * time.Second

// Run runs the whole suite as subtests. newStore returns a fresh, empty store
// (each call isolated); the adapter's test arranges cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) eventstore.Store) {
	t.Helper()
	groups := []struct {
		name  string
		tests []test
	}{
		{"Append", appendTests},
		{"AppendIf", appendIfTests},
		{"Payload", payloadTests},
		{"Idempotency", idempotencyTests},
		{"ReadStream", readStreamTests},
		{"ReadStreams", readStreamsTests},
		{"ReadAll", readAllTests},
		{"SubscribeAll", subscribeTests},
		{"Concurrency", concurrencyTests},
		{"Close", closeTests},
		{"Chain", chainTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					s := newStore(t)
					if s == nil {
						t.Fatal("newStore returned nil")
					}
					ctx, cancel := context.WithTimeout(t.Context(), patience)
					t.Cleanup(cancel)
					tc.fn(&fx{t: t, ctx: ctx, s: s})
				})
			}
		})
	}
}

// test is one rule of the port.
type test struct {
	name string
	fn   func(f *fx)
}

// ReadEachWay reads stream, the global log and the head once each and fails
// t when one of them fails: every read path of s exercised, for an adapter
// test that checks what its calls carried or reported.
func ReadEachWay(t testing.TB, ctx context.Context, s eventstore.Store, stream string) {
	t.Helper()
	if _, err := s.ReadStream(ctx, stream, eventstore.ReadStreamOptions{}); err != nil {
		t.Fatalf("ReadStream: %v", err)
	}
	if _, err := s.ReadAll(ctx, eventstore.Start, 10); err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if _, err := s.HeadPosition(ctx); err != nil {
		t.Fatalf("HeadPosition: %v", err)
	}
}
