package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/internal/browsertest"
)

// TestAxeAndOverflowFindProblems: the checks the portal's walk relies on
// report a page's real problems (an image without text, a button without
// a name, a box wider than the window) and nothing on a clean page.
func TestAxeAndOverflowFindProblems(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	browsertest.RequireAxe(t)
	pages := map[string]string{
		"/bad": `<!doctype html><html lang="nl"><title>t</title><main><h1>Slecht</h1><img src="/x.png"><button></button>
<div style="width:2000px">breed</div></main>`,
		"/good": `<!doctype html><html lang="nl"><title>t</title><main><h1>Goed</h1><img src="/x.png" alt="logo"><button>OK</button></main>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(pages[r.URL.Path]))
	}))
	defer srv.Close()
	b := browsertest.New(t)

	b.Do(chromedp.EmulateViewport(browsertest.PhoneWidth, browsertest.PhoneHeight), chromedp.Navigate(srv.URL+"/bad"))
	b.Do(chromedp.WaitReady(chromedp.CSS("main")))
	found := map[string]bool{}
	for _, v := range b.Axe() {
		found[v.ID] = true
	}
	if !found["image-alt"] || !found["button-name"] {
		t.Fatalf("axe found %v, want image-alt and button-name", found)
	}
	// Again on the same page (axe already injected, as at the walk's
	// second width): the same findings.
	if again := b.Axe(); len(again) != len(found) {
		t.Fatalf("axe on the same page again found %v, first %v", again, found)
	}
	if over, culprits := b.Overflow(); over <= 0 || len(culprits) == 0 {
		t.Fatalf("overflow %d (%v) on a 2000 px box", over, culprits)
	}

	b.Do(chromedp.Navigate(srv.URL+"/good"), chromedp.WaitReady(chromedp.CSS("main")))
	if vs := b.Axe(); len(vs) > 0 {
		t.Fatalf("violations on a clean page: %v", vs)
	}
	if over, _ := b.Overflow(); over > 0 {
		t.Fatalf("overflow %d on a clean page", over)
	}
}
