package commands

import (
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"backoffice/domain"
	"backoffice/eventstore"
)

// The decoded-event cache. Every command folds the whole placement, client
// and timesheet streams it decides on; decoding their JSON again on every
// command was most of a command's CPU (docs/BENCHMARKS.md §9.4). Fold keeps
// each event's decoded value under its chain hash, looked up only after
// the event's hash was recomputed from its bytes and found to match
// (ChainVerifier.Check): the hash covers the stream, revision, type,
// payload and metadata, so the cached value is exactly what decoding those
// bytes again would give, and a tampered event never hits (its hash does
// not verify, and Fold refuses it before looking anything up).
//
// The same value is handed to every later load, so nothing may change a
// decoded event or anything it points to: aggregates copy the slices and
// maps they keep (docs/architecture.md, "The decoded-event cache"). In test
// binaries every hit is decoded again and compared (CheckCachedDecodes).

// DecodeCacheBudget bounds the cache: each of its two generations holds at
// most this many bytes of event JSON (plus decodeCacheOverhead per event),
// so the cache holds at most twice that. The decoded Go values are of the
// same order as their JSON.
const DecodeCacheBudget = 4 << 20

// decodeCacheOverhead is counted per event besides its JSON: the key, the
// map entry and the value's headers.
const decodeCacheOverhead = 128

type decodedKey struct {
	reg  *domain.Registry // registries may decode one type name differently
	hash eventstore.Hash
}

// decodedCache is a two-generation cache: hits come from the current map
// or are moved into it from the previous one; when the current one has
// taken its budget it becomes the previous one and the old previous one is
// dropped. No per-entry bookkeeping, one short lock per lookup.
type decodedCache struct {
	mu       sync.Mutex
	cur, old map[decodedKey]domain.Event
	curBytes int
	budget   int

	hits, misses atomic.Uint64
}

func newDecodedCache(budget int) *decodedCache {
	return &decodedCache{cur: map[decodedKey]domain.Event{}, budget: budget}
}

// decoded is the process's cache, used by Fold.
var decoded = newDecodedCache(DecodeCacheBudget)

// checkHits makes every hit decode afresh and compare (CheckCachedDecodes).
var checkHits atomic.Bool

func init() { checkHits.Store(testing.Testing()) }

// CheckCachedDecodes turns the paranoid mode on or off: every cache hit is
// decoded again from its bytes and compared with the cached value
// (reflect.DeepEqual); a difference means something changed a shared
// decoded event, and Fold panics naming the event. It is on in every test
// binary (testing.Testing) and off in the product; a benchmark turns it off.
func CheckCachedDecodes(on bool) { checkHits.Store(on) }

// DecodeCacheHits and DecodeCacheMisses count lookups since the process
// started; the metrics registry exports them as
// backoffice_event_decode_cache_{hits,misses}_total.
func DecodeCacheHits() float64   { return float64(decoded.hits.Load()) }
func DecodeCacheMisses() float64 { return float64(decoded.misses.Load()) }

// decode returns rec's payload decoded with reg. rec's hash must have been
// verified against its contents (ChainVerifier.Check) before the call.
func (c *decodedCache) decode(reg *domain.Registry, rec eventstore.RecordedEvent) (domain.Event, error) {
	k := decodedKey{reg: reg, hash: rec.Hash}
	if ev, ok := c.get(k, len(rec.Data)); ok {
		c.hits.Add(1)
		if checkHits.Load() {
			mustEqualFresh(reg, rec, ev)
		}
		return ev, nil
	}
	c.misses.Add(1)
	ev, err := reg.Decode(rec.Type, rec.Data)
	if err != nil {
		return nil, err
	}
	c.put(k, ev, len(rec.Data))
	return ev, nil
}

func (c *decodedCache) get(k decodedKey, size int) (domain.Event, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ev, ok := c.cur[k]; ok {
		return ev, true
	}
	ev, ok := c.old[k]
	if ok {
		delete(c.old, k)
		c.add(k, ev, size)
	}
	return ev, ok
}

func (c *decodedCache) put(k decodedKey, ev domain.Event, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.cur[k]; !ok {
		c.add(k, ev, size)
	}
}

// add stores k in the current generation, turning generations over once
// it has taken its budget. c.mu is held.
func (c *decodedCache) add(k decodedKey, ev domain.Event, size int) {
	cost := size + decodeCacheOverhead
	if cost > c.budget {
		return // larger than a generation: never kept
	}
	if c.curBytes+cost > c.budget {
		c.old, c.cur, c.curBytes = c.cur, make(map[decodedKey]domain.Event, len(c.cur)), 0
	}
	c.cur[k] = ev
	c.curBytes += cost
}

// mustEqualFresh is the paranoid mode's check of one hit.
func mustEqualFresh(reg *domain.Registry, rec eventstore.RecordedEvent, cached domain.Event) {
	fresh, err := reg.Decode(rec.Type, rec.Data)
	if err != nil || !reflect.DeepEqual(cached, fresh) {
		panic(fmt.Sprintf("commands: the cached decoded event %s (stream %s revision %d) differs from its stored bytes: "+
			"something changed a shared decoded event (an aggregate keeping an event's slice, map or pointer and writing to it?)\n"+
			"cached: %+v\nfresh:  %+v (%v)", rec.Type, rec.Stream, rec.Revision, cached, fresh, err))
	}
}
