package eventstoretest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
)

// fx is one subtest's store with the helpers the rules are written in. Its
// methods call t.Fatal and so belong to the test goroutine only.
type fx struct {
	t   *testing.T
	ctx context.Context
	s   eventstore.Store
}

// occurredAt is a business time as a command handler would set it: UTC,
// already truncated to microseconds (PostgreSQL keeps no more).
var occurredAt = time.Date(2026, time.March, 16, 9, 30, 15, 123456000, time.UTC)

// stream returns a stream name unique to this run, so a store shared by
// mistake shows up as foreign events rather than as flaky revisions.
func stream(prefix string) string {
	return prefix + "-" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
}

// newEvent returns an event with full metadata and a small JSON payload.
func newEvent(typ string, n int) eventstore.EventData {
	id := uuid.New()
	return eventstore.EventData{
		ID:   id,
		Type: typ,
		Data: json.RawMessage(fmt.Sprintf(`{"n":%d,"id":%q,"nested":{"b":[1,2,3],"a":"x"}}`, n, id)),
		Metadata: eventstore.Metadata{
			ActorID:       "account-" + id.String()[:8],
			ActorRole:     "backoffice",
			CorrelationID: "corr-" + id.String()[9:13],
			CausationID:   "cmd-" + id.String()[14:18],
			OccurredAt:    occurredAt.Add(time.Duration(n) * time.Microsecond),
		},
	}
}

// newEvents returns n events of type "test.happened".
func newEvents(n int) []eventstore.EventData {
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		evs[i] = newEvent("test.happened", i)
	}
	return evs
}

// concat joins event batches into one slice in order.
func concat(batches ...[]eventstore.EventData) []eventstore.EventData {
	var out []eventstore.EventData
	for _, b := range batches {
		out = append(out, b...)
	}
	return out
}

func (f *fx) mustAppend(name string, exp eventstore.ExpectedRevision, evs ...eventstore.EventData) eventstore.AppendResult {
	f.t.Helper()
	res, err := f.s.Append(f.ctx, name, exp, evs...)
	if err != nil {
		f.t.Fatalf("Append(%q, %s, %d events): %v", name, exp, len(evs), err)
	}
	return res
}

func (f *fx) mustReadStream(name string, opts eventstore.ReadStreamOptions) []eventstore.RecordedEvent {
	f.t.Helper()
	evs, err := f.s.ReadStream(f.ctx, name, opts)
	if err != nil {
		f.t.Fatalf("ReadStream(%q, %+v): %v", name, opts, err)
	}
	return evs
}

func (f *fx) mustHead() eventstore.Position {
	f.t.Helper()
	head, err := f.s.HeadPosition(f.ctx)
	if err != nil {
		f.t.Fatalf("HeadPosition: %v", err)
	}
	return head
}

// waitHead waits until HeadPosition has reached pos: from then on every event
// up to pos is visible to ReadAll and SubscribeAll.
func (f *fx) waitHead(pos eventstore.Position) {
	f.t.Helper()
	if err := waitHead(f.ctx, f.s, pos); err != nil {
		f.t.Fatal(err)
	}
}

// waitHead polls HeadPosition with a short backoff until it reaches pos or
// ctx ends. It is a bounded wait for a condition, not a timing assertion.
func waitHead(ctx context.Context, s eventstore.Store, pos eventstore.Position) error {
	var delay time.Duration
	for {
		head, err := s.HeadPosition(ctx)
		if err != nil {
			return fmt.Errorf("HeadPosition: %w", err)
		}
		if !head.Before(pos) {
			return nil
		}
		delay = min(max(2*delay, 100*time.Microsecond), 20*time.Millisecond)
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("HeadPosition stayed at %s and never reached %s, the position of an acknowledged append: %w", head, pos, ctx.Err())
		case <-timer.C:
		}
	}
}

// readAll pages through the whole visible log from Start.
func (f *fx) readAll() []eventstore.RecordedEvent {
	f.t.Helper()
	return f.readAllFrom(eventstore.Start, 100)
}

func (f *fx) readAllFrom(from eventstore.Position, page int) []eventstore.RecordedEvent {
	f.t.Helper()
	var out []eventstore.RecordedEvent
	for {
		evs, err := f.s.ReadAll(f.ctx, from, page)
		if err != nil {
			f.t.Fatalf("ReadAll(%s, %d): %v", from, page, err)
		}
		if len(evs) > page {
			f.t.Fatalf("ReadAll(%s, %d) returned %d events", from, page, len(evs))
		}
		if len(evs) == 0 {
			return out
		}
		for _, e := range evs {
			if !e.Position.After(from) {
				f.t.Fatalf("ReadAll: event %s at %s is not after %s", e.ID, e.Position, from)
			}
			from = e.Position
		}
		out = append(out, evs...)
	}
}

