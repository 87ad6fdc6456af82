// Package browsertest drives Debian's chromium from tests with chromedp:
// a headless browser per test, and screenshots at desktop and phone widths
// into the directory named by BACKOFFICE_SCREENSHOTS (default
// <repo>/test-artifacts/screenshots, which is git-ignored).
//
// Wait for DOM conditions (chromedp.WaitVisible and friends); never sleep.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Viewport sizes of the screenshots.
const (
	DesktopWidth, DesktopHeight = 1280, 900
	PhoneWidth, PhoneHeight     = 390, 844
)

// Browser is one headless chromium for one test. Ctx is the chromedp
// context of its tab; pass it to chromedp.Do and chromedp.Run.
type Browser struct {
	t   testing.TB
	Ctx context.Context
}

// ExecPath finds chromium: /usr/bin/chromium, else chromium (or
// chromium-browser) on PATH. It reports "" when there is none.
func ExecPath() string {
	if fi, err := os.Stat("/usr/bin/chromium"); err == nil && !fi.IsDir() {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless chromium with a fresh profile; the test's cleanup
// stops it. Without chromium the test fails with how to install it.
func New(t testing.TB) *Browser {
	t.Helper()
	path := ExecPath()
	if path == "" {
		t.Fatal("install chromium: apt-get install -y chromium (make test does this)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.NoSandbox, // tests run as root
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.WindowSize(DesktopWidth, DesktopHeight),
	}
	// The deadline only guards against a hung browser; the test itself
	// waits for DOM conditions.
	base, cancelBase := context.WithTimeout(context.Background(), 2*time.Minute)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			cancelBase()
			base, cancelBase = context.WithDeadline(context.Background(), dl.Add(-5*time.Second))
		}
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	// Start the browser now. Focus emulation makes the headless tab behave
	// like a focused window, so :focus styles apply to focused elements.
	focus := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})
	if err := chromedp.Do(ctx, focus); err != nil {
		cancelCtx()
		cancelAlloc()
		cancelBase()
		t.Fatalf("browsertest: start chromium %s: %v", path, err)
	}
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelBase()
	})
	return &Browser{t: t, Ctx: ctx}
}

// StepTimeout guards each Do against a condition that never comes: the
// test fails naming the step instead of hanging until the test deadline.
// It is a hang guard, not a timing assertion.
var StepTimeout = 30 * time.Second

// Do runs actions in the tab, one by one, and fails the test naming the
// action (by its position) that failed or never finished.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	for i, a := range actions {
		ctx, cancel := context.WithTimeout(b.Ctx, StepTimeout)
		err := chromedp.Do(ctx, a)
		cancel()
		if err != nil {
			b.t.Fatalf("browsertest: action %d of %d: %v", i+1, len(actions), err)
		}
	}
}

// Text is the visible text of the first element matching the CSS selector
// sel; the test fails when there is none within StepTimeout.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, StepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browsertest: text of %s: %v", sel, err)
	}
	return s
}

// Dir is where screenshots go: $BACKOFFICE_SCREENSHOTS, else
// <repo>/test-artifacts/screenshots.
func Dir() (string, error) {
	if d := os.Getenv("BACKOFFICE_SCREENSHOTS"); d != "" {
		return d, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", fmt.Errorf("%w; set BACKOFFICE_SCREENSHOTS", err)
	}
	return filepath.Join(root, "test-artifacts", "screenshots"), nil
}

// repoRoot is the directory of the go.mod above the working directory.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("browsertest: no go.mod above %s", wd)
		}
	}
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// Screenshot sets the viewport to width×height, captures the whole page
// as <Dir>/<name>-<width>x<height>.png and returns the file's path.
func (b *Browser) Screenshot(name string, width, height int) string {
	b.t.Helper()
	dir, err := Dir()
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatalf("browsertest: %v", err)
	}
	b.Do(chromedp.EmulateViewport(int64(width), int64(height)))
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("browsertest: screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%dx%d.png", unsafeName.ReplaceAllString(name, "_"), width, height))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("browsertest: %v", err)
	}
	return path
}

// Screenshots takes the page at desktop and phone size, then restores the
// desktop viewport.
func (b *Browser) Screenshots(name string) []string {
	b.t.Helper()
	paths := []string{
		b.Screenshot(name, DesktopWidth, DesktopHeight),
		b.Screenshot(name, PhoneWidth, PhoneHeight),
	}
	b.Do(chromedp.EmulateViewport(DesktopWidth, DesktopHeight))
	return paths
}

// For is the same tab reporting to t: use it inside a subtest, whose
// failures must not go to the parent test.
func (b *Browser) For(t testing.TB) *Browser { return &Browser{t: t, Ctx: b.Ctx} }
