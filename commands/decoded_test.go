package commands

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/document"
	"backoffice/domain/domaintest"
	"backoffice/domain/intermediary"
	"backoffice/domain/payroll"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/eventstore"
)

// listed is an event with a slice, for the aliasing tests.
type listed struct {
	Items []string `json:"items"`
}

func (*listed) EventType() string { return "test.listed" }

var listedEvents = domain.NewRegistry(&listed{})

// aliasing keeps the event's slice as its state and a decision writes
// into it: the bug the decoded-event cache must never meet.
type aliasing struct{ items []string }

func (a *aliasing) Apply(e domain.Event) error { a.items = e.(*listed).Items; return nil }
func (a *aliasing) rename(s string)            { a.items[0] = s }

// copying is the same aggregate done right: it copies what it keeps.
type copying struct{ items []string }

func (c *copying) Apply(e domain.Event) error { c.items = slices.Clone(e.(*listed).Items); return nil }
func (c *copying) rename(s string)            { c.items[0] = s }

// sealed chains evs into stream as a store would record them.
func sealed(t testing.TB, stream string, evs ...domain.Event) []eventstore.RecordedEvent {
	t.Helper()
	out := make([]eventstore.RecordedEvent, len(evs))
	prev := eventstore.ZeroHash
	for i, e := range evs {
		data, err := domain.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = eventstore.RecordedEvent{ID: uuid.New(), Stream: stream, Revision: uint64(i), Type: e.EventType(), Data: data,
			Metadata: eventstore.Metadata{ActorID: "a", OccurredAt: time.Unix(1_770_000_000, 0).UTC()}}
		out[i].Seal(prev, time.Now())
		prev = out[i].Hash
	}
	return out
}

// foldAll folds recs (one whole stream) into agg through Fold, as every
// command load does.
func foldAll(t testing.TB, recs []eventstore.RecordedEvent, reg *domain.Registry, agg domain.Aggregate) error {
	t.Helper()
	st := Stream{Name: recs[0].Stream}
	var chain eventstore.ChainVerifier
	return Fold(context.Background(), &st, &chain, recs, reg, func(e domain.Event) { _ = agg.Apply(e) })
}

// panicOf runs fn and returns what it panicked with ("" when it did not).
func panicOf(fn func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	fn()
	return ""
}

func TestCheckCachedDecodesCatchesAnAliasingAggregate(t *testing.T) {
	if !checkHits.Load() {
		t.Fatal("the paranoid mode is off in a test binary")
	}
	recs := sealed(t, "test-aliasing", &listed{Items: []string{"a", "b"}})
	first := &aliasing{}
	if err := foldAll(t, recs, listedEvents, first); err != nil {
		t.Fatal(err)
	}
	first.rename("changed") // writes into the cached event's slice
	msg := panicOf(func() { _ = foldAll(t, recs, listedEvents, &aliasing{}) })
	if !strings.Contains(msg, "test.listed") || !strings.Contains(msg, "changed") {
		t.Fatalf("the next load of the changed event did not fail loudly; panic: %q", msg)
	}

	// Without the check the next load would silently decide on "changed".
	CheckCachedDecodes(false)
	second := &aliasing{}
	err := foldAll(t, recs, listedEvents, second)
	CheckCachedDecodes(true)
	if err != nil || second.items[0] != "changed" {
		t.Fatalf("expected the aliased value to leak without the check, got %v, %v", second.items, err)
	}
}

func TestCheckCachedDecodesPassesACopyingAggregate(t *testing.T) {
	recs := sealed(t, "test-copying", &listed{Items: []string{"a", "b"}})
	first := &copying{}
	if err := foldAll(t, recs, listedEvents, first); err != nil {
		t.Fatal(err)
	}
	first.rename("changed")
	hits := decoded.hits.Load()
	second := &copying{}
	if msg := panicOf(func() {
		if err := foldAll(t, recs, listedEvents, second); err != nil {
			t.Fatal(err)
		}
	}); msg != "" {
		t.Fatal(msg)
	}
	if decoded.hits.Load() == hits {
		t.Fatal("the second load did not come from the cache")
	}
	if !slices.Equal(second.items, []string{"a", "b"}) {
		t.Fatalf("second load folded %v", second.items)
	}
}

