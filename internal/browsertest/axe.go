package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeEnv names the axe-core script the accessibility checks inject;
// `make test` sets it to the copy internal/tools/ensure.sh axe fetched.
const AxeEnv = "BACKOFFICE_AXE"

// AxePath is $BACKOFFICE_AXE, else <repo>/.cache/axe-core/axe.min.js.
func AxePath() (string, error) {
	if p := os.Getenv(AxeEnv); p != "" {
		return p, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", fmt.Errorf("%w; set %s", err, AxeEnv)
	}
	return filepath.Join(root, ".cache", "axe-core", "axe.min.js"), nil
}

var axeSource = sync.OnceValues(func() (string, error) {
	p, err := AxePath()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("axe-core not found at %s (%v): run `bash internal/tools/ensure.sh axe` (make test does)", p, err)
	}
	return string(b), nil
})

// RequireAxe fails the test when the axe-core script is missing, with how
// to fetch it. Browser tests skip in -short mode before they get here.
func RequireAxe(t testing.TB) {
	t.Helper()
	if _, err := axeSource(); err != nil {
		t.Fatal(err)
	}
}

// AxeViolation is one failed axe rule with the nodes it failed on.
type AxeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target         []any  `json:"target"`
		FailureSummary string `json:"failureSummary"`
		HTML           string `json:"html"`
	} `json:"nodes"`
}

func (v AxeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for i, n := range v.Nodes {
		if i == 5 {
			fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-i)
			break
		}
		fmt.Fprintf(&b, "\n    %v: %s\n      %s", n.Target, strings.ReplaceAll(n.FailureSummary, "\n", " "), n.HTML)
	}
	return b.String()
}

// Axe injects axe-core into the current page (once per document) and
// returns the violations of impact serious or critical on the WCAG 2.x A
// and AA rules and axe's best practices.
func (b *Browser) Axe() []AxeViolation {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatal(err)
	}
	// Ask first: the script is half a megabyte to send and parse, and the
	// walk runs axe twice per page (desktop and phone width).
	have, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		b.t.Fatalf("browsertest: inject axe-core: %v", err)
	}
	if !have {
		if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`(function(){`+src+`
return true})()`)); err != nil {
			b.t.Fatalf("browsertest: inject axe-core: %v", err)
		}
	}
	const run = `axe.run(document, {resultTypes: ["violations"], runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
  .then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical")))`
	out, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browsertest: axe.run: %v", err)
	}
	var vs []AxeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.t.Fatalf("browsertest: axe result: %v", err)
	}
	return vs
}

// Overflow is how far the page is wider than the viewport
// (document.documentElement.scrollWidth - innerWidth), and the widest
// elements that stick out on the right, to say what to fix.
func (b *Browser) Overflow() (int, []string) {
	b.t.Helper()
	const js = `(() => {
  const over = document.documentElement.scrollWidth - window.innerWidth;
  const culprits = [];
  if (over > 0) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 0.5 && r.width > 0) {
        let name = el.tagName.toLowerCase();
        if (el.id) name += "#" + el.id;
        if (el.className && typeof el.className === "string") name += "." + el.className.trim().split(/\s+/).join(".");
        culprits.push(name + " right=" + Math.round(r.right));
        if (culprits.length === 8) break;
      }
    }
  }
  return JSON.stringify({over, culprits});
})()`
	out, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("browsertest: overflow: %v", err)
	}
	var r struct {
		Over     int      `json:"over"`
		Culprits []string `json:"culprits"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		b.t.Fatal(err)
	}
	return r.Over, r.Culprits
}
