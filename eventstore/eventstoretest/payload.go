package eventstoretest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"backoffice/eventstore"
)

var payloadTests = []test{
	{"DataRoundTrips", func(f *fx) {
		datas := []string{
			`{"week":"2026-W12","lines":[{"type":"normal","minutes":[480,480,0,0,0,0,0]}],"approved":false,"note":null}`,
			`{"z":1,"a":2,"m":{"y":[true,false],"b":"é"}}`,
			`{ "spaced" :  [ 1 , 2 ] ,"tab":	3 }`,
			`{"unicode":"café € ☕ 日本 \u00e9","escaped":"quote \" backslash \\ newline \n tab \t","html":"<b>&amp;</b>"}`,
			`{"int":42,"neg":-7,"big":9007199254740991,"frac":12.25,"exp":1.5e3,"zero":0}`,
			`{"empty_object":{},"empty_array":[],"empty_string":""}`,
			`[1,"two",{"three":3}]`,
			`"just a string"`,
			`12345`,
			`true`,
			`{}`,
		}
		name := stream("payload")
		var evs []eventstore.EventData
		for i, d := range datas {
			e := newEvent(fmt.Sprintf("test.payload_%d", i), i)
			e.Data = json.RawMessage(d)
			evs = append(evs, e)
		}
		f.mustAppend(name, eventstore.NoStream(), evs...)
		f.wantSamePaths(name, evs)
	}},
	{"EmptyData", func(f *fx) {
		// No payload is allowed. It reads back as no payload or as JSON
		// null, the same way on every read path.
		name := stream("payload")
		noData := newEvent("test.no_data", 0)
		noData.Data = nil
		empty := newEvent("test.empty_data", 1)
		empty.Data = json.RawMessage{}
		null := newEvent("test.null_data", 2)
		null.Data = json.RawMessage(`null`)
		f.mustAppend(name, eventstore.NoStream(), noData, empty, null)
		got := f.wantSamePaths(name, []eventstore.EventData{noData, empty, null})
		for _, e := range got {
			if !isNoData(e.Data) {
				f.t.Errorf("event %s read back with Data %q, want none or null", e.Type, e.Data)
			}
		}
	}},
	{"LargeData", func(f *fx) {
		name := stream("payload")
		var b strings.Builder
		b.WriteString(`{"lines":[`)
		for i := range 4000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"i":%d,"text":"regel %d van het urenbriefje"}`, i, i)
		}
		b.WriteString(`]}`)
		e := newEvent("test.large", 0)
		e.Data = json.RawMessage(b.String())
		f.mustAppend(name, eventstore.NoStream(), e)
		f.wantSamePaths(name, []eventstore.EventData{e})
	}},
	{"MetadataRoundTrips", func(f *fx) {
		name := stream("metadata")
		full := newEvent("test.full", 0)
		full.Metadata = eventstore.Metadata{
			ActorID:       "account-7f3a",
			ActorRole:     "intermediary",
			CorrelationID: "req-2b8c1d",
			CausationID:   "cmd-approve-timesheet-9",
			OccurredAt:    occurredAt,
		}
		empty := newEvent("test.empty_metadata", 1)
		empty.Metadata = eventstore.Metadata{}
		zoned := newEvent("test.zoned", 2)
		zoned.Metadata = eventstore.Metadata{
			ActorID:    "account-ü",
			OccurredAt: time.Date(2026, time.October, 25, 2, 30, 0, 999999000, time.FixedZone("CEST", 2*60*60)),
		}
		old := newEvent("test.old", 3)
		old.Metadata = eventstore.Metadata{
			ActorRole:  "backoffice",
			OccurredAt: time.Date(1999, time.December, 31, 23, 59, 59, 1000, time.UTC),
		}
		f.mustAppend(name, eventstore.NoStream(), full, empty, zoned, old)
		got := f.wantSamePaths(name, []eventstore.EventData{full, empty, zoned, old})
		if !got[1].Metadata.OccurredAt.IsZero() {
			f.t.Errorf("zero OccurredAt read back as %s", got[1].Metadata.OccurredAt)
		}
	}},
	{"StoreKeepsItsOwnCopy", func(f *fx) {
		// Neither the caller's buffer after Append nor a returned event may
		// alias what the store keeps.
		name := stream("copy")
		e := newEvent("test.copy", 0)
		e.Data = json.RawMessage(`{"hours":8}`)
		sent := e.Data
		f.mustAppend(name, eventstore.NoStream(), e)
		copy(sent, `{"hours":9}`)
		want := e
		want.Data = json.RawMessage(`{"hours":8}`)
		got := f.wantStream(name, want)
		copy(got[0].Data, `{"hours":7}`)
		f.wantStream(name, want)
		f.waitHead(got[0].Position)
		all := f.readAll()
		copy(all[0].Data, `{"hours":6}`)
		f.wantStream(name, want)
		if again := f.readAll(); !jsonEqual(again[0].Data, want.Data) {
			f.t.Errorf("ReadAll after changing a returned event: Data %s, want %s", again[0].Data, want.Data)
		}
	}},
}

// wantSamePaths checks that a stream holds exactly evs and that ReadStream,
// ReadAll and SubscribeAll return the same events, field for field. It
// returns the events as ReadStream gave them.
func (f *fx) wantSamePaths(name string, evs []eventstore.EventData) []eventstore.RecordedEvent {
	f.t.Helper()
	byStream := f.wantStream(name, evs...)
	f.waitHead(byStream[len(byStream)-1].Position)

	var byAll []eventstore.RecordedEvent
	for _, e := range f.readAll() {
		if e.Stream == name {
			byAll = append(byAll, e)
		}
	}
	sub := f.subscribe(eventstore.Start)
	var bySub []eventstore.RecordedEvent
	for {
		e, caughtUp := sub.mustNext()
		if caughtUp {
			break
		}
		if e.Stream == name {
			bySub = append(bySub, e)
		}
	}
	for path, got := range map[string][]eventstore.RecordedEvent{"ReadAll": byAll, "SubscribeAll": bySub} {
		if len(got) != len(byStream) {
			f.t.Errorf("%s returned %d events of %q, ReadStream %d", path, len(got), name, len(byStream))
			continue
		}
		for i := range got {
			if err := sameEvent(got[i], byStream[i]); err != nil {
				f.t.Errorf("%s and ReadStream disagree on revision %d: %v", path, i, err)
			}
		}
	}
	return byStream
}
