package commands_test

import (
	"context"
	"testing"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// stores runs a test against the in-memory store and the PostgreSQL
// adapter: the kernel's retry rules rest on the port's contract for
// repeated event IDs, which both hold.
func stores(t *testing.T, test func(t *testing.T, store eventstore.Store)) {
	t.Run("memory", func(t *testing.T) { test(t, memory.New()) })
	t.Run("postgres", func(t *testing.T) {
		cs := pgtest.NewDBFromTemplate(t, "eventstore", postgres.Migrate)
		store := pgtest.EventStore(t, pgtest.Pool(t, cs))
		test(t, store)
	})
}

// setNote is a last-writer-wins command on the notes aggregate: it appends
// the text unless it is the current one (then nothing changes). runs counts
// the decisions that appended.
type setNote struct {
	store eventstore.Store
}

func (c setNote) run(t *testing.T, meta commands.Meta, text string) (commands.Result, []domain.Event, error) {
	t.Helper()
	ctx := context.Background()
	n := &notes{}
	st, err := commands.LoadInto(ctx, c.store, "notes-1", registry, n)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Retry {
		if res, evs, found, err := commands.Replayed(ctx, c.store, st, registry, meta); err != nil || found {
			return res, evs, err
		}
	}
	var events []domain.Event
	if len(n.texts) == 0 || n.texts[len(n.texts)-1] != text {
		events = []domain.Event{&noted{Text: text}}
	}
	res, err := commands.Save(ctx, c.store, st, meta, now, events...)
	return res, events, err
}

func texts(t *testing.T, store eventstore.Store) []string {
	t.Helper()
	n := &notes{}
	if _, err := commands.LoadInto(context.Background(), store, "notes-1", registry, n); err != nil {
		t.Fatal(err)
	}
	return n.texts
}

func keyed(key string, retry bool) commands.Meta {
	m := meta
	m.IdempotencyKey, m.Command, m.Retry = key, "PUT /notes/1", retry
	return m
}

// TestRetryAfterKillBetweenAppendAndAnswer: a command under key K1 sets the
// note to A and its process dies after the append, before the answer
// reached anyone; then B is set under K2 and acknowledged; then K1 is
// retried. The retry must not run again (append A a second time, which
// would overwrite the acknowledged B) and must answer the first attempt's
// result. Before event IDs were derived from the key alone, the retry's
// IDs were seeded with the newer revision and A was appended again.
func TestRetryAfterKillBetweenAppendAndAnswer(t *testing.T) {
	stores(t, func(t *testing.T, store eventstore.Store) {
		cmd := setNote{store}
		if _, _, err := cmd.run(t, keyed("k0", false), "start"); err != nil {
			t.Fatal(err)
		}
		first, _, err := cmd.run(t, keyed("K1", false), "A") // killed: this answer is lost
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := cmd.run(t, keyed("K2", false), "B"); err != nil {
			t.Fatal(err)
		}
		for _, retry := range []bool{true, false} {
			// With Retry (the HTTP layer took the stale claim over) the
			// handler answers from the stored events; without it (a
			// client retry after a lost 5xx) the store refuses the IDs.
			res, _, err := cmd.run(t, keyed("K1", retry), "A")
			if err != nil {
				t.Fatalf("retry (Retry=%t) of a command whose events exist: %v", retry, err)
			}
			if res != first {
				t.Fatalf("retry (Retry=%t) answered %+v, want the first attempt's %+v", retry, res, first)
			}
			if got := texts(t, store); len(got) != 3 || got[2] != "B" {
				t.Fatalf("after the retry (Retry=%t) the notes are %q, want [start A B]: the command ran twice", retry, got)
			}
		}
	})
}

// TestRetryDecidingOtherEventsAnswersTheOriginal: a retry whose decision on
// the newer state differs from the first attempt's (more events) must not
// store them: the kernel answers the first attempt's result.
func TestRetryDecidingOtherEventsAnswersTheOriginal(t *testing.T) {
	stores(t, func(t *testing.T, store eventstore.Store) {
		ctx := context.Background()
		first, st := notedOnceUnderK1(ctx, t, store)
		again, err := commands.Save(ctx, store, st, keyed("K1", false), now, &noted{Text: "a"}, &noted{Text: "b"})
		if err != nil || again != first {
			t.Fatalf("retry deciding two events: %+v %v, want the first result %+v", again, err, first)
		}
		if got := texts(t, store); len(got) != 1 {
			t.Fatalf("notes %q, want [a]", got)
		}
	})
}

// TestSameKeyForAnotherCommandIsNotARetry: the IDs come from the key and
// the command, so a reused key with another request appends normally.
func TestSameKeyForAnotherCommandIsNotARetry(t *testing.T) {
	stores(t, func(t *testing.T, store eventstore.Store) {
		cmd := setNote{store}
		if _, _, err := cmd.run(t, keyed("K1", false), "A"); err != nil {
			t.Fatal(err)
		}
		other := keyed("K1", true)
		other.Command = "PUT /notes/1 (another body)"
		if _, _, err := cmd.run(t, other, "B"); err != nil {
			t.Fatal(err)
		}
		if got := texts(t, store); len(got) != 2 || got[1] != "B" {
			t.Fatalf("notes %q, want [A B]", got)
		}
	})
}

// TestRetryDecidingNothingAnswersTheOriginal: a command that does not look
// for its first attempt's events itself (setting a value: personnel
// number, agreement, language) decides nothing on a retry, since the state
// holds its value already. Under Retry its Save answers the first attempt's
// position, not 0-0: a client waiting for min_position=0-0 would read a
// read model that has not caught up with the change it made.
func TestRetryDecidingNothingAnswersTheOriginal(t *testing.T) {
	stores(t, func(t *testing.T, store eventstore.Store) {
		ctx := context.Background()
		first, st := notedOnceUnderK1(ctx, t, store)
		if again, err := commands.Save(ctx, store, st, keyed("K1", true), now); err != nil || again != first {
			t.Fatalf("retry deciding nothing: %+v %v, want the first result %+v", again, err, first)
		}
		// Without Retry, or under another key, nothing was appended: no position.
		for _, m := range []commands.Meta{keyed("K1", false), keyed("K2", true)} {
			if res, err := commands.Save(ctx, store, st, m, now); err != nil || res.Position != eventstore.Start {
				t.Fatalf("nothing decided under %q (Retry=%t): %+v %v", m.IdempotencyKey, m.Retry, res, err)
			}
		}
	})
}

// notedOnceUnderK1 saves one note under key K1 on notes-1 and returns its
// result and the stream as it is after it.
func notedOnceUnderK1(ctx context.Context, t *testing.T, store eventstore.Store) (commands.Result, commands.Stream) {
	t.Helper()
	st, _ := commands.Load(ctx, store, "notes-1", registry, func(domain.Event) {})
	first, err := commands.Save(ctx, store, st, keyed("K1", false), now, &noted{Text: "a"})
	if err != nil {
		t.Fatal(err)
	}
	st, _ = commands.Load(ctx, store, "notes-1", registry, func(domain.Event) {})
	return first, st
}
