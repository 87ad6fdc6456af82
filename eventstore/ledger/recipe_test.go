package ledger_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"backoffice/eventstore/ledger"
)

// docBlock returns the fenced code between <!-- NAME:start --> and
// <!-- NAME:end --> in docs/audit.md.
func docBlock(t *testing.T, name string) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "audit.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "<!-- "+name+":start -->")
	block, _, ok2 := strings.Cut(rest, "<!-- "+name+":end -->")
	if !ok || !ok2 {
		t.Fatalf("docs/audit.md has no %s block", name)
	}
	block = strings.TrimSpace(block)
	block = block[strings.Index(block, "\n")+1:] // the ``` line
	return strings.TrimSuffix(strings.TrimSpace(block), "```")
}

// TestOfflineRecipe runs the re-verification program of docs/audit.md on an
// export: it must print the digest Verify prints, and name the event an
// auditor's copy was tampered at, a cut-off file, lines out of order and a
// digest given that does not match (it printed OK for the last three, and
// panicked on a line cut in half).
func TestOfflineRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a program with the go tool")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the recipe test needs the go tool: %v", err)
	}
	f := newFixture(t)
	rep := f.verify(t)
	if !rep.Intact() {
		t.Fatal(rep.Broken)
	}
	var export bytes.Buffer
	if _, _, err := ledger.Export(f.ctx, f.store, ledger.ExportRange{End: true}, &export); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	prog := filepath.Join(dir, "verify.go")
	if err := os.WriteFile(prog, []byte(docBlock(t, "recipe")), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "verify")
	if out, err := exec.Command(goTool, "build", "-o", bin, prog).CombinedOutput(); err != nil {
		t.Fatalf("the recipe does not build: %v\n%s", err, out)
	}
	runOn := func(input string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Stdin = strings.NewReader(input)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := runOn(export.String())
	want := "OK: 9 events; digest " + rep.Digest.String() + "@" + rep.Last.String()
	if err != nil || strings.TrimSpace(out) != want {
		t.Fatalf("recipe on the export: %v %q, want %q", err, out, want)
	}

	// The auditor's copy changed in one line: 481 minutes become 600.
	second := f.event(t, "b", 0)
	tampered := strings.Replace(export.String(), `{\"minutes\":481}`, `{\"minutes\":600}`, 1)
	if tampered == export.String() {
		t.Fatal("the export holds no 481 minutes to change")
	}
	out, err = runOn(tampered)
	if err == nil || !strings.Contains(out, `BROKEN: line 2: stream "b" revision 0 position `+second.Position.String()) {
		t.Fatalf("recipe on a tampered export: %v %q", err, out)
	}

	lines := strings.SplitAfter(export.String(), "\n")
	swapped := append([]string{}, lines...)
	swapped[3], swapped[4] = swapped[4], swapped[3]
	given := rep.Digest.String() + "@" + rep.Last.String()
	for _, c := range []struct {
		name, input string
		args        []string
		want        string
	}{
		{"the auditor's digest", export.String(), []string{given}, want},
		{"no closing line, the digest of the last event given", strings.Join(lines[:9], ""), []string{given}, want},
		{"cut at a line boundary", strings.Join(lines[:7], ""), nil, "BROKEN: line 7: no closing line: the file was cut off"},
		{"a line cut in half", export.String()[:len(export.String())-len(lines[9])-30], nil, "BROKEN: line 9: not a line of the export"},
		{"two lines swapped", strings.Join(swapped, ""), nil, "BROKEN: line 5: position " + f.event(t, "c", 0).Position.String() + " is not after"},
		{"another digest given", export.String(), []string{strings.Repeat("0", 64) + "@" + rep.Last.String()}, "BROKEN: line 9: the digest at " + rep.Last.String() + " is " + rep.Digest.String()},
	} {
		out, err := runOn(c.input, c.args...)
		if (err == nil) != (c.want == want) || !strings.HasPrefix(strings.TrimSpace(out), c.want) {
			t.Errorf("recipe, %s: %v %q, want %q", c.name, err, out, c.want)
		}
	}
}
