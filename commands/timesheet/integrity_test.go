package timesheet_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/http/httpx"
)

// approvedWeek4 enters 480 minutes on Monday of week 4 (single-step approval
// by the client), offers and approves it.
func approvedWeek4(t *testing.T) (*cmd.Handler, *memory.Store, cmd.Target) {
	t.Helper()
	h, store := setup(t)
	ctx := context.Background()
	tgt := cmd.Target{PlacementID: "p1", Week: ts.ISOWeek{Year: 2026, Week: 4}}
	if _, err := h.SetLine(ctx, meta(worker1), cmd.SetLine{Target: tgt, HourType: "100", Minutes: [7]ts.Minutes{480}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: tgt}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Approve(ctx, meta(client1), cmd.Approve{Target: tgt}); err != nil {
		t.Fatal(err)
	}
	return h, store.(*memory.Store), tgt
}

// The finding: 480 minutes changed to 600 behind the application's
// back. The payroll import of that timesheet is refused with
// ledger_integrity (HTTP 500) instead of importing tampered hours.
func TestImportOfTamperedApprovalIsRefused(t *testing.T) {
	ctx := context.Background()
	t.Run("untouched", func(t *testing.T) {
		h, _, tgt := approvedWeek4(t)
		if _, err := h.MarkImported(ctx, meta(payroll), cmd.MarkImported{Target: tgt, ImportBatch: "b1"}); err != nil {
			t.Fatalf("import of an untouched timesheet: %v", err)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		h, store, tgt := approvedWeek4(t)
		stream := ts.StreamName(tgt.PlacementID, tgt.Week)
		// The event that recorded the 480 minutes.
		tampered := -1
		for rev := uint64(0); tampered < 0 && store.Tamper(stream, rev, func(e *eventstore.RecordedEvent) {
			if bytes.Contains(e.Data, []byte("480")) {
				e.Data = bytes.Replace(e.Data, []byte("480"), []byte("600"), 1)
				tampered = int(rev)
			}
		}); rev++ {
		}
		if tampered < 0 {
			t.Fatal("no event of the timesheet holds 480 minutes")
		}
		before := commands.IntegrityFailures()
		_, err := h.MarkImported(ctx, meta(payroll), cmd.MarkImported{Target: tgt, ImportBatch: "b1"})
		var ie *eventstore.IntegrityError
		if !errors.As(err, &ie) || ie.Stream != stream || ie.Revision != uint64(tampered) {
			t.Fatalf("import of a tampered timesheet: err = %v, want an IntegrityError naming revision %d of %s", err, tampered, stream)
		}
		if got := httpx.Status(err); got != http.StatusInternalServerError {
			t.Fatalf("status %d, want 500", got)
		}
		if d := httpx.Detail(err, "en"); d.Code != "ledger_integrity" {
			t.Fatalf("error code %q, want ledger_integrity", d.Code)
		}
		if commands.IntegrityFailures() != before+1 {
			t.Fatalf("integrity failures went from %v to %v, want one more", before, commands.IntegrityFailures())
		}
		// Every other command on the stream is refused as well.
		if _, err := h.Reject(ctx, meta(client1), cmd.Reject{Target: tgt, Reason: "te veel"}); !errors.Is(err, eventstore.ErrIntegrity) {
			t.Fatalf("reject on the tampered stream: %v, want ErrIntegrity", err)
		}
	})
	t.Run("tampered metadata of the placement", func(t *testing.T) {
		h, store, tgt := approvedWeek4(t)
		store.Tamper(placement.Stream("p1"), 0, func(e *eventstore.RecordedEvent) { e.Metadata.ActorRole = "intermediary" })
		_, err := h.MarkImported(ctx, meta(payroll), cmd.MarkImported{Target: tgt, ImportBatch: "b1"})
		if !errors.Is(err, eventstore.ErrIntegrity) {
			t.Fatalf("import with a tampered placement stream: %v, want ErrIntegrity", err)
		}
	})
}
