package pgtest_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestNewDBIsEmptyAndIsolated(t *testing.T) {
	t.Parallel()
	a := pgtest.Pool(t, pgtest.NewDB(t))
	b := pgtest.Pool(t, pgtest.NewDB(t))
	ctx := t.Context()
	if _, err := a.Exec(ctx, `CREATE TABLE x (id int)`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 'x'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("table from database a visible in database b")
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t, pgtest.NewDB(t))
	for name, want := range map[string]string{"fsync": "off", "synchronous_commit": "on", "max_connections": "300", "listen_addresses": ""} {
		var got string
		if err := pool.QueryRow(t.Context(), "SELECT current_setting($1)", name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

var setupCalls atomic.Int32

// setupSchema leaves a connection open on purpose: pgtest must cope.
func setupSchema(ctx context.Context, connString string) error {
	setupCalls.Add(1)
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `CREATE TABLE events (id int PRIMARY KEY); INSERT INTO events VALUES (1), (2)`)
	return err
}

func TestNewDBFromTemplateParallel(t *testing.T) {
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "schema v1", setupSchema))
			ctx := t.Context()
			// Writes to one copy must not show up in another.
			if _, err := pool.Exec(ctx, `INSERT INTO events VALUES ($1)`, 100+i); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 3 {
				t.Fatalf("count = %d, want 3", n)
			}
		})
	}
	t.Cleanup(func() {
		if n := setupCalls.Load(); n != 1 {
			t.Errorf("setup ran %d times, want 1", n)
		}
	})
}

func TestTemplateSetupErrorFailsClearly(t *testing.T) {
	t.Parallel()
	// Run in a fake TB to observe the failure without failing this test.
	ft := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		pgtest.NewDBFromTemplate(ft, "broken", func(context.Context, string) error { return fmt.Errorf("boom") })
	}()
	<-done
	if !ft.failed {
		t.Fatal("no failure reported for a failing template setup")
	}
}

// fakeTB records Fatalf instead of failing the real test.
type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = true
	f.TB.Logf("(expected) "+format, args...)
	runtimeGoexit()
}
func (f *fakeTB) Fatal(args ...any) {
	f.failed = true
	f.TB.Log(append([]any{"(expected)"}, args...)...)
	runtimeGoexit()
}
