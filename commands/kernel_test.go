package commands_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/eventstore/memory"
)

type noted struct {
	Text string `json:"text"`
}

func (*noted) EventType() string { return "test.noted" }

type other struct{}

func (*other) EventType() string { return "test.other" }

var registry = domain.NewRegistry(&noted{}, &other{})

// notes is a tiny aggregate: it folds notes and refuses other events.
type notes struct{ texts []string }

func (n *notes) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *noted:
		n.texts = append(n.texts, e.Text)
		return nil
	}
	return fmt.Errorf("notes: unexpected %s", e.EventType())
}

var (
	now  = time.Date(2026, 2, 9, 9, 0, 0, 0, time.UTC)
	meta = commands.Meta{Actor: domain.Actor{AccountID: "acc-1", Role: domain.RoleClient}, CorrelationID: "req-1"}
)

func TestSaveThenLoad(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	st, err := commands.Load(ctx, store, "notes-1", registry, func(domain.Event) { t.Fatal("empty stream applied an event") })
	if err != nil || st.Exists {
		t.Fatalf("missing stream: %+v %v", st, err)
	}
	res, err := commands.Save(ctx, store, st, meta, now, &noted{Text: "a"}, &noted{Text: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Revision != 1 || res.Position.IsStart() {
		t.Fatalf("result %+v", res)
	}
	n := &notes{}
	st, err = commands.LoadInto(ctx, store, "notes-1", registry, n)
	if err != nil || !st.Exists || st.Revision != 1 || len(n.texts) != 2 || n.texts[1] != "b" {
		t.Fatalf("loaded %+v %v %v", st, n.texts, err)
	}
	evs, err := store.ReadStream(ctx, "notes-1", eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	md := evs[0].Metadata
	if md.ActorID != "acc-1" || md.ActorRole != "client" || md.CorrelationID != "req-1" || !md.OccurredAt.Equal(now) {
		t.Fatalf("metadata %+v", md)
	}
}

func TestSaveWithStaleRevisionConflicts(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	st, _ := commands.Load(ctx, store, "notes-1", registry, func(domain.Event) {})
	if _, err := commands.Save(ctx, store, st, meta, now, &noted{Text: "first"}); err != nil {
		t.Fatal(err)
	}
	_, err := commands.Save(ctx, store, st, meta, now, &noted{Text: "second, decided on the old state"})
	if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("want a revision conflict, got %v", err)
	}
}

func TestIdempotencyKeyMakesARetryStoreNothing(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	keyed := meta
	keyed.IdempotencyKey = "retry-me"
	st, _ := commands.Load(ctx, store, "notes-1", registry, func(domain.Event) {})
	first, err := commands.Save(ctx, store, st, keyed, now, &noted{Text: "once"})
	if err != nil {
		t.Fatal(err)
	}
	// The same decision on the same state, retried: same event IDs.
	again, err := commands.Save(ctx, store, st, keyed, now, &noted{Text: "once"})
	if err != nil || again != first {
		t.Fatalf("retry: %+v %v, want %+v", again, err, first)
	}
	evs, _ := store.ReadStream(ctx, "notes-1", eventstore.ReadStreamOptions{})
	if len(evs) != 1 {
		t.Fatalf("%d events stored, want 1", len(evs))
	}
}

func TestLoadIntoReportsRefusedEvents(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	st, _ := commands.Load(ctx, store, "notes-1", registry, func(domain.Event) {})
	if _, err := commands.Save(ctx, store, st, meta, now, &other{}); err != nil {
		t.Fatal(err)
	}
	if _, err := commands.LoadInto(ctx, store, "notes-1", registry, &notes{}); err == nil {
		t.Fatal("an event the aggregate refuses was folded silently")
	}
}
