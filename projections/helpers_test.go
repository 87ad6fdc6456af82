package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/internal/pgtest"
	"backoffice/projections"
)

func TestMain(m *testing.M) {
	pgtest.DurableForBenchmarks() // benchmark figures with fsync on
	pgtest.Main(m)
}

const sumsSQL = `CREATE TABLE sums (stream text PRIMARY KEY, total bigint NOT NULL, n bigint NOT NULL, last_rev bigint NOT NULL)`

// setupDB creates the runtime's tables and the test projectors' own.
var setupDB = pgtest.WithPool(func(ctx context.Context, pool *pgxpool.Pool) error {
	if err := projections.Migrate(ctx, pool); err != nil {
		return err
	}
	_, err := pool.Exec(ctx, sumsSQL+`; CREATE TABLE rows (pos_commit bigint, pos_prepare bigint, stream text, revision bigint, type text, n bigint)`)
	return err
})

func newPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "projections", setupDB))
}

type added struct {
	N int64 `json:"n"`
}

// appendEvents appends n events round-robin over streams; every 5th is of
// an ignored type. It returns the position of the last.
func appendEvents(t testing.TB, store eventstore.Store, n, streams int, offset int) eventstore.Position {
	t.Helper()
	ctx := context.Background()
	var last eventstore.Position
	for i := 0; i < n; i++ {
		k := offset + i
		typ := "test.added"
		if k%5 == 4 {
			typ = "test.ignored"
		}
		data, _ := json.Marshal(added{N: int64(k)})
		res, err := store.Append(ctx, fmt.Sprintf("s-%d", k%streams), eventstore.Any(), eventstore.EventData{
			ID: uuid.New(), Type: typ, Data: data, Metadata: eventstore.Metadata{OccurredAt: time.Now()},
		})
		if err != nil {
			t.Fatal(err)
		}
		last = res.Position
	}
	return last
}

// sums is a projector that keeps per-stream sums and refuses any event out
// of order, duplicated or skipped (revisions must follow each other, the
// ignored events included).
type sums struct {
	name  string
	table string // default sums
	hook  func(ctx context.Context, e eventstore.RecordedEvent) error
}

func (p *sums) tableName() string {
	if p.table == "" {
		return "sums"
	}
	return p.table
}

func (p *sums) Name() string {
	if p.name == "" {
		return "test_sums"
	}
	return p.name
}

func (p *sums) Handles(t string) bool { return t == "test.added" || t == "test.ignored" }