// A tampered event (payload changed, the stored hash kept) is refused
// before anything is looked up, though an event with that hash is cached.
func TestDecodedCacheLooksUpOnlyVerifiedEvents(t *testing.T) {
	recs := sealed(t, "test-tampered", &listed{Items: []string{"pay 8h"}}, &listed{Items: []string{"approved"}})
	if err := foldAll(t, recs, listedEvents, &copying{}); err != nil {
		t.Fatal(err)
	}
	tampered := slices.Clone(recs)
	tampered[1].Data = []byte(`{"items":["pay 80h"]}`)
	var applied []string
	hits := decoded.hits.Load()
	st := Stream{Name: "test-tampered"}
	var chain eventstore.ChainVerifier
	err := Fold(context.Background(), &st, &chain, tampered, listedEvents, func(e domain.Event) {
		applied = append(applied, e.(*listed).Items...)
	})
	if !errors.Is(err, eventstore.ErrIntegrity) {
		t.Fatalf("tampered event folded: err %v, applied %v", err, applied)
	}
	if !slices.Equal(applied, []string{"pay 8h"}) || decoded.hits.Load()-hits != 1 {
		t.Fatalf("applied %v, %d hits: only the first, verified event may be looked up", applied, decoded.hits.Load()-hits)
	}
}

func TestDecodedCacheIsBounded(t *testing.T) {
	const budget = 10_000
	c := newDecodedCache(budget)
	reg := domain.NewRegistry(&listed{})
	key := func(i int) decodedKey { return decodedKey{reg: reg, hash: eventstore.Hash{byte(i), byte(i >> 8)}} }
	for i := range 1000 {
		c.put(key(i), &listed{}, 100)
		bytes := (len(c.cur) + len(c.old)) * (100 + decodeCacheOverhead)
		if bytes > 2*budget {
			t.Fatalf("after %d events the cache holds %d bytes, more than two generations of %d", i+1, bytes, budget)
		}
	}
	if _, ok := c.get(key(999), 100); !ok {
		t.Fatal("the latest event was dropped")
	}
	if _, ok := c.get(key(0), 100); ok {
		t.Fatal("the first of 1000 events is still held")
	}
	// A hit in the previous generation moves the event into the current
	// one, so what is used keeps its place.
	var inOld decodedKey
	for k := range c.old {
		inOld = k
		break
	}
	if _, ok := c.get(inOld, 100); !ok {
		t.Fatal("miss on an event of the previous generation")
	}
	if _, ok := c.cur[inOld]; !ok {
		t.Fatal("a hit in the previous generation was not moved into the current one")
	}
	c.put(key(5000), &listed{}, budget) // larger than a generation
	if _, ok := c.get(key(5000), budget); ok {
		t.Fatal("an event larger than a generation was kept")
	}
}

// aggregatesOf are fresh aggregates of every kind folding a registry's
// events (none for a registry not listed).
func aggregatesOf(reg *domain.Registry) []domain.Aggregate {
	return map[*domain.Registry][]domain.Aggregate{
		account.Events:      {&account.Account{}, &account.Token{}},
		client.Events:       {&client.Client{}},
		document.Events:     {&document.Document{}},
		intermediary.Events: {&intermediary.Intermediary{}},
		payroll.Events:      {&payroll.Client{}, &payroll.Worker{}, payroll.NewExports()},
		placement.Events:    {&placement.Placement{}},
		ts.Events:           {&ts.Timesheet{}},
		worker.Events:       {&worker.Worker{}},
	}[reg]
}

// callEverything calls every exported method of agg with zero arguments
// (decisions refuse or decide, queries answer) and writes into every
// slice and map it answers with, as a careless caller would.
func callEverything(agg any) {
	v := reflect.ValueOf(agg)
	for i := range v.NumMethod() {
		m := v.Method(i)
		if v.Type().Method(i).Name == "Apply" {
			continue
		}
		args := make([]reflect.Value, m.Type().NumIn())
		for j := range args {
			args[j] = reflect.Zero(m.Type().In(j))
		}
		if m.Type().IsVariadic() {
			continue
		}
		_ = panicOf(func() {
			for _, out := range m.Call(args) {
				scribble(out, 0)
			}
		})
	}
}

