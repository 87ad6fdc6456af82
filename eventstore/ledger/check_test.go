package ledger_test

import (
	"bytes"
	"strings"
	"testing"

	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
)

// export writes the fixture's file export (events after after, with the
// closing line) and returns its lines.
func (f *fixture) export(t *testing.T, after eventstore.Position, to *eventstore.Position) []string {
	t.Helper()
	var out bytes.Buffer
	if _, _, err := ledger.Export(f.ctx, f.store, ledger.ExportRange{After: after, To: to, End: true}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(out.String(), "\n")
	return lines[:len(lines)-1] // after the last newline
}

func check(t *testing.T, file string, extra ...ledger.Checkpoint) ledger.Report {
	t.Helper()
	rep, err := ledger.CheckExport(t.Context(), strings.NewReader(file), ledger.VerifyOptions{Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestCheckExportFile: an export file re-verified offline gives the digest
// verify gives, and each way of damaging the file is named by its line.
// Before the closing line, a file cut off at a line boundary and lines
// swapped between streams passed as intact (with another digest), and a line
// cut in half stopped the recipe with a panic.
func TestCheckExportFile(t *testing.T) {
	f := newFixture(t)
	want := f.verify(t)
	lines := f.export(t, eventstore.Start, nil)
	whole := strings.Join(lines, "")
	if len(lines) != 10 || !strings.Contains(lines[9], `"end":true`) || !strings.Contains(lines[9], want.Digest.String()) {
		t.Fatalf("the export's closing line: %q", lines[len(lines)-1])
	}
	rep := check(t, whole)
	if !rep.Intact() || rep.Digest != want.Digest || rep.Last != want.Last || rep.Events != 9 {
		t.Fatalf("the untouched file: %+v, broken %v; verify: %s@%s", rep, rep.Broken, want.Digest, want.Last)
	}
	given := ledger.Checkpoint{Position: want.Last, Digest: want.Digest, Source: "given"}
	if rep := check(t, whole, given); !rep.Intact() || rep.Digests != 1 {
		t.Fatalf("the untouched file against the auditor's digest: %v", rep.Broken)
	}

	join := func(ls ...string) string { return strings.Join(ls, "") }
	// The API's pages put together have no closing line: whole up to the
	// digest of GET /audit/verify given for the last event.
	if rep := check(t, join(lines[:9]...), given); !rep.Intact() || rep.Digest != want.Digest {
		t.Fatalf("the events without the closing line, with the digest of their last event: %v", rep.Broken)
	}
	swapped := append([]string{}, lines...)
	swapped[3], swapped[4] = swapped[4], swapped[3] // c0 and b1: different streams
	mid := f.event(t, "a", 2).Position
	part1, part2 := f.export(t, eventstore.Start, &mid), f.export(t, mid, nil)
	a1 := f.event(t, "a", 1)
	for _, c := range []struct {
		name, file string
		given      []ledger.Checkpoint
		want       string
	}{
		{"a line cut in half", whole[:len(whole)-len(lines[9])-40], nil, "line 9: not a whole line of the export (the file is cut off or damaged)"},
		{"cut at a line boundary", join(lines[:7]...), nil, "line 7, position " + f.event(t, "c", 1).Position.String() + ": the file ends here without the export's closing line: it was cut off"},
		{"the closing line alone removed", join(lines[:9]...), nil, "without the export's closing line: it was cut off"},
		{"a line removed", join(append(append([]string{}, lines[:2]...), lines[3:]...)...), nil, `line 5, stream "a" revision 2, position ` + f.event(t, "a", 2).Position.String() + ", event " + f.event(t, "a", 2).ID.String() + ": revision 2 where 1 was expected"},
		{"the last event removed", join(append(append([]string{}, lines[:8]...), lines[9])...), nil, "line 9, position " + f.event(t, "b", 2).Position.String() + ": the closing line says 9 events up to " + want.Last.String() + ", the file holds 8"},
		{"two lines of different streams swapped", join(swapped...), nil, `line 5, stream "c" revision 0, position ` + f.event(t, "c", 0).Position.String() + ", event " + f.event(t, "c", 0).ID.String() + ": out of order: the line before holds position " + f.event(t, "b", 1).Position.String()},
		{"export files joined in the wrong order", join(part2...) + join(part1...), nil, `line 1, stream "c" revision 1, position ` + f.event(t, "c", 1).Position.String() + ", event " + f.event(t, "c", 1).ID.String() + ": the file holds none of the stream's earlier events"},
		{"export files joined in the right order", join(part1...) + join(part2...), nil, "line 8: a line after the export's closing line (line 7)"},
		{"one byte of data changed", strings.Replace(whole, `{\"minutes\":482}`, `{\"minutes\":483}`, 1), nil, `line 3, stream "a" revision 1, position ` + a1.Position.String() + ", event " + a1.ID.String() + ": hash does not match the event's contents"},
		{"an actor changed", strings.Replace(whole, `"actor_id":"acc-1"`, `"actor_id":"acc-2"`, 1), nil, `line 1, stream "a" revision 0`},
		{"an empty file", "", nil, "the file is empty"},
		{"a consistent rewrite", whole, []ledger.Checkpoint{{Position: want.Last, Digest: eventstore.Hash{1}, Source: "given"}}, "the given digest does not match"},
		{"a digest beyond the file", join(part1...), []ledger.Checkpoint{given}, "the file ends at " + mid.String() + ", before the given digest's position"},
		{"no closing line, a digest before the end", join(lines[:9]...), []ledger.Checkpoint{{Position: mid, Digest: check(t, join(part1...)).Digest, Source: "given"}}, "without the export's closing line: it was cut off"},
	} {
		rep := check(t, c.file, c.given...)
		if rep.Broken == nil || !strings.Contains(rep.Broken.String(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, rep.Broken, c.want)
		}
	}
}
