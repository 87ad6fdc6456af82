package app

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOneLogKeyForErrors: every log line names its error "err", so one
// query finds them all (issue 12 §5). A second key ("error") is refused
// wherever it appears in the product's Go code.
func TestOneLogKeyForErrors(t *testing.T) {
	root := filepath.Join("..", "..")
	other := regexp.MustCompile(`"error",\s*err\b`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if other.MatchString(line) {
				t.Errorf("%s:%d: log the error under \"err\": %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
