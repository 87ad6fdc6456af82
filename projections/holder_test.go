package projections_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"backoffice/eventstore/memory"
	"backoffice/projections"
)

// TestStatusNamesTheLockHolder: a runtime that does not run a projector
// reports the session that does (its application_name names the process);
// the runtime that runs it reports no holder; once it stops, nobody.
func TestStatusNamesTheLockHolder(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	appendEvents(t, store, 10, 2, 0)
	a := newRuntime(t, store, pool, projections.Config{}, &sums{})
	b := newRuntime(t, store, pool, projections.Config{}, &sums{}) // never started: like the CLI
	stopA := start(t, a)
	eventually(t, "a runs test_sums", func() bool { return status(t, a, "test_sums").Local })

	st := status(t, b, "test_sums")
	host, _ := os.Hostname()
	want := fmt.Sprintf("backoffice pid=%d host=%s", os.Getpid(), host)
	if st.Holder == nil || st.Holder.Application != want || st.Holder.BackendPID == 0 {
		t.Fatalf("holder seen from b: %+v, want %q", st.Holder, want)
	}
	if !strings.HasPrefix(st.Holder.String(), want+" (database session ") {
		t.Fatalf("holder text %q", st.Holder.String())
	}
	if st := status(t, a, "test_sums"); st.Holder != nil {
		t.Fatalf("a holds the lock itself, yet reports holder %+v", st.Holder)
	}
	stopA() // its lock sessions end shortly after
	eventually(t, "no holder once a stopped", func() bool { return status(t, b, "test_sums").Holder == nil })
}
