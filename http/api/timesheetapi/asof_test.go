package timesheetapi_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"reflect"
	"testing"
	"time"

	rm "backoffice/readmodel/timesheets"
)

// withoutNow drops the fields judged at the moment of asking (fillable,
// late): the read model was asked with the test's fixed clock, the replay is
// judged at the replayed moment.
func withoutNow(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "fillable")
	delete(m, "late")
	return m
}

// TestAsOfReplaysWhatTheReadModelShowed is the property of the issue: for a
// random history of commands (seeded), the detail replayed as_of P equals
// the read model's detail observed at P in the same run, and the history
// as_of P ends at P.
func TestAsOfReplaysWhatTheReadModelShowed(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			e := newEnv(t)
			rnd := rand.New(rand.NewPCG(seed, 14))
			type observed struct {
				pos, recorded string
				detail        []byte
			}
			var seen []observed
			hours := func() []string {
				h := make([]string, 7)
				for i := range 5 {
					h[i] = fmt.Sprint(rnd.IntN(9))
				}
				return h
			}
			for step := 0; step < 12; step++ {
				var r response
				switch rnd.IntN(5) {
				case 0, 1:
					r = e.do("PUT", w05+"/lines/100", "worker1", map[string]any{"hours": hours()})
				case 2:
					r = e.do("POST", w05+"/offer", "worker1", nil)
				case 3:
					r = e.do("POST", w05+"/reject", "client1", map[string]any{"reason": fmt.Sprint("Stap ", step)})
				case 4:
					r = e.do("POST", w05+"/remarks", "worker1", map[string]any{"text": fmt.Sprint("Opmerking ", step)})
				}
				if r.Status >= 300 {
					continue // refused in this state: nothing happened
				}
				pos := r.Position(t)
				d := e.must(200, "GET", w05+"?min_position="+pos, "client1", nil)
				seen = append(seen, observed{pos: pos, detail: d.Body})
			}
			if len(seen) < 3 {
				t.Fatalf("only %d commands succeeded", len(seen))
			}
			for i, o := range seen {
				got := e.must(200, "GET", w05+"?as_of="+o.pos, "client1", nil)
				if want, have := withoutNow(t, o.detail), withoutNow(t, got.Body); !reflect.DeepEqual(want, have) {
					t.Fatalf("as_of %s (command %d):\nreplay     %s\nread model %s", o.pos, i, got.Body, o.detail)
				}
				var h struct {
					Events []rm.HistoryEvent `json:"events"`
				}
				e.must(200, "GET", w05+"/history?as_of="+o.pos, "client1", nil).Decode(t, &h)
				var d rm.Detail
				got.Decode(t, &d)
				if len(h.Events) == 0 || d.Revision == nil || h.Events[len(h.Events)-1].Revision != uint64(*d.Revision) ||
					h.Events[len(h.Events)-1].Position != o.pos {
					t.Fatalf("history as_of %s ends at %+v, want revision %v at %s", o.pos, h.Events[len(h.Events)-1], d.Revision, o.pos)
				}
				if i == len(seen)-1 {
					// As of a time: the same as of the last event's recording time.
					at := h.Events[len(h.Events)-1].RecordedAt.Format(time.RFC3339Nano)
					byTime := e.must(200, "GET", w05+"?as_of="+url.QueryEscape(at), "client1", nil)
					if !reflect.DeepEqual(withoutNow(t, byTime.Body), withoutNow(t, o.detail)) {
						t.Fatalf("as_of %s:\n%s\nwant\n%s", at, byTime.Body, o.detail)
					}
				}
			}
		})
	}
}

func TestAsOfRefusesWhatItCannotRead(t *testing.T) {
	e := newEnv(t)
	for _, v := range []string{"gisteren", "12", "1-x", "2026-13-01T00:00:00Z", "2026-02-03 09:00"} {
		for _, path := range []string{w05, w05 + "/history"} {
			r := e.do("GET", path+"?as_of="+url.QueryEscape(v), "client1", nil)
			if code, field := r.ErrorCode(t); r.Status != 400 || code != "as_of_invalid" || field != "as_of" {
				t.Fatalf("%s?as_of=%s: %d %s", path, v, r.Status, r.Body)
			}
		}
	}
	// Before the placement existed there is nothing to see.
	if r := e.do("GET", w05+"?as_of=2000-01-01T00:00:00Z", "client1", nil); r.Status != 404 {
		t.Fatalf("as_of before the placement: %d %s, want 404", r.Status, r.Body)
	}
	// Another tenant sees nothing as of any moment either.
	if r := e.do("GET", w05+"?as_of="+e.seeded, "client2", nil); r.Status != 404 {
		t.Fatalf("other tenant as_of: %d %s, want 404", r.Status, r.Body)
	}
}
