package timesheets_test

import (
	"context"
	"runtime"
	"testing"

	rm "backoffice/readmodel/timesheets"
)

// TestBinaryCopyEqualsPgxEncoding: the rows the projector encodes itself
// for COPY are the rows pgx's CopyFrom writes from the same values, for
// every kind of event (NULL and non-empty parts, dates, instants, jsonb),
// also when the rows are encoded on more goroutines.
func TestBinaryCopyEqualsPgxEncoding(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	if _, err := pool.Exec(ctx, `CREATE TABLE ts_timesheets_pgx (LIKE ts_timesheets)`); err != nil {
		t.Fatal(err)
	}
	n, err := rm.CopyBothWays(ctx, pool, append(reportFixture(t), everyKind(t)...), 60, "ts_timesheets_pgx")
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs := tableAsJSON(t, pool, "ts_timesheets"), tableAsJSON(t, pool, "ts_timesheets_pgx")
	if n < 600 || len(ours) != n || len(theirs) != n {
		t.Fatalf("%d rows: %d by the projector's COPY, %d by pgx", n, len(ours), len(theirs))
	}
	for stream, want := range theirs {
		if ours[stream] != want {
			t.Errorf("%s:\n got %s\nwant %s", stream, ours[stream], want)
		}
	}
}
