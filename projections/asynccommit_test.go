package projections_test

import (
	"context"
	"errors"
	"sync"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/internal/pgtest"
	"backoffice/projections"
)

// asyncSums is the sums projector declared a pure read model.
type asyncSums struct{ sums }

func (*asyncSums) AsyncCommit() bool { return true }

// commitProbe records the synchronous_commit its live transactions run with,
// and the WAL insert position in its last one.
type commitProbe struct {
	name  string
	async bool
	mu    sync.Mutex
	seen  []string
	lsn   string
}

func (p *commitProbe) Name() string          { return p.name }
func (p *commitProbe) AsyncCommit() bool     { return p.async }
func (p *commitProbe) Handles(t string) bool { return t == "test.added" }
func (p *commitProbe) Reset(context.Context, pgx.Tx) error {
	return nil
}

func (p *commitProbe) Handle(ctx context.Context, tx pgx.Tx, _ eventstore.RecordedEvent) error {
	var v, lsn string
	if err := tx.QueryRow(ctx, `SELECT current_setting('synchronous_commit'), pg_current_wal_insert_lsn()::text`).Scan(&v, &lsn); err != nil {
		return err
	}
	p.mu.Lock()
	p.seen = append(p.seen, v)
	p.lsn = lsn
	p.mu.Unlock()
	return nil
}

// TestRebuildPagesCommitLikeLiveBatches: a rebuild's pages commit as the
// projector's live batches do (without waiting for the WAL flush where it
// declares AsyncCommit, durably otherwise), and when Rebuild returns the
// WAL is on disk past the last page of either.
func TestRebuildPagesCommitLikeLiveBatches(t *testing.T) {
	ctx := context.Background()
	store, pool := memory.New(), newPool(t)
	async, durable := &commitProbe{name: "probe_async_rebuild", async: true}, &commitProbe{name: "probe_durable_rebuild"}
	appendEvents(t, store, 30, 3, 0)
	rt := newRuntime(t, store, pool, projections.Config{CatchUpBatchSize: 10}, async, durable)
	start(t, rt)
	eventually(t, "projectors running", func() bool {
		return status(t, rt, async.name).State == projections.StateRunning &&
			status(t, rt, durable.name).State == projections.StateRunning
	})
	for _, c := range []struct {
		p    *commitProbe
		want string
	}{{async, "off"}, {durable, "on"}} {
		c.p.mu.Lock()
		c.p.seen = nil
		c.p.mu.Unlock()
		if err := rt.Rebuild(ctx, c.p.name, nil); err != nil {
			t.Fatal(err)
		}
		// The memory store writes no WAL and the WAL writer flushes
		// asynchronous commits only after wal_writer_delay: only the
		// rebuild's own durable commit puts the flush past the last page now.
		var flushed bool
		c.p.mu.Lock()
		seen, lsn := c.p.seen, c.p.lsn
		c.p.mu.Unlock()
		if err := pool.QueryRow(ctx, `SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn`, lsn).Scan(&flushed); err != nil {
			t.Fatal(err)
		}
		if !flushed {
			t.Errorf("%s: the WAL is not flushed past the rebuild's last page (%s) when Rebuild returns", c.p.name, lsn)
		}
		if len(seen) != 24 { // every 5th event is of a type the probe ignores
			t.Errorf("%s: the rebuild handled %d events, want 24", c.p.name, len(seen))
		}
		for _, v := range seen {
			if v != c.want {
				t.Errorf("%s: synchronous_commit = %s in a rebuild page, want %s", c.p.name, v, c.want)
				break
			}
		}
	}
}

// TestAsyncCommitOnlyWhereDeclared: live batches of a projector that
// declares AsyncCommit run with synchronous_commit off; every other
// projector's (a mailer's, say) keep the durable commit.
func TestAsyncCommitOnlyWhereDeclared(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	async, durable := &commitProbe{name: "probe_async", async: true}, &commitProbe{name: "probe_durable"}
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 10}, async, durable)
	start(t, rt)
	// Live batches: the projectors are running before the events come.
	eventually(t, "projectors running", func() bool {
		return status(t, rt, async.name).State == projections.StateRunning &&
			status(t, rt, durable.name).State == projections.StateRunning
	})
	last := appendEvents(t, store, 20, 3, 0)
	if err := rt.WaitFor(context.Background(), last); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p    *commitProbe
		want string
	}{{async, "off"}, {durable, "on"}} {
		c.p.mu.Lock()
		if len(c.p.seen) == 0 {
			t.Errorf("%s handled nothing", c.p.name)
		}
		for _, v := range c.p.seen {
			if v != c.want {
				t.Errorf("%s: synchronous_commit = %s in a live batch, want %s", c.p.name, v, c.want)
			}
		}
		c.p.mu.Unlock()
	}
}

