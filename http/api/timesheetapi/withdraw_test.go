package timesheetapi_test

import (
	"testing"

	ts "backoffice/domain/timesheet"
)

// TestWithdrawOffer: the worker who entered the hours takes the offer back
// before the client approved; the timesheet is open and editable again,
// the approver can no longer approve the withdrawn content, and after the
// first step approved withdrawing is refused.
func TestWithdrawOffer(t *testing.T) {
	e := newEnv(t)
	hash := e.offered()

	code, _ := e.must(403, "POST", w05+"/offer/withdraw", "client1", nil).ErrorCode(t)
	if code != "not_the_enterer" {
		t.Fatalf("the approver withdraws: %s", code)
	}
	pos := e.must(200, "POST", w05+"/offer/withdraw", "worker1", nil).Position(t)
	d := e.detail("worker1", w05, pos)
	if d.Status != string(ts.StatusOpen) || d.Hash != "" || d.NextParty != "" || d.OfferedAt != nil {
		t.Fatalf("after withdrawing: status %s hash %q next %q offered %v", d.Status, d.Hash, d.NextParty, d.OfferedAt)
	}
	if code, _ := e.must(409, "POST", w05+"/approve", "client1", map[string]any{"hash": hash, "step": 0}).ErrorCode(t); code != "not_offered" {
		t.Fatalf("approving the withdrawn offer: %s", code)
	}
	if code, _ := e.must(409, "POST", w05+"/offer/withdraw", "worker1", nil).ErrorCode(t); code != "not_offered" {
		t.Fatalf("withdrawing twice: %s", code)
	}
	// Editable again, and offered anew in the next round.
	e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"minutes": []int{480, 480, 480, 480, 240, 0, 0}})
	pos = e.must(200, "POST", w05+"/offer", "worker1", nil).Position(t)
	d = e.detail("client1", w05, pos)
	if d.Status != string(ts.StatusOffered) || d.Round != 2 || d.TotalMinutes != 2160 {
		t.Fatalf("offered again: status %s round %d total %d", d.Status, d.Round, d.TotalMinutes)
	}
	// Once the client approved its step, only a rejection returns it.
	e.must(200, "POST", w05+"/approve", "client1", map[string]any{"hash": d.Hash, "step": 0})
	if code, _ := e.must(409, "POST", w05+"/offer/withdraw", "worker1", nil).ErrorCode(t); code != "offer_partly_approved" {
		t.Fatalf("withdrawing after a step approved: %s", code)
	}
}