// sentinelPrefix names the streams settle appends to.
const sentinelPrefix = "eventstoretest.sentinel-"

// settle appends one event to a fresh sentinel stream and waits until the log
// has reached it. Anything an earlier call stored by mistake is then visible,
// so "stored nothing" can be checked with userEvents(f.readAll()).
func (f *fx) settle() {
	f.t.Helper()
	res := f.mustAppend(stream(sentinelPrefix), eventstore.NoStream(), newEvent("test.sentinel", 0))
	f.waitHead(res.Position)
}

// userEvents drops the sentinel events settle appended.
func userEvents(evs []eventstore.RecordedEvent) []eventstore.RecordedEvent {
	var out []eventstore.RecordedEvent
	for _, e := range evs {
		if !strings.HasPrefix(e.Stream, sentinelPrefix) {
			out = append(out, e)
		}
	}
	return out
}

// wantLog settles the store and checks that $all holds exactly the given
// events (stream and ID) in this order, apart from sentinels.
// wantOnlyStream checks that the store holds the one stream name with
// want: the stream itself and $all.
func (f *fx) wantOnlyStream(name string, want ...eventstore.EventData) {
	f.t.Helper()
	f.wantStream(name, want...)
	f.wantLog(inStream(name, want...)...)
}

func (f *fx) wantLog(want ...recorded) {
	f.t.Helper()
	f.settle()
	got := userEvents(f.readAll())
	if len(got) != len(want) {
		f.t.Fatalf("$all holds %d events, want %d:\n%s", len(got), len(want), describe(got))
	}
	for i, w := range want {
		if got[i].ID != w.id || got[i].Stream != w.stream {
			f.t.Fatalf("$all[%d] = %s in %q, want %s in %q:\n%s", i, got[i].ID, got[i].Stream, w.id, w.stream, describe(got))
		}
	}
}

// recorded names an event by stream and ID.
type recorded struct {
	stream string
	id     uuid.UUID
}

func inStream(name string, evs ...eventstore.EventData) []recorded {
	out := make([]recorded, len(evs))
	for i, e := range evs {
		out[i] = recorded{name, e.ID}
	}
	return out
}

func describe(evs []eventstore.RecordedEvent) string {
	var b strings.Builder
	for i, e := range evs {
		fmt.Fprintf(&b, "  [%d] %s %q rev %d at %s type %q\n", i, e.ID, e.Stream, e.Revision, e.Position, e.Type)
	}
	return b.String()
}

// wantStream checks that a stream holds exactly these events, in order, at
// revisions 0..n-1, each recorded as given.
func (f *fx) wantStream(name string, want ...eventstore.EventData) []eventstore.RecordedEvent {
	f.t.Helper()
	got := f.mustReadStream(name, eventstore.ReadStreamOptions{})
	if len(got) != len(want) {
		f.t.Fatalf("stream %q holds %d events, want %d:\n%s", name, len(got), len(want), describe(got))
	}
	for i := range got {
		if err := checkRecorded(got[i], name, uint64(i), want[i]); err != nil {
			f.t.Fatalf("stream %q: %v", name, err)
		}
		if i > 0 && !got[i].Position.After(got[i-1].Position) {
			f.t.Fatalf("stream %q: revision %d at %s is not after revision %d at %s", name, i, got[i].Position, i-1, got[i-1].Position)
		}
	}
	return got
}

// checkRecorded compares a stored event with the event that was appended.
func checkRecorded(got eventstore.RecordedEvent, name string, rev uint64, want eventstore.EventData) error {
	var errs []error
	if got.ID != want.ID {
		errs = append(errs, fmt.Errorf("ID %s, want %s", got.ID, want.ID))
	}
	if got.Stream != name {
		errs = append(errs, fmt.Errorf("Stream %q, want %q", got.Stream, name))
	}
	if got.Revision != rev {
		errs = append(errs, fmt.Errorf("Revision %d, want %d", got.Revision, rev))
	}
	if got.Position.IsStart() {
		errs = append(errs, fmt.Errorf("Position is Start"))
	}
	if got.Type != want.Type {
		errs = append(errs, fmt.Errorf("Type %q, want %q", got.Type, want.Type))
	}
	if !jsonEqual(got.Data, want.Data) {
		errs = append(errs, fmt.Errorf("Data %s, want %s (compared as JSON)", got.Data, want.Data))
	}
	if err := metadataDiff(got.Metadata, want.Metadata); err != nil {
		errs = append(errs, err)
	}
	if err := createdSane(got.Created); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("event %s (revision %d): %w", want.ID, rev, errors.Join(errs...))
	}
	return nil
}

