package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
	"backoffice/projections"
)

const benchEvents = 100_000

var rowColumns = []string{"pos_commit", "pos_prepare", "stream", "revision", "type", "n"}

func rowOf(e eventstore.RecordedEvent) ([]any, error) {
	var d added
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return nil, err
	}
	return []any{int64(e.Position.Commit), int64(e.Position.Prepare), e.Stream, int64(e.Revision), e.Type, d.N}, nil
}

// rowsProjector writes one row per event; batched with COPY.
type rowsProjector struct{}

func (rowsProjector) Name() string          { return "bench_rows" }
func (rowsProjector) Handles(t string) bool { return t == "bench.row" }
func (p rowsProjector) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	return p.HandleBatch(ctx, tx, []eventstore.RecordedEvent{e})
}
func (p rowsProjector) HandleBatch(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent) error {
	return p.HandlePrepared(ctx, tx, events, p.Prepare(events))
}

// Prepare decodes the rows in the runtime's read-ahead goroutine (a
// decoding error is left for HandlePrepared).
func (rowsProjector) Prepare(events []eventstore.RecordedEvent) any {
	rows := make([][]any, len(events))
	for i, e := range events {
		r, err := rowOf(e)
		if err != nil {
			return err
		}
		rows[i] = r
	}
	return rows
}

func (rowsProjector) HandlePrepared(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent, prepared any) error {
	rows, ok := prepared.([][]any)
	if !ok || len(rows) != len(events) {
		if err, ok := prepared.(error); ok {
			return err
		}
		return fmt.Errorf("rows: %d rows prepared for %d events", len(rows), len(events))
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"rows"}, rowColumns, pgx.CopyFromRows(rows))
	return err
}
func (rowsProjector) Reset(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `TRUNCATE rows`)
	return err
}

// perEventProjector is a plain Projector (no HandleBatch): the runtime
// calls Handle, one INSERT per event.
type perEventProjector struct{}

func (perEventProjector) Name() string          { return "bench_per_event" }
func (perEventProjector) Handles(t string) bool { return t == "bench.row" }
func (perEventProjector) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	r, err := rowOf(e)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO rows VALUES ($1, $2, $3, $4, $5, $6)`, r...)
	return err
}
func (perEventProjector) Reset(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `TRUNCATE rows`)
	return err
}

var _ projections.PreparingProjector = rowsProjector{}

// pgStore is a fresh database with the event store, its PostgreSQL store
// and the projections' test tables.
func pgStore(t testing.TB) (*pgxpool.Pool, *postgres.Store) {
	cs := pgtest.NewDBFromTemplate(t, "projections_pg", func(ctx context.Context, cs string) error {
		if err := postgres.Migrate(ctx, cs); err != nil {
			return err
		}
		return setupDB(ctx, cs)
	})
	pool := pgtest.Pool(t, cs)
	store := pgtest.EventStore(t, pool)
	return pool, store
}

// benchStore fills the PostgreSQL event store (on the benchmark's fsync=on
// cluster) with benchEvents events, 100 per append, and returns them.
func benchStore(b *testing.B) (*pgxpool.Pool, eventstore.Store, []eventstore.RecordedEvent) {
	pool, store := pgStore(b)
	ctx := context.Background()
	for i := 0; i < benchEvents; i += 100 {
		batch := make([]eventstore.EventData, 100)
		for j := range batch {
			data, _ := json.Marshal(added{N: int64(i + j)})
			batch[j] = eventstore.EventData{ID: uuid.New(), Type: "bench.row", Data: data}
		}
		if _, err := store.Append(ctx, fmt.Sprintf("timesheet-%d", i/100%500), eventstore.Any(), batch...); err != nil {
			b.Fatal(err)
		}
	}
	var events []eventstore.RecordedEvent
	for from := eventstore.Start; ; {
		page, err := store.ReadAll(ctx, from, 10000)
		if err != nil {
			b.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		events = append(events, page...)
		from = page[len(page)-1].Position
	}
	return pool, store, events
}

func resetRows(b *testing.B, pool *pgxpool.Pool, name string) {
	if _, err := pool.Exec(context.Background(), `TRUNCATE rows`); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(context.Background(), `DELETE FROM projection_checkpoints WHERE name = $1`, name); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCatchUp projects benchEvents events read from the PostgreSQL
// event store into a one-row-per-event read model through the runtime
// (ReadAll pages, batches with their checkpoint), on a cluster with
// fsync=on, and, as the baseline in the same loop, COPYs the same rows
// straight into the same table. The per-event case is a plain Projector
// (Handle, one INSERT per event).
func BenchmarkCatchUp(b *testing.B) {
	for _, tc := range []struct {
		name string
		p    projections.Projector
	}{
		{"batch", rowsProjector{}}, {"per_event", perEventProjector{}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if _, batch := tc.p.(projections.BatchProjector); batch != (tc.name == "batch") {
				b.Fatalf("%s: BatchProjector = %v", tc.name, batch)
			}
			pool, store, events := benchStore(b)
			head := events[len(events)-1].Position
			rows := make([][]any, len(events))
			for i, e := range events {
				rows[i], _ = rowOf(e)
			}
			var copyDur, projDur time.Duration
			b.ResetTimer()
			for b.Loop() {
				resetRows(b, pool, tc.p.Name())
				t0 := time.Now()
				if _, err := pool.CopyFrom(context.Background(), pgx.Identifier{"rows"}, rowColumns, pgx.CopyFromRows(rows)); err != nil {
					b.Fatal(err)
				}
				copyDur += time.Since(t0)

				resetRows(b, pool, tc.p.Name())
				rt := newRuntime(b, store, pool, projections.Config{}, tc.p)
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				t0 = time.Now()
				go func() { done <- rt.Run(ctx) }()
				if err := rt.WaitFor(context.Background(), head); err != nil {
					b.Fatal(err)
				}
				projDur += time.Since(t0)
				cancel()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			}
			n := float64(b.N * len(events))
			b.ReportMetric(n/projDur.Seconds(), "events/s")
			b.ReportMetric(n/copyDur.Seconds(), "copy_rows/s")
			b.ReportMetric(copyDur.Seconds()/projDur.Seconds()*100, "%_of_copy")
		})
	}
}
