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

// TestResumeBatch: a batch whose building stopped after some of its items
// goes on (ResumeBatch) when the candidates left are exactly what it
// lacks, after its last recorded item in file order; it is batch_stale
// when one is missing, one more is there, a new one sorts before the
// recorded ones, or a worker lost the personnel number.
func TestResumeBatch(t *testing.T) {
	cands := []payroll.Item{item("p1", 5, "10", "A"), item("p2", 5, "20", "B"), item("p3", 5, "30", "C")}
	stopped := func() (*payroll.Exports, string) {
		x := payroll.NewExports()
		plan, err := x.PlanBatch(payrollBot, newBatch(t, "2026-W05"))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range cands {
			_ = plan.Consider(it)
		}
		created, err := plan.Created()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := plan.Chunk(cands[:1]); err != nil {
			t.Fatal(err)
		}
		return x, created.BatchID
	}
	noPersnr := item("p3", 5, "", "C")
	for name, tc := range map[string]struct {
		left  []payroll.Item // the second pass's candidates, in file order
		stale bool
	}{
		"exactly what it lacks":               {left: cands, stale: false},
		"one approved meanwhile":              {left: append(cands[:3:3], item("p4", 5, "40", "D")), stale: true},
		"one gone meanwhile":                  {left: cands[:2], stale: true},
		"a new one before its tail":           {left: []payroll.Item{item("p0", 5, "0", "Z"), cands[0], cands[1], cands[2]}, stale: true},
		"one gone, a new one before its tail": {left: []payroll.Item{item("p0", 5, "0", "Z"), cands[0], cands[1]}, stale: true},
		"a personnel number gone":             {left: []payroll.Item{noPersnr, cands[0], cands[1]}, stale: true},
	} {
		t.Run(name, func(t *testing.T) {
			x, id := stopped()
			if _, err := x.PlanBatch(payrollBot, newBatch(t, "2026-W05")); code(err) != "batch_building" {
				t.Fatalf("a new batch while building: %v", err)
			}
			plan, err := x.ResumeBatch(payrollBot, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range tc.left {
				if err := plan.Consider(it); err != nil {
					t.Fatal(err)
				}
			}
			created, err := plan.Resume()
			if tc.stale {
				if code(err) != "batch_stale" {
					t.Fatalf("resume: %+v %v, want batch_stale", created, err)
				}
				return
			}
			if err != nil || created.BatchID != id {
				t.Fatalf("resume: %+v %v", created, err)
			}
			var rest []payroll.Item
			for _, it := range tc.left {
				if plan.Takes(it) {
					rest = append(rest, it)
				}
			}
			if _, err := plan.Chunk(rest); err != nil {
				t.Fatal(err)
			}
			b, _ := x.Batch(id)
			if err := plan.Done(); err != nil || b.Building() || len(b.Keys) != 3 {
				t.Fatalf("done: %v, building %v, keys %v", err, b.Building(), b.Keys)
			}
		})
	}
	if _, err := payroll.NewExports().ResumeBatch(payrollBot, "c1_2026-W05_1"); code(err) != "batch_plan" {
		t.Fatalf("resume of no batch: %v", err)
	}
}
