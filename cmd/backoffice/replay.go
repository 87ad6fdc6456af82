package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/projections"
	"backoffice/readmodel"
	rmdocuments "backoffice/readmodel/documents"
	rmidentity "backoffice/readmodel/identity"
	rmpayroll "backoffice/readmodel/payroll"
	rmtimesheets "backoffice/readmodel/timesheets"
)

// schemaName is what `audit replay --schema` accepts: a plain lower-case
// identifier, never a schema the application uses.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// replayCmd is `backoffice audit replay --as-of T --schema NAME`: the read
// models (identity, timesheets, payroll feed, documents; no mail or other
// side effect) rebuilt into a new schema from the events up to a position
// or time, for an auditor to query what the screens and the payroll feed
// showed then. The live read models and projectors are not touched.
func replayCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if wantsHelp(args) {
		fmt.Fprintln(stdout, replayUsage)
		return nil
	}
	flags, rest, err := takeFlags(args, "as-of", "schema")
	if err != nil {
		return fmt.Errorf("%w\n%s", err, replayUsage)
	}
	if len(flags["as-of"]) != 1 || len(flags["schema"]) != 1 {
		return errors.New(replayUsage)
	}
	schema := flags["schema"][0]
	if !schemaName.MatchString(schema) || schema == "public" || schema == "pg_catalog" || schema == "information_schema" ||
		strings.HasPrefix(schema, replayWIPPrefix) {
		return fmt.Errorf("--schema %q: want a new lower-case identifier (letters, digits, _), not public, not starting with %s", schema, replayWIPPrefix)
	}
	asOf := flags["as-of"][0]
	var at *time.Time
	var limit eventstore.Position
	if p, perr := eventstore.ParsePosition(asOf); perr == nil {
		limit = p
	} else if t, terr := time.Parse(time.RFC3339Nano, asOf); terr == nil {
		at = &t
	} else {
		return fmt.Errorf("--as-of %q: want a position (COMMIT-PREPARE) or an RFC 3339 time", asOf)
	}

	db, es, err := openLedger(ctx, rest, replayUsage, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	defer es.Store.Close()
	if at != nil {
		if limit, err = positionAt(ctx, es.Store, *at); err != nil {
			return err
		}
	} else {
		// A position beyond the last event would name a state that later
		// events may still change: replay up to the last event and say so.
		head, err := es.Store.HeadPosition(ctx)
		if err != nil {
			return err
		}
		if limit.After(head) {
			fmt.Fprintf(stderr, "--as-of %s lies beyond the ledger's last event: replaying up to %s\n", limit, head)
			limit = head
		}
		// A position before the first event names no state at all: refused
		// like a time before the first event (it built an empty schema).
		first, err := es.Store.ReadAll(ctx, eventstore.Start, 1)
		if err != nil {
			return err
		}
		if len(first) == 0 {
			return errors.New("--as-of: the ledger is empty")
		}
		if first[0].Position.After(limit) {
			return fmt.Errorf("--as-of %s lies before the ledger's first event (%s): nothing to replay", asOf, first[0].Position)
		}
	}

	// The read models of a tampered ledger would show the changed events as
	// recorded: check every chain (and the recorded digests) up to the
	// moment first, as commands do on load.
	if err := verifiedUpTo(ctx, db.Pool, es.Store, limit, stderr); err != nil {
		return err
	}

	// One replay per target at a time: a session lock, which a killed
	// process's session gives up with it.
	wip := wipSchema(schema)
	lock, err := db.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer lock.Release()
	var locked bool
	if err := lock.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, replayLockKey+wip).Scan(&locked); err != nil {
		return err
	}
	if !locked {
		return fmt.Errorf("another audit replay into schema %s is running", schema)
	}
	defer func() {
		_, _ = lock.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, replayLockKey+wip)
	}()
	if err := dropLeftovers(ctx, db.Pool, lock, wip, stderr); err != nil {
		return err
	}
	var exists bool
	if err := db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1)`, schema).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return fmt.Errorf("schema %s exists already: choose a new name (or DROP SCHEMA %s CASCADE first)", schema, schema)
	}
	// Built under a name of its own and renamed at the end (atomic): an
	// interrupted replay never leaves a schema under the auditor's name.
	if _, err := db.Pool.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{wip}.Sanitize()+"; COMMENT ON SCHEMA "+pgx.Identifier{wip}.Sanitize()+
		" IS "+quoteLiteral("backoffice audit replay into "+schema+" (being built; removed by the next replay if left over)")); err != nil {
		return err
	}
	err = buildReplay(ctx, db.Pool, wip, schema, limit, es.Store, stderr)
	if err == nil {
		_, err = db.Pool.Exec(ctx, "ALTER SCHEMA "+pgx.Identifier{wip}.Sanitize()+" RENAME TO "+pgx.Identifier{schema}.Sanitize())
	}
	if err != nil {
		// Ctrl-C, SIGTERM or a failure: the half-built schema goes, on a
		// context of its own (ctx may be the cancelled one).
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if _, derr := db.Pool.Exec(dctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{wip}.Sanitize()+" CASCADE"); derr != nil {
			return fmt.Errorf("%w (and the half-built schema %s could not be removed: %v; the next replay removes it)", err, wip, derr)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("audit replay interrupted: nothing was kept (schema %s not created)", schema)
		}
		return fmt.Errorf("%w (nothing was kept: schema %s not created)", err, schema)
	}
	fmt.Fprintf(stdout, "schema %s holds the read models as of position %s\nquery it with: SET search_path TO %s;\n", schema, limit, schema)
	return nil
}

// replayWIPPrefix names the schemas replays build in; --schema may not
// start with it.
const replayWIPPrefix = "replay_wip_"

// replayLockKey is the prefix of the advisory lock key of a replay's
// work-in-progress schema.
const replayLockKey = "backoffice audit replay "

// wipSchema is the schema a replay into schema builds in: the prefix and
// a hash of the name, so it always fits PostgreSQL's 63 bytes.
func wipSchema(schema string) string {
	sum := sha256.Sum256([]byte(schema))
	return replayWIPPrefix + hex.EncodeToString(sum[:8])
}

// dropLeftovers removes the work-in-progress schemas of replays that were
// killed (-9, a lost connection): own, the one of this target (its lock is
// held by this run), and every other whose lock nobody holds.
func dropLeftovers(ctx context.Context, pool *pgxpool.Pool, lock *pgxpool.Conn, own string, stderr io.Writer) error {
	rows, err := pool.Query(ctx, `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY nspname`, replayWIPPrefix)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, name := range names {
		if name != own {
			var free bool
			if err := lock.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, replayLockKey+name).Scan(&free); err != nil {
				return err
			}
			if !free {
				continue // another replay is building it
			}
		}
		_, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE")
		if name != own {
			_, _ = lock.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, replayLockKey+name)
		}
		if err != nil {
			return fmt.Errorf("removing the leftover schema %s of an interrupted replay: %w", name, err)
		}
		fmt.Fprintf(stderr, "removed the leftover schema %s of an interrupted replay\n", name)
	}
	return nil
}

// quoteLiteral is s as an SQL string literal (for COMMENT, which takes no
// parameters).
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// buildReplay rebuilds the read models into schema wip from the events up
// to limit, under projector names of target's. Each page of events is its
// own short transaction (the projector runtime's rebuild): no transaction
// stays open across the replay, which would hold back the snapshot xmin
// and so every live projector reading the PostgreSQL event store.
func buildReplay(ctx context.Context, live *pgxpool.Pool, wip, target string, limit eventstore.Position, store eventstore.Store, stderr io.Writer) error {
	cfg := live.Config().Copy()
	cfg.ConnConfig.RuntimeParams["search_path"] = wip
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := readmodel.Migrate(ctx, pool); err != nil {
		return err
	}
	if err := projections.Migrate(ctx, pool); err != nil {
		return err
	}
	var ps []projections.Projector
	for _, group := range [][]projections.Projector{rmidentity.Projectors(), rmtimesheets.Projectors(), rmpayroll.Projectors(), rmdocuments.Projectors()} {
		for _, p := range group {
			ps = append(ps, replayProjector(target, p))
		}
	}
	// OneTransactionBelow 1: every page its own transaction, even for a
	// short log; a rebuild in one transaction would keep a transaction ID
	// open across pages and stall the live projectors meanwhile (see
	// below, docs/audit.md).
	rt, err := projections.New(projections.Config{Store: upTo{Store: store, limit: limit}, Pool: pool, Projectors: ps,
		Logger: slog.New(slog.DiscardHandler), OneTransactionBelow: 1})
	if err != nil {
		return err
	}
	for _, p := range ps {
		last := -1
		err := rt.Rebuild(ctx, p.Name(), func(done, total int) {
			if pct := done * 100 / max(total, 1); pct != last {
				last = pct
				fmt.Fprintf(stderr, "\r%s: %d/%d events (%d%%)", p.Name(), done, total, pct)
			}
		})
		fmt.Fprintln(stderr)
		if err != nil {
			return err
		}
	}
	return nil
}

// positionAt is the position of the last event recorded at or before t.
func positionAt(ctx context.Context, s eventstore.Store, t time.Time) (eventstore.Position, error) {
	last, found := eventstore.Start, false
	for from := eventstore.Start; ; {
		page, err := s.ReadAll(ctx, from, 1000)
		if err != nil {
			return last, err
		}
		for _, e := range page {
			if e.Created.After(t) {
				if !found {
					return last, fmt.Errorf("--as-of %s: the ledger has no event that early", t.Format(time.RFC3339))
				}
				return last, nil
			}
			last, found = e.Position, true
		}
		if len(page) == 0 {
			if !found {
				return last, errors.New("--as-of: the ledger is empty")
			}
			return last, nil
		}
		from = page[len(page)-1].Position
	}
}

// upTo is the event store as it was at limit: reads of $all end there.
// Only what a rebuild uses is offered.
// verifiedUpTo checks the ledger up to limit (every stream's chain, every
// recorded digest at or before it) and refuses the replay when it is not
// intact.
func verifiedUpTo(ctx context.Context, pool *pgxpool.Pool, store eventstore.Store, limit eventstore.Position, stderr io.Writer) error {
	recs, err := ledger.Records(ctx, pool)
	if err != nil {
		return err
	}
	var checks []ledger.Checkpoint
	for _, r := range recs {
		if !r.Position.After(limit) {
			checks = append(checks, ledger.Checkpoint{Position: r.Position, Digest: r.Digest, Events: r.Events,
				Source: "recorded " + r.RecordedAt.UTC().Format("2006-01-02T15:04:05Z")})
		}
	}
	rep, err := ledger.Verify(ctx, upTo{Store: store, limit: limit}, ledger.VerifyOptions{Extra: checks, ProgressEvery: 50000,
		Progress: func(n int64, at eventstore.Position) {
			fmt.Fprintf(stderr, "\rverifying the ledger up to %s: %d events, at %s   ", limit, n, at)
		}})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	if rep.Broken != nil {
		return fmt.Errorf("%w up to %s, nothing was replayed: %s", errLedgerBroken, limit, rep.Broken)
	}
	return nil
}

type upTo struct {
	eventstore.Store
	limit eventstore.Position
}

func (s upTo) ReadAll(ctx context.Context, from eventstore.Position, max int) ([]eventstore.RecordedEvent, error) {
	evs, err := s.Store.ReadAll(ctx, from, max)
	for i, e := range evs {
		if e.Position.After(s.limit) {
			return evs[:i], err
		}
	}
	return evs, err
}

func (s upTo) HeadPosition(ctx context.Context) (eventstore.Position, error) {
	h, err := s.Store.HeadPosition(ctx)
	if err == nil && h.After(s.limit) {
		h = s.limit
	}
	return h, err
}

func (s upTo) SubscribeAll(context.Context, eventstore.Position) (eventstore.Subscription, error) {
	return nil, errors.New("audit replay: no live subscription on a replay")
}

// replayProjector runs p under a name of its own ("replay.<schema>.<name>"),
// so its advisory lock never meets the live projector's.
func replayProjector(schema string, p projections.Projector) projections.Projector {
	r := renamed{Projector: p, name: "replay." + schema + "." + p.Name()}
	if b, ok := p.(projections.BatchProjector); ok {
		return renamedBatch{renamed: r, batch: b}
	}
	return r
}

type renamed struct {
	projections.Projector
	name string
}

func (r renamed) Name() string { return r.name }

type renamedBatch struct {
	renamed
	batch projections.BatchProjector
}

func (r renamedBatch) HandleBatch(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent) error {
	return r.batch.HandleBatch(ctx, tx, events)
}
