package payroll_test

import (
	"testing"

	"backoffice/domain/payroll"
)

// TestPlanStreamsInTwoPasses: the streamed decision gives the events the
// in-memory one gives, refuses candidates out of file order or a second
// pass that differs from the first, and a batch whose items are not all
// recorded yet is "building": no confirmation, no new batch of the
// client, but it can be cancelled.
func TestPlanStreamsInTwoPasses(t *testing.T) {
	cands := []payroll.Item{item("p1", 5, "10", "A"), item("p2", 5, "20", "B"), item("p3", 5, "30", "C")}
	x := payroll.NewExports()
	plan, err := x.PlanBatch(payrollBot, newBatch(t, "2026-W05"))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range cands {
		if err := plan.Consider(it); err != nil {
			t.Fatal(err)
		}
	}
	created, err := plan.Created()
	if err != nil || created.Items != 3 {
		t.Fatalf("created %+v, %v", created, err)
	}
	if _, err := plan.Chunk(cands[:2]); err != nil {
		t.Fatal(err)
	}
	// Two of three recorded: the batch is being built.
	b, _ := x.Batch(created.BatchID)
	if !b.Building() || b.Added != 2 {
		t.Fatalf("building %v, added %d", b.Building(), b.Added)
	}
	if err := plan.Done(); code(err) != "batch_plan" {
		t.Fatalf("done after 2 of 3: %v", err)
	}
	if _, err := x.Confirm(payrollBot, created.BatchID); code(err) != "batch_building" {
		t.Fatalf("confirm while building: %v", err)
	}
	if _, err := x.PlanBatch(payrollBot, newBatch(t, "2026-W06")); code(err) != "batch_building" {
		t.Fatalf("another period while building: %v", err)
	}
	// More than decided is refused.
	if _, err := plan.Chunk(cands[1:]); code(err) != "batch_plan" {
		t.Fatalf("chunk beyond the decision: %v", err)
	}
	if _, err := plan.Chunk(cands[2:]); err != nil {
		t.Fatal(err)
	}
	if err := plan.Done(); err != nil || b.Building() {
		t.Fatalf("done: %v, building %v", err, b.Building())
	}

	// Out of file order (persnr 20 before 10) is an internal error.
	y := payroll.NewExports()
	plan, _ = y.PlanBatch(payrollBot, newBatch(t, "2026-W05"))
	if err := plan.Consider(cands[1]); err != nil {
		t.Fatal(err)
	}
	if err := plan.Consider(cands[0]); code(err) != "batch_plan" {
		t.Fatalf("out of order: %v", err)
	}

	// A batch whose building stopped can be cancelled; then a new one is made.
	z := payroll.NewExports()
	plan, _ = z.PlanBatch(payrollBot, newBatch(t, "2026-W05"))
	for _, it := range cands {
		_ = plan.Consider(it)
	}
	c, _ := plan.Created()
	if _, err := z.Cancel(backoffice, c.BatchID, "stopped halfway"); err != nil {
		t.Fatal(err)
	}
	if _, err := z.CreateBatch(payrollBot, newBatch(t, "2026-W05"), cands); err != nil {
		t.Fatalf("after cancelling the stopped batch: %v", err)
	}
}