// scribble writes zero values into everything v holds that a caller can
// reach: slice elements, maps, what pointers point to, exported fields.
func scribble(v reflect.Value, depth int) {
	if depth > 8 || !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scribble(v.Elem(), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				scribble(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			scribble(v.Index(i), depth+1)
			if v.Index(i).CanSet() {
				v.Index(i).SetZero()
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(it.Value().Type()).Elem()
			e.Set(it.Value())
			scribble(e, depth+1) // a copy: reaches what the value shares
		}
		v.Clear()
	}
}

// Every aggregate folds the complete story of domaintest (every event type,
// real decisions) and the stored samples of domain/testdata/events through
// the cache; then every exported method runs on each (decisions and
// queries, their answers scribbled over), and every cached event must still
// be what its bytes decode to: the paranoid check on a second fold, and a
// direct comparison.
func TestCachedEventsSurviveEveryAggregate(t *testing.T) {
	story := domaintest.Run("evcache", nil, domaintest.Numbers{})
	if story.Err != nil {
		t.Fatalf("story failed at %s: %v", story.Failed, story.Err)
	}
	streams := map[string][]domain.Event{}
	var names []string
	for _, e := range story.Events {
		if streams[e.Stream] == nil {
			names = append(names, e.Stream)
		}
		streams[e.Stream] = append(streams[e.Stream], e.Event)
	}
	type folded struct {
		reg  *domain.Registry
		recs []eventstore.RecordedEvent
	}
	var all []folded
	regOf := func(typ string) *domain.Registry {
		for _, reg := range domaintest.Registries {
			if reg.Knows(typ) {
				return reg
			}
		}
		t.Fatalf("no registry knows %s", typ)
		return nil
	}
	for _, name := range names {
		evs := streams[name]
		all = append(all, folded{regOf(evs[0].EventType()), sealed(t, name, evs...)})
	}
	samples, err := filepath.Glob("../domain/testdata/events/*.json")
	if err != nil || len(samples) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, path := range samples {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		typ := strings.TrimSuffix(filepath.Base(path), ".json")
		reg := regOf(typ)
		ev, err := reg.Decode(typ, data)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, folded{reg, sealed(t, "sample-"+typ, ev)})
	}

	seen := map[string]bool{}
	for round := range 2 { // the first fills the cache, the second hits it
		for _, f := range all {
			for _, agg := range aggregatesOf(f.reg) {
				// A sample alone is no valid history (a line set before the
				// timesheet opened): Apply may panic on it; only the
				// paranoid check's panic counts here.
				if msg := panicOf(func() { _ = foldAll(t, f.recs, f.reg, agg) }); strings.Contains(msg, "cached decoded event") {
					t.Fatalf("round %d, %s into %T: %s", round, f.recs[0].Stream, agg, msg)
				}
				callEverything(agg)
			}
			for _, r := range f.recs {
				seen[r.Type] = true
			}
		}
	}
	for _, reg := range domaintest.Registries {
		for _, typ := range reg.Types() {
			if !seen[typ] {
				t.Errorf("event type %s was not folded", typ)
			}
		}
	}
	for _, f := range all {
		for _, r := range f.recs {
			cached, ok := decoded.get(decodedKey{reg: f.reg, hash: r.Hash}, len(r.Data))
			if !ok {
				t.Fatalf("%s %d not cached", r.Stream, r.Revision)
			}
			fresh, err := f.reg.Decode(r.Type, r.Data)
			if err != nil || !reflect.DeepEqual(cached, fresh) {
				t.Errorf("%s (%s %d) changed in the cache:\ncached %+v\nfresh  %+v", r.Type, r.Stream, r.Revision, cached, fresh)
			}
		}
	}
}

// BenchmarkFoldTimesheetStream folds a timesheet stream of 300 events as a
// command does (hash check, decode, Apply), through the cache (warm) and
// without it (every event decoded), interleaved in one loop.
func BenchmarkFoldTimesheetStream(b *testing.B) {
	week := ts.ISOWeek{Year: 2026, Week: 12}
	normal := ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}
	evs := []domain.Event{&ts.Opened{PlacementID: "pl-07", Week: week, WeekStart: week.Start(), WeekEnd: week.End(),
		EnteredBy: domain.RoleClient, NormalHourType: normal, EntryDeadline: time.Unix(1_774_000_000, 0).UTC(),
		ApprovalDeadline: time.Unix(1_774_500_000, 0).UTC(), ClientID: "cl-1", WorkerID: "w-7"}}
	for i := range 299 {
		m := ts.Minutes(i % 600)
		evs = append(evs, &ts.LineSet{Line: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{m, 480, 480, 480, 240}},
			DayTotals: [7]ts.Minutes{m, 480, 480, 480, 240}})
	}
	recs := sealed(b, "timesheet-pl-07-2026-W12", evs...)
	warm, none := decoded, newDecodedCache(0) // a budget of 0 keeps nothing
	check := checkHits.Load()
	defer func() { decoded = warm; checkHits.Store(check) }()
	checkHits.Store(false)
	var withCache, without time.Duration
	for b.Loop() {
		t0 := time.Now()
		decoded = warm
		if err := foldAll(b, recs, ts.Events, &ts.Timesheet{}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		decoded = none
		if err := foldAll(b, recs, ts.Events, &ts.Timesheet{}); err != nil {
			b.Fatal(err)
		}
		withCache, without = withCache+t1.Sub(t0), without+time.Since(t1)
	}
	b.ReportMetric(float64(withCache.Microseconds())/float64(b.N), "cached_µs/fold")
	b.ReportMetric(float64(without.Microseconds())/float64(b.N), "uncached_µs/fold")
	b.ReportMetric(float64(without)/float64(withCache), "speedup_x")
}
