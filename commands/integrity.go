package commands

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
)

// integrityFailures counts commands refused because a loaded stream's hash
// chain was broken (see Load).
var integrityFailures atomic.Uint64

// IntegrityFailures is how many commands were refused on a broken hash chain
// since the process started; the metrics registry exports it as
// backoffice_ledger_integrity_failures_total.
func IntegrityFailures() float64 { return float64(integrityFailures.Load()) }

// refuseBrokenChain is Load's answer to a stream whose chain does not verify:
// nothing may be decided on tampered history. The error wraps the
// *eventstore.IntegrityError (eventstore.ErrIntegrity), which the HTTP layer
// answers with 500 ledger_integrity. It is logged here as well, because it
// is a security event whoever the caller is.
func refuseBrokenChain(ctx context.Context, stream string, err error) error {
	integrityFailures.Add(1)
	slog.ErrorContext(ctx, "ledger integrity broken: command refused", "stream", stream, "err", err)
	return fmt.Errorf("commands: load %s: %w", stream, err)
}