func (p *sums) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	if p.hook != nil {
		if err := p.hook(ctx, e); err != nil {
			return err
		}
	}
	var d added
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return err
	}
	if e.Type != "test.added" {
		d.N = 0
	}
	if e.Revision == 0 {
		_, err := tx.Exec(ctx, `INSERT INTO `+p.tableName()+` VALUES ($1, $2, 1, 0)`, e.Stream, d.N)
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE `+p.tableName()+` SET total = total + $2, n = n + 1, last_rev = $3 WHERE stream = $1 AND last_rev = $3 - 1`,
		e.Stream, d.N, int64(e.Revision))
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("sums: %s@%d out of order", e.Stream, e.Revision)
	}
	return nil
}

func (p *sums) Reset(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `TRUNCATE `+p.tableName())
	return err
}

type sumRow struct{ Total, N, LastRev int64 }

func readSums(t testing.TB, pool *pgxpool.Pool) map[string]sumRow {
	t.Helper()
	return readSumsIn(t, pool, "sums")
}

func readSumsIn(t testing.TB, pool *pgxpool.Pool, table string) map[string]sumRow {
	t.Helper()
	rows, _ := pool.Query(context.Background(), `SELECT stream, total, n, last_rev FROM `+table) // its error comes back from rows
	out := map[string]sumRow{}
	var s string
	var r sumRow
	if _, err := pgx.ForEachRow(rows, []any{&s, &r.Total, &r.N, &r.LastRev}, func() error { out[s] = r; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// expectedSums folds the store in Go.
func expectedSums(t testing.TB, store eventstore.Store) map[string]sumRow {
	t.Helper()
	out := map[string]sumRow{}
	from := eventstore.Start
	for {
		events, err := store.ReadAll(context.Background(), from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 {
			return out
		}
		for _, e := range events {
			var d added
			_ = json.Unmarshal(e.Data, &d)
			r := out[e.Stream]
			if e.Type == "test.added" {
				r.Total += d.N
			}
			r.N++
			r.LastRev = int64(e.Revision)
			out[e.Stream] = r
		}
		from = events[len(events)-1].Position
	}
}

func assertSums(t testing.TB, pool *pgxpool.Pool, store eventstore.Store) {
	t.Helper()
	assertSumsIn(t, pool, store, "sums")
}

func assertSumsIn(t testing.TB, pool *pgxpool.Pool, store eventstore.Store, table string) {
	t.Helper()
	got, want := readSumsIn(t, pool, table), expectedSums(t, store)
	if !maps.Equal(got, want) {
		t.Fatalf("read model differs from the log:\n got %v\nwant %v", got, want)
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newRuntime(t testing.TB, store eventstore.Store, pool *pgxpool.Pool, cfg projections.Config, ps ...projections.Projector) *projections.Runtime {
	t.Helper()
	cfg.Store, cfg.Pool, cfg.Projectors = store, pool, ps
	if cfg.CatchUpBatchSize == 0 {
		// Tests pick small batches to cut the log into many transactions
		// (kills between and inside them); catching up must use them too.
		cfg.CatchUpBatchSize = cfg.BatchSize
	}
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	if cfg.LockRetry == 0 {
		cfg.LockRetry = 20 * time.Millisecond
	}
	if cfg.RetryMin == 0 {
		cfg.RetryMin, cfg.RetryMax = time.Millisecond, 20*time.Millisecond
	}
	if cfg.WaitTimeout == 0 {
		cfg.WaitTimeout = 60 * time.Second
	}
	rt, err := projections.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// start runs rt until the returned stop is called (also at cleanup).
func start(t testing.TB, rt *projections.Runtime) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// eventually polls cond until it holds (a generous bound only catches hangs).
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// runningStatus is the projector's status once it says running: WaitFor
// returns when the checkpoint has passed the position, and the worker marks
// itself running just after (the checkpoint wakes the waiters first), so a
// status read right after WaitFor can still say catching_up (seen under load).
func runningStatus(t testing.TB, rt *projections.Runtime, name string) projections.ProjectorStatus {
	t.Helper()
	eventually(t, name+" running", func() bool { return status(t, rt, name).State == projections.StateRunning })
	return status(t, rt, name)
}

func status(t testing.TB, rt *projections.Runtime, name string) projections.ProjectorStatus {
	t.Helper()
	sts, err := rt.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no status for %s", name)
	return projections.ProjectorStatus{}
}

// killableRun is a runtime whose sums projector cancels the run at its
// killAt-th event (mid-batch: the transaction is open); cancel also kills
// it from outside, and Run's result arrives on done.
type killableRun struct {
	rt     *projections.Runtime
	ctx    context.Context
	cancel context.CancelFunc
	done   chan error
}

func startKillable(t testing.TB, store eventstore.Store, pool *pgxpool.Pool, killAt int64, cfg projections.Config) killableRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var handled atomic.Int64
	p := &sums{hook: func(context.Context, eventstore.RecordedEvent) error {
		if handled.Add(1) == killAt {
			cancel()
		}
		return nil
	}}
	k := killableRun{rt: newRuntime(t, store, pool, cfg, p), ctx: ctx, cancel: cancel, done: make(chan error, 1)}
	go func() { k.done <- k.rt.Run(ctx) }()
	return k
}

// assertKillsLeftNoTrace lets a fresh runtime catch up after the kills: the
// read model must equal the fold of the log and a clean rebuild.
func assertKillsLeftNoTrace(t testing.TB, ctx context.Context, store eventstore.Store, pool *pgxpool.Pool) {
	t.Helper()
	rt := newRuntime(t, store, pool, projections.Config{}, &sums{})
	stop := start(t, rt)
	head, err := store.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.WaitFor(ctx, head); err != nil {
		t.Fatalf("WaitFor(%s): %v", head, err)
	}
	stop()
	got := readSums(t, pool)
	assertSums(t, pool, store)
	if err := rt.Rebuild(ctx, "test_sums", nil); err != nil {
		t.Fatal(err)
	}
	if rebuilt := readSums(t, pool); !maps.Equal(got, rebuilt) {
		t.Fatalf("after kills %v\nrebuilt %v", got, rebuilt)
	}
}

// resumeProbe is the sums projector that counts the events it handles and
// keeps the position of the first: where a restarted runtime resumed.
type resumeProbe struct {
	sums
	seen  atomic.Int64
	first atomic.Value
}

func newResumeProbe() *resumeProbe {
	p := &resumeProbe{}
	p.hook = func(_ context.Context, e eventstore.RecordedEvent) error {
		if p.seen.Add(1) == 1 {
			p.first.Store(e.Position)
		}
		return nil
	}
	return p
}

// assertResumedAt checks that the probe handled n events, the first at at.
func (p *resumeProbe) assertResumedAt(t testing.TB, n int64, at eventstore.Position) {
	t.Helper()
	if got := p.seen.Load(); got != n {
		t.Fatalf("handled %d events after restart, want the %d new ones", got, n)
	}
	if got, _ := p.first.Load().(eventstore.Position); got != at {
		t.Fatalf("resumed at %s, want %s", got, at)
	}
}