// TestAsyncCommitsLostInACrashAreReapplied: PostgreSQL crashes after a
// projector's asynchronous commits and before they reached the WAL on disk.
// The crash takes the projector's rows and its checkpoint back together,
// and the projector, started again, applies those events once more and
// ends equal to the log: nothing lost, nothing doubled (sums refuses an
// event out of order or twice).
//
// To lose the commits for certain, the cluster's WAL writer is stopped
// (SIGSTOP) before them and then killed (SIGKILL), which PostgreSQL treats
// as a crash of the server: it ends every session and recovers from the WAL
// on disk. The events live in a memory store, so nothing but the
// projector's commits writes WAL meanwhile. On a busy machine something can
// still flush the WAL before the crash (a backend writing out a dirty
// buffer, a checkpoint); then nothing was lost, the attempt proves nothing,
// and it runs again on the recovered cluster.
func TestAsyncCommitsLostInACrashAreReapplied(t *testing.T) {
	ctx := context.Background()
	settings := map[string]string{}
	for k, v := range pgtest.Settings {
		settings[k] = v
	}
	// Nothing but the test's commits should write or flush WAL.
	settings["autovacuum"], settings["bgwriter_lru_maxpages"], settings["wal_writer_delay"] = "off", "0", "10s"
	cluster := pgtest.PrivateCluster(t, "pgcrash", settings)
	cs := cluster.ConnString("postgres")
	if err := setupDB(ctx, cs); err != nil {
		t.Fatal(err)
	}
	pool := crashPool(t, cs)
	store := memory.New()
	p := &asyncSums{sums{name: "crash_sums"}}

	const attempts = 5
	for attempt := 0; ; attempt++ {
		last, lost := crashAfterAsyncCommits(t, pool, store, p, attempt*80)
		if lost {
			rt2 := newRuntime(t, store, pool, projections.Config{BatchSize: 5}, p)
			start(t, rt2)
			if err := rt2.WaitFor(ctx, last); err != nil {
				t.Fatal(err)
			}
			assertSums(t, pool, store)
			return
		}
		if attempt == attempts-1 {
			t.Fatalf("in %d attempts the asynchronous commits always survived the crash, so the test lost nothing", attempts)
		}
		t.Logf("attempt %d: the WAL was flushed before the crash, nothing lost; again", attempt+1)
	}
}

// crashAfterAsyncCommits runs p over 40 events committed durably and 40
// more committed asynchronously while the WAL writer is stopped, then
// crashes PostgreSQL. It reports the last event's position and whether the
// crash took the asynchronous commits back (rows and checkpoint together).
func crashAfterAsyncCommits(t *testing.T, pool *pgxpool.Pool, store eventstore.Store, p projections.Projector, offset int) (eventstore.Position, bool) {
	t.Helper()
	ctx := context.Background()
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 5}, p)
	stop := start(t, rt)
	eventually(t, "projector running", func() bool { return status(t, rt, p.Name()).State == projections.StateRunning })
	durable := appendEvents(t, store, 40, 4, offset)
	if err := rt.WaitFor(ctx, durable); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	// A durable commit flushes the WAL past every commit before it.
	if _, err := pool.Exec(ctx, `CREATE TABLE flushed (); DROP TABLE flushed`); err != nil {
		t.Fatal(err)
	}

	var walWriter int
	if err := pool.QueryRow(ctx, `SELECT pid FROM pg_stat_activity WHERE backend_type = 'walwriter'`).Scan(&walWriter); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(walWriter, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	last := appendEvents(t, store, 40, 4, offset+40)
	if err := rt.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	stop() // the projector's last commits were asynchronous and are in no file yet
	if err := syscall.Kill(walWriter, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// The postmaster reaps the WAL writer, ends every session, recovers and
	// accepts connections again. Until it has reaped it, a new connection
	// could still read the checkpoint from before the crash.
	eventually(t, "the WAL writer reaped", func() bool { return errors.Is(syscall.Kill(walWriter, 0), syscall.ESRCH) })
	pool.Reset()
	var cp eventstore.Position
	eventually(t, "PostgreSQL back after the crash", func() bool {
		c, pr, err := storedCheckpoint(ctx, pool, p.Name())
		cp = eventstore.Position{Commit: uint64(c), Prepare: uint64(pr)}
		return err == nil
	})
	if !cp.Before(last) {
		return last, false
	}
	if cp.Before(durable) {
		t.Fatalf("checkpoint %v after the crash is before %v, which a durable commit had flushed", cp, durable)
	}
	var n int64
	got := readSums(t, pool)
	for _, r := range got {
		n += r.N
	}
	if total := int64(offset + 80); n >= total {
		t.Fatalf("the read model kept all %d events though its checkpoint went back to %v: %v", total, cp, got)
	}
	t.Logf("after the crash: checkpoint %v (last event %v), %d of %d events in the read model", cp, last, n, offset+80)
	return last, true
}

func crashPool(t *testing.T, cs string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), cs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func storedCheckpoint(ctx context.Context, pool *pgxpool.Pool, name string) (commit, prepare int64, err error) {
	err = pool.QueryRow(ctx, `SELECT commit_pos, prepare_pos FROM projection_checkpoints WHERE name = $1`, name).Scan(&commit, &prepare)
	return commit, prepare, err
}
