package domain

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	asmcpu "github.com/segmentio/asm/cpu"
	"github.com/segmentio/asm/cpu/x86"
	segjson "github.com/segmentio/encoding/json"
)

// Event is a domain event payload. EventType returns a constant name such as
// "timesheet.line_set".
//
// WARNING: the type name is stored with every event forever. Never derive it
// from a Go name and never rename it; add a new event type instead.
type Event interface {
	EventType() string
}

// Registry maps stored type names to constructors of their payloads. Each
// aggregate package has one explicit registry.
type Registry struct {
	ctors map[string]func() Event
}

// NewRegistry builds a registry from zero values of the event payload types
// (pointers, e.g. &LineSet{}). It panics on a duplicate name: a programming
// error that must fail at start-up.
func NewRegistry(prototypes ...Event) *Registry {
	r := &Registry{ctors: map[string]func() Event{}}
	for _, p := range prototypes {
		p := p
		name := p.EventType()
		if _, dup := r.ctors[name]; dup {
			panic("domain: event type registered twice: " + name)
		}
		r.ctors[name] = func() Event { return clonePrototype(p) }
	}
	return r
}

// Decode turns a stored event back into its payload. Texts stored before
// the domain refused unsafe characters come back sanitised (see
// sanitize.go): NUL and the like are replaced by U+FFFD.
func (r *Registry) Decode(eventType string, data []byte) (Event, error) {
	ctor, ok := r.ctors[eventType]
	if !ok {
		return nil, fmt.Errorf("domain: unknown event type %q", eventType)
	}
	e := ctor()
	if len(data) > 0 {
		if err := unmarshal(data, e); err != nil {
			return nil, fmt.Errorf("domain: decode %s: %w", eventType, err)
		}
		if mayHoldUnsafeText(data) {
			sanitizeValue(reflect.ValueOf(e))
		}
	}
	return e, nil
}

// unmarshal is Decode's JSON decoder: segmentio/encoding's drop-in for
// encoding/json, which gives the same payloads (every stored sample, and
// FuzzDecodeMatchesEncodingJSON against encoding/json) about three times as
// fast with less than half the allocations. Decoding by encoding/json's
// reflection was the largest part of a rebuild's Go work
// (docs/BENCHMARKS.md §5). Encoding stays with encoding/json.
var unmarshal = segjson.Unmarshal

// segmentio/encoding/json first checks the whole payload for printable
// ASCII (and so does mayHoldUnsafeText) with segmentio/asm, whose 256-bit
// (AVX2) path costs 300–700 ns per call on the benchmark machine whatever
// the length (a 341-byte payload: 450–730 ns; by its 8-byte-word path:
// 47 ns). A payload is a few hundred bytes, so the word path is faster
// here and at most tens of nanoseconds slower where AVX2 is cheap; for a
// rebuild the two checks were a fifth of the decoding (docs/BENCHMARKS.md
// §5, rebuild7). Only segmentio/asm's own routines read this flag (in this
// program: the ASCII check and base64; its key lookup needs only AVX).
func init() { asmcpu.X86 &^= x86.CPU(x86.AVX2) }

// Knows reports whether the registry has the type.
func (r *Registry) Knows(eventType string) bool {
	_, ok := r.ctors[eventType]
	return ok
}

// Types lists the registered type names, sorted.
func (r *Registry) Types() []string {
	out := make([]string, 0, len(r.ctors))
	for k := range r.ctors {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Encode serializes an event payload. It is the last guard of the text
// rule (see docs/validation.md): a payload with a text the sanitiser would
// change (NUL and other control characters but tab, line feed and carriage
// return; bidi controls; noncharacters; invalid UTF-8) is refused with 422
// text_encoding, so a command whose own check was forgotten cannot store
// poison. Field is the payload's path, e.g. "remark.text".
func Encode(e Event) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("domain: encode %s: %w", e.EventType(), err)
	}
	if mayHoldUnsafeText(b) {
		if path, bad := unsafeTextPath(reflect.ValueOf(e), ""); bad {
			return nil, Rule("text_encoding", path,
				"The text contains characters that are not allowed (control characters, direction overrides or invalid encoding).",
				"De tekst bevat tekens die niet zijn toegestaan (stuurtekens, richtingstekens of een ongeldige codering).")
		}
	}
	return b, nil
}
