package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
	"backoffice/eventstore/eventstoretest"
	"backoffice/eventstore/postgres"
)

// newStore returns a store on a fresh migrated database.
func newStore(t testing.TB, opts postgres.Options) (*postgres.Store, string) {
	t.Helper()
	cs := newMigratedDB(t)
	return openStore(t, newPool(t, cs), opts), cs
}

func event(typ string, n int) eventstore.EventData {
	return eventstore.EventData{
		ID:       uuid.New(),
		Type:     typ,
		Data:     json.RawMessage(fmt.Sprintf(`{"n":%d}`, n)),
		Metadata: eventstore.Metadata{ActorID: "tester", OccurredAt: time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)},
	}
}

func events(n int) []eventstore.EventData {
	out := make([]eventstore.EventData, n)
	for i := range out {
		out[i] = event("test.happened", i)
	}
	return out
}

func ids(evs []eventstore.RecordedEvent) []uuid.UUID {
	out := make([]uuid.UUID, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func TestNewRefusesUnsafeFsync(t *testing.T) {
	ctx := t.Context()
	pool := newPool(t, newMigratedDB(t))
	var fsync string
	if err := pool.QueryRow(ctx, "SHOW fsync").Scan(&fsync); err != nil {
		t.Fatal(err)
	}
	if fsync != "off" {
		t.Skipf("test cluster runs with fsync=%s", fsync)
	}
	_, err := postgres.New(ctx, pool, postgres.Options{})
	if err == nil || !strings.Contains(err.Error(), "fsync") || !strings.Contains(err.Error(), "AllowUnsafeFsync") {
		t.Fatalf("New on an fsync=off server: err = %v, want a refusal naming fsync and AllowUnsafeFsync", err)
	}
	s, err := postgres.New(ctx, pool, postgres.Options{AllowUnsafeFsync: true})
	if err != nil {
		t.Fatalf("New with AllowUnsafeFsync: %v", err)
	}
	s.Close()
}

func TestNewRequiresSchema(t *testing.T) {
	_, err := postgres.New(t.Context(), newPool(t, newDB(t)), postgres.Options{AllowUnsafeFsync: true})
	if err == nil || !strings.Contains(err.Error(), "Migrate") {
		t.Fatalf("New on an unmigrated database: err = %v, want a hint to run Migrate", err)
	}
}

func TestMigrateIsRepeatableAndConcurrent(t *testing.T) {
	cs := newDB(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = postgres.Migrate(t.Context(), cs) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if err := postgres.Migrate(t.Context(), cs); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	var n int
	if err := newPool(t, cs).QueryRow(t.Context(),
		"SELECT count(*) FROM "+postgres.VersionTable+" WHERE version_id > 0").Scan(&n); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if want := len(files) + postgres.GoMigrations; n != want {
		t.Fatalf("%s has %d applied versions, want one per migration file and Go migration (%d)", postgres.VersionTable, n, want)
	}
}

// TestOutOfOrderCommit holds transaction A open after it has inserted an
// event, commits a later transaction B, and checks that no reader sees B
// before A has ended: otherwise a subscriber that passed B would skip A.
func TestOutOfOrderCommit(t *testing.T) {
	for _, commitA := range []bool{true, false} {
		t.Run(fmt.Sprintf("commitA=%v", commitA), func(t *testing.T) {
			ctx := t.Context()
			s, cs := newStore(t, postgres.Options{PollInterval: time.Hour})
			pool := newPool(t, cs)

			before := event("test.before", 0)
			if _, err := s.Append(ctx, "before", eventstore.NoStream(), before); err != nil {
				t.Fatal(err)
			}
			sub, err := s.SubscribeAll(ctx, eventstore.Start)
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Close()
			recv := func() eventstore.SubscriptionMessage {
				t.Helper()
				m, err := sub.Recv(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			if m := recv(); m.Event == nil || m.Event.ID != before.ID {
				t.Fatalf("first message = %+v, want the event stored before", m)
			}
			if m := recv(); !m.CaughtUp {
				t.Fatalf("second message = %+v, want CaughtUp", m)
			}

			a := event("test.a", 1)
			txA, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer txA.Rollback(context.Background())
			if ok, err := postgres.AppendInTx(ctx, txA, "stream-a", eventstore.NoStream(), a); err != nil || !ok {
				t.Fatalf("append in A: ok=%v err=%v", ok, err)
			}

			b := event("test.b", 2)
			resB, err := s.Append(ctx, "stream-b", eventstore.NoStream(), b)
			if err != nil {
				t.Fatal(err)
			}
			// B is committed and readable as a stream at once...
			if got, err := s.ReadStream(ctx, "stream-b", eventstore.ReadStreamOptions{}); err != nil || len(got) != 1 {
				t.Fatalf("ReadStream(stream-b) = %d events, %v; want 1", len(got), err)
			}
			// ...but not in $all while the older A is running.
			all, err := s.ReadAll(ctx, eventstore.Start, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 1 || all[0].ID != before.ID {
				t.Fatalf("ReadAll while A is open = %v, want only the event before A", ids(all))
			}
			head, err := s.HeadPosition(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if head != all[0].Position {
				t.Fatalf("HeadPosition while A is open = %s, want %s", head, all[0].Position)
			}
			if !all[0].Position.Before(resB.Position) {
				t.Fatalf("B's position %s not after the earlier event's %s", resB.Position, all[0].Position)
			}

			if commitA {
				err = txA.Commit(ctx)
			} else {
				err = txA.Rollback(ctx)
			}
			if err != nil {
				t.Fatal(err)
			}

			want := []uuid.UUID{before.ID, b.ID}
			if commitA {
				want = []uuid.UUID{before.ID, a.ID, b.ID}
			}
			// The subscription must deliver A (if committed) before B. The
			// rollback case has no notification for A, so this also covers
			// the retry after "heard of B but cannot see it yet".
			for _, id := range want[1:] {
				m := recv()
				if m.Event == nil || m.Event.ID != id {
					t.Fatalf("subscription delivered %+v, want event %s", m, id)
				}
			}
			all, err = s.ReadAll(ctx, eventstore.Start, 100)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(all); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("ReadAll after A ended = %v, want %v", got, want)
			}
			for i := 1; i < len(all); i++ {
				if !all[i-1].Position.Before(all[i].Position) {
					t.Fatalf("positions out of order: %s then %s", all[i-1].Position, all[i].Position)
				}
			}
			if commitA && !all[1].Position.Before(resB.Position) {
				t.Fatalf("A (began first, committed last) at %s is not before B at %s", all[1].Position, resB.Position)
			}
		})
	}
}

// TestConcurrentAppendsOneWins races appends with the same condition: the
// row lock (existing stream) or the unique constraint (new stream) lets
// exactly one through, and the losers learn the actual revision.
func TestConcurrentAppendsOneWins(t *testing.T) {
	const writers = 8
	s, _ := newStore(t, postgres.Options{})
	ctx := t.Context()
	if _, err := s.Append(ctx, "existing", eventstore.NoStream(), events(3)...); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		stream   string
		expected eventstore.ExpectedRevision
		actual   uint64 // of the losers' error
	}{
		{"ExistingStreamExact", "existing", eventstore.Exact(2), 4},
		{"NewStreamNoStream", "fresh", eventstore.NoStream(), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := make([]error, writers)
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() {
					_, errs[i] = s.Append(ctx, tc.stream, tc.expected, event("test.race", i), event("test.race", i))
				})
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				var wrong *eventstore.WrongExpectedRevisionError
				switch {
				case err == nil:
					wins++
				case errors.As(err, &wrong):
					if !wrong.StreamExists || wrong.Actual != tc.actual {
						t.Errorf("loser's error %v: want actual revision %d", err, tc.actual)
					}
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}
			if wins != 1 {
				t.Fatalf("%d appends won, want exactly 1", wins)
			}
		})
	}
}

// TestConcurrentAnyAppendsToNewStream: with Any, racing appends that all
// create the stream must all succeed (after a unique-violation retry), each
// with its own revisions.
func TestConcurrentAnyAppendsToNewStream(t *testing.T) {
	const writers = 8
	s, _ := newStore(t, postgres.Options{})
	ctx := t.Context()
	res := make([]eventstore.AppendResult, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() { res[i], errs[i] = s.Append(ctx, "any", eventstore.Any(), event("test.any", i)) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	seen := map[uint64]bool{}
	for _, r := range res {
		seen[r.NextExpectedRevision] = true
	}
	got, err := s.ReadStream(ctx, "any", eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != writers || len(seen) != writers {
		t.Fatalf("stream has %d events, %d distinct revisions returned; want %d", len(got), len(seen), writers)
	}
}

// TestConcurrentRepeatsAreIdempotent races the very same append (same IDs):
// one stores it, the others get its original result via the
// unique-violation path, and nothing is stored twice.
func TestConcurrentRepeatsAreIdempotent(t *testing.T) {
	const writers = 8
	s, _ := newStore(t, postgres.Options{})
	ctx := t.Context()
	for _, exp := range []eventstore.ExpectedRevision{eventstore.NoStream(), eventstore.Any()} {
		t.Run(exp.String(), func(t *testing.T) {
			stream := "repeat-" + uuid.NewString()
			evs := events(3)
			res := make([]eventstore.AppendResult, writers)
			errs := make([]error, writers)
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() { res[i], errs[i] = s.Append(ctx, stream, exp, evs...) })
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			for _, r := range res[1:] {
				if r != res[0] {
					t.Fatalf("results differ: %+v vs %+v", r, res[0])
				}
			}
			got, err := s.ReadStream(ctx, stream, eventstore.ReadStreamOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 || res[0].NextExpectedRevision != 2 || res[0].Position != got[2].Position {
				t.Fatalf("stream has %d events, result %+v; want 3 events and the last one's position", len(got), res[0])
			}
		})
	}
}

// TestDuplicateMapping covers the typed errors for appends that collide with
// stored IDs.
func TestDuplicateMapping(t *testing.T) {
	s, _ := newStore(t, postgres.Options{})
	ctx := t.Context()
	first := events(2)
	second := events(2)
	r1, err := s.Append(ctx, "dup", eventstore.NoStream(), first...)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.Append(ctx, "dup", eventstore.Exact(1), second...)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		evs  []eventstore.EventData
		want eventstore.AppendResult // zero: want ErrDuplicateEventID
	}{
		{"RepeatFirstWithStaleRevision", first, r1},
		{"RepeatSecond", second, r2},
		{"Prefix", first[:1], eventstore.AppendResult{}},
		{"SpansTwoAppends", []eventstore.EventData{first[1], second[0]}, eventstore.AppendResult{}},
		{"Reordered", []eventstore.EventData{first[1], first[0]}, eventstore.AppendResult{}},
		{"PartlyNew", []eventstore.EventData{first[0], event("test.new", 9)}, eventstore.AppendResult{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Append(ctx, "dup", eventstore.NoStream(), tc.evs...)
			if tc.want == (eventstore.AppendResult{}) {
				if !errors.Is(err, eventstore.ErrDuplicateEventID) {
					t.Fatalf("err = %v, want ErrDuplicateEventID", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want the original %+v", got, err, tc.want)
			}
		})
	}
	// The same IDs in another stream are new events there.
	if _, err := s.Append(ctx, "dup-elsewhere", eventstore.NoStream(), first...); err != nil {
		t.Fatalf("same IDs in another stream: %v", err)
	}
	all, err := s.ReadStream(ctx, "dup", eventstore.ReadStreamOptions{})
	if err != nil || len(all) != 4 {
		t.Fatalf("stream dup has %d events (%v), want 4", len(all), err)
	}
}

// TestServerRefusedDataIsInvalidAppend: Go's JSON check lets invalid UTF-8
// through, the server refuses it, and that must come back as
// ErrInvalidAppend, not as an opaque failure.
func TestServerRefusedDataIsInvalidAppend(t *testing.T) {
	s, _ := newStore(t, postgres.Options{})
	e := event("test.bad", 0)
	e.Data = json.RawMessage("\"\xff\"")
	if !json.Valid(e.Data) {
		t.Skip("json.Valid refuses invalid UTF-8; nothing to test")
	}
	_, err := s.Append(t.Context(), "bad", eventstore.Any(), e)
	if !errors.Is(err, eventstore.ErrInvalidAppend) {
		t.Fatalf("err = %v, want ErrInvalidAppend", err)
	}
}

// TestNotifyWakesOtherStores: a subscription of one store receives an append
// made through another store on the same database. Polling is effectively
// off, so only LISTEN/NOTIFY can deliver it.
func TestNotifyWakesOtherStores(t *testing.T) {
	ctx := t.Context()
	reader, cs := newStore(t, postgres.Options{PollInterval: time.Hour})
	writer := openStore(t, newPool(t, cs), postgres.Options{})
	sub, err := reader.SubscribeAll(ctx, eventstore.Start)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if m, err := sub.Recv(ctx); err != nil || !m.CaughtUp {
		t.Fatalf("first message %+v, %v; want CaughtUp", m, err)
	}
	for i := range 3 {
		e := event("test.remote", i)
		if _, err := writer.Append(ctx, "remote", eventstore.Any(), e); err != nil {
			t.Fatal(err)
		}
		m, err := sub.Recv(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m.Event == nil || m.Event.ID != e.ID {
			t.Fatalf("got %+v, want event %s", m, e.ID)
		}
	}
}

// TestSubscriptionPages: a subscription far behind reads in pages and still
// delivers everything in order, then CaughtUp.
func TestSubscriptionPages(t *testing.T) {
	ctx := t.Context()
	s, _ := newStore(t, postgres.Options{PageSize: 7})
	var want []uuid.UUID
	for i := range 10 {
		evs := events(5)
		if _, err := s.Append(ctx, fmt.Sprintf("s-%d", i%3), eventstore.Any(), evs...); err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			want = append(want, e.ID)
		}
	}
	sub, err := s.SubscribeAll(ctx, eventstore.Start)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	var got []uuid.UUID
	for {
		m, err := sub.Recv(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m.CaughtUp {
			break
		}
		got = append(got, m.Event.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("delivered %d events, want %d in append order", len(got), len(want))
	}
}

// TestCloseEndsSubscriptions: Close ends a blocked Recv with ErrClosed.
func TestCloseEndsSubscriptions(t *testing.T) {
	s, _ := newStore(t, postgres.Options{})
	sub, err := s.SubscribeAll(t.Context(), eventstore.Start)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := sub.Recv(t.Context()); err != nil || !m.CaughtUp {
		t.Fatalf("first message %+v, %v; want CaughtUp", m, err)
	}
	done := make(chan error, 1)
	go func() { _, err := sub.Recv(t.Context()); done <- err }()
	s.Close()
	if err := <-done; !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("Recv after store Close: %v, want ErrClosed", err)
	}
	if _, err := s.Append(t.Context(), "x", eventstore.Any(), event("t", 0)); !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("Append after Close: %v, want ErrClosed", err)
	}
}

func TestObserve(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	s, _ := newStore(t, postgres.Options{Observe: func(op string, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		seen[op]++
	}})
	ctx := t.Context()
	if _, err := s.Append(ctx, "o", eventstore.Any(), event("t", 0)); err != nil {
		t.Fatal(err)
	}
	eventstoretest.ReadEachWay(t, ctx, s, "o")
	mu.Lock()
	defer mu.Unlock()
	for _, op := range []string{"append", "read_stream", "read_all", "head_position"} {
		if seen[op] == 0 {
			t.Errorf("Observe never called for %q (saw %v)", op, seen)
		}
	}
}

// TestNotifyOnlyWhileOthersListen: a store sends no NOTIFY while no other
// store listens on its database (its own LISTEN connection does not count),
// and does once one does. A bare LISTEN without the listeners' lock stands
// for a process that is not there.
func TestNotifyOnlyWhileOthersListen(t *testing.T) {
	ctx := t.Context()
	s, cs := newStore(t, postgres.Options{PollInterval: 20 * time.Millisecond})
	sub, err := s.SubscribeAll(ctx, eventstore.Start) // its own listener
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	conn, err := pgx.Connect(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+postgres.DefaultChannel); err != nil {
		t.Fatal(err)
	}
	heard := func(within time.Duration) bool {
		wctx, cancel := context.WithTimeout(ctx, within)
		defer cancel()
		_, err := conn.WaitForNotification(wctx)
		return err == nil
	}

	if _, err := s.Append(ctx, "alone", eventstore.Any(), events(1)...); err != nil {
		t.Fatal(err)
	}
	if heard(500 * time.Millisecond) {
		t.Fatal("a NOTIFY was sent while no other store listened")
	}

	sql, args := postgres.ListenLockSQL(postgres.DefaultChannel)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatal(err)
	}
	// The store trusts its last answer for its poll interval (20 ms).
	deadline := time.Now().Add(10 * time.Second)
	for !heard(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no NOTIFY although another store listens")
		}
		if _, err := s.Append(ctx, "heard", eventstore.Any(), events(1)...); err != nil {
			t.Fatal(err)
		}
	}
}
