package timesheetapi_test

import (
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkAsOfDetail: the timesheet detail through the HTTP API, replayed
// from the event store as of a position in the middle of a timesheet of 21
// events, against the same detail from the read model. Run:
//
//	go test -run '^$' -bench AsOfDetail -benchtime 2000x ./http/api/timesheetapi/
func BenchmarkAsOfDetail(b *testing.B) {
	e := newEnv(b)
	var mid string
	for i := range 20 {
		r := e.do("PUT", w05+"/lines/100", "worker1", map[string]any{"minutes": []int{480, 480, 480, 480, 400 + i, 0, 0}})
		if r.Status != http.StatusOK {
			b.Fatalf("set line: %d %s", r.Status, r.Body)
		}
		if i == 10 {
			mid = r.Position(b)
		}
	}
	for _, c := range []struct{ name, query string }{
		{"read_model", ""},
		{fmt.Sprintf("as_of_revision_%d", 11), "?as_of=" + mid},
	} {
		b.Run(c.name, func(b *testing.B) {
			parallel(b, 1, b.N, func(_, _, _ int) {
				if r := e.do("GET", w05+c.query, "client1", nil); r.Status != http.StatusOK {
					b.Errorf("detail: %d %s", r.Status, r.Body)
				}
			})
		})
	}
}