// sameEvent compares one event as returned by two read paths.
func sameEvent(a, b eventstore.RecordedEvent) error {
	var errs []error
	if a.ID != b.ID || a.Stream != b.Stream || a.Revision != b.Revision || a.Position != b.Position || a.Type != b.Type {
		errs = append(errs, fmt.Errorf("%s %q rev %d at %s type %q vs %s %q rev %d at %s type %q",
			a.ID, a.Stream, a.Revision, a.Position, a.Type, b.ID, b.Stream, b.Revision, b.Position, b.Type))
	}
	if !jsonEqual(a.Data, b.Data) {
		errs = append(errs, fmt.Errorf("Data %s vs %s", a.Data, b.Data))
	}
	if err := metadataDiff(a.Metadata, b.Metadata); err != nil {
		errs = append(errs, err)
	}
	if !a.Created.Equal(b.Created) {
		errs = append(errs, fmt.Errorf("Created %s vs %s", a.Created, b.Created))
	}
	if a.PrevHash != b.PrevHash || a.Hash != b.Hash {
		errs = append(errs, fmt.Errorf("hashes %s/%s vs %s/%s", a.PrevHash, a.Hash, b.PrevHash, b.Hash))
	}
	return errors.Join(errs...)
}

func metadataDiff(got, want eventstore.Metadata) error {
	if got.ActorID != want.ActorID || got.ActorRole != want.ActorRole ||
		got.CorrelationID != want.CorrelationID || got.CausationID != want.CausationID ||
		!got.OccurredAt.Equal(want.OccurredAt) {
		return fmt.Errorf("Metadata %+v, want %+v", got, want)
	}
	return nil
}

// createdSane accepts any recording time within a day of the test's clock:
// stores may run on other machines, but a zero or garbled time is a bug.
func createdSane(created time.Time) error {
	if created.IsZero() {
		return errors.New("Created is zero")
	}
	if d := time.Since(created); d > 24*time.Hour || d < -24*time.Hour {
		return fmt.Errorf("Created %s is more than a day away from now", created)
	}
	return nil
}

// jsonEqual compares payloads as JSON values: PostgreSQL's jsonb reorders
// keys and drops insignificant whitespace. An absent payload and JSON null
// are the same.
func jsonEqual(a, b json.RawMessage) bool {
	if isNoData(a) || isNoData(b) {
		return isNoData(a) && isNoData(b)
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

func isNoData(d json.RawMessage) bool {
	d = bytes.TrimSpace(d)
	return len(d) == 0 || bytes.Equal(d, []byte("null"))
}

// wantWrongRevision checks the error of a refused append.
func wantWrongRevision(t *testing.T, err error, name string, exp eventstore.ExpectedRevision, exists bool, actual uint64) {
	t.Helper()
	if err == nil {
		t.Fatalf("Append(%q, %s) succeeded, want ErrWrongExpectedRevision", name, exp)
	}
	if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("Append(%q, %s) = %v, want errors.Is ErrWrongExpectedRevision", name, exp, err)
	}
	var wrong *eventstore.WrongExpectedRevisionError
	if !errors.As(err, &wrong) {
		t.Fatalf("Append(%q, %s) = %v (%T), want a *WrongExpectedRevisionError in the chain", name, exp, err, err)
	}
	if wrong.Stream != name {
		t.Errorf("WrongExpectedRevisionError.Stream = %q, want %q", wrong.Stream, name)
	}
	if wrong.Expected != exp {
		t.Errorf("WrongExpectedRevisionError.Expected = %s, want %s", wrong.Expected, exp)
	}
	if wrong.StreamExists != exists {
		t.Errorf("WrongExpectedRevisionError.StreamExists = %t, want %t", wrong.StreamExists, exists)
	}
	if exists && wrong.Actual != actual {
		t.Errorf("WrongExpectedRevisionError.Actual = %d, want %d", wrong.Actual, actual)
	}
}

// wantIs checks that err is (or wraps) target, one of the port's errors
// (ErrStreamNotFound, ErrDuplicateEventID, ErrClosed, …).
func wantIs(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s = %v, want errors.Is %q", what, err, target)
	}
}
