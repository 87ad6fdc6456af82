package identity_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"backoffice/commands/identity"
	"backoffice/domain/worker"
)

// TestBSNIndex: one BSN, one worker (issue 11 §4). The index holds keyed
// hashes only; erasure frees the BSN; workers stored before the index are
// indexed by the backfill, which reports (and skips) duplicates.
func TestBSNIndex(t *testing.T) {
	ctx, v, pool := newVault(t)
	steps := []struct {
		name, subject, bsn string
		want               error
	}{
		{"first worker", "worker-1", "111222333", nil},
		{"same worker again", "worker-1", "111222333", nil},
		{"another worker, same BSN", "worker-2", "111222333", identity.ErrBSNInUse},
		{"another worker, another BSN", "worker-2", "123456782", nil},
	}
	for _, s := range steps {
		if err := v.ClaimBSN(ctx, s.subject, s.bsn); !errors.Is(err, s.want) || (s.want == nil) != (err == nil) {
			t.Fatalf("%s: %v, want %v", s.name, err, s.want)
		}
	}
	var raw [][]byte
	rows, err := pool.Query(ctx, `SELECT bsn_hmac FROM personal_data_bsn`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, b)
	}
	if len(raw) != 2 {
		t.Fatalf("%d index rows, want 2", len(raw))
	}
	for _, b := range raw {
		if containsAny(b, "111222333", "123456782") || len(b) != 32 {
			t.Fatalf("index row %x is not a keyed hash", b)
		}
	}
	// Erasure frees the BSN.
	if err := v.Erase(ctx, "worker-1"); err != nil {
		t.Fatal(err)
	}
	if err := v.ClaimBSN(ctx, "worker-3", "111222333"); err != nil {
		t.Fatalf("BSN of an erased worker: %v", err)
	}

	// Backfill: personal data stored without an index entry.
	for s, bsn := range map[string]string{"worker-10": "100000009", "worker-11": "100000009", "worker-12": "100000010"} {
		if err := v.Put(ctx, s, worker.PersonalData{BSN: bsn}); err != nil {
			t.Fatal(err)
		}
	}
	indexed, dups, err := v.BackfillBSNIndex(ctx, nil)
	if err != nil || indexed != 2 || dups != 1 {
		t.Fatalf("backfill: %d indexed, %d duplicates, %v; want 2, 1", indexed, dups, err)
	}
	if err := v.ClaimBSN(ctx, "worker-13", "100000010"); !errors.Is(err, identity.ErrBSNInUse) {
		t.Fatalf("a backfilled BSN claimed again: %v", err)
	}
	if indexed, dups, err := v.BackfillBSNIndex(ctx, nil); err != nil || indexed != 0 || dups != 1 {
		t.Fatalf("second backfill: %d indexed, %d duplicates, %v; want 0, 1", indexed, dups, err)
	}
}

// TestBSNClaimRace: workers registered at once with one BSN: exactly one
// gets it.
func TestBSNClaimRace(t *testing.T) {
	ctx, v, _ := newVault(t)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = v.ClaimBSN(ctx, fmt.Sprintf("worker-r%d", i), "111222333")
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, identity.ErrBSNInUse):
			t.Fatalf("claim: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d claims won, want 1: %v", won, errs)
	}
}
