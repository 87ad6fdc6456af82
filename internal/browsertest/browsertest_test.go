package browsertest_test

import (
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/internal/browsertest"
)

func TestBrowserNavigatesAndScreenshots(t *testing.T) {
	t.Setenv("BACKOFFICE_SCREENSHOTS", t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><title>t</title><h1 id="hi">Hallo</h1>`))
	}))
	defer srv.Close()
	b := browsertest.New(t)
	b.Do(chromedp.Navigate(srv.URL), chromedp.WaitVisible(chromedp.ID("hi")))
	text, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.ID("hi")))
	if err != nil || text != "Hallo" {
		t.Fatalf("text %q, %v", text, err)
	}
	for _, p := range b.Screenshots("smoke") {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if w := img.Bounds().Dx(); w != browsertest.DesktopWidth && w != browsertest.PhoneWidth {
			t.Fatalf("%s is %d wide", p, w)
		}
	}
}
