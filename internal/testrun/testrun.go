// Package testrun runs a component's Run loop (the application, the
// projections runtime, the mail dispatcher) for as long as a test lasts.
package testrun

import (
	"context"
	"errors"
	"testing"
)

// Background calls run in a goroutine until the test ends, on a context
// derived from ctx: the test's cleanup cancels it and waits for run to
// return, so nothing of it outlives the test. An error other than the
// cancellation fails the test.
func Background(t testing.TB, ctx context.Context, run func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("run: %v", err)
		}
	})
}
