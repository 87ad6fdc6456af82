package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
	doccmd "backoffice/commands/document"
	"backoffice/http/api"
)

// Retention of operational rows that are no use after a while.
const (
	housekeepingEvery = time.Hour
)

// housekeeping removes expired sessions, used or expired tokens, old login
// failure windows, old idempotency keys and document files no event names
// (docs, when set): once at start and then every hour, until ctx ends. Several processes may run it at once; the deletes
// are idempotent. mail_deliveries rows are kept on purpose: they are what
// keeps a rebuilt mail projector from mailing again (their bodies are
// removed once sent).
func housekeeping(pool *pgxpool.Pool, a *auth.Service, docs *doccmd.Handler, clock func() time.Time, log *slog.Logger) func(context.Context) error {
	return func(ctx context.Context) error {
		t := time.NewTicker(housekeepingEvery)
		defer t.Stop()
		for {
			if err := tidy(ctx, pool, a, docs, clock()); err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "housekeeping failed; retrying in an hour", "err", err)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	}
}

// tidy is one housekeeping pass.
func tidy(ctx context.Context, pool *pgxpool.Pool, a *auth.Service, docs *doccmd.Handler, now time.Time) error {
	if err := a.PurgeExpired(ctx, now); err != nil {
		return err
	}
	if err := api.PurgeIdempotencyKeys(ctx, pool, now); err != nil {
		return err
	}
	if docs == nil {
		return nil
	}
	_, err := docs.PurgeOrphanFiles(ctx, now)
	return err
}
