package portal_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestZZExplore(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const path = "/plaatsingen/p2/beeindigen"
	h.post(path, url.Values{"csrf": {h.token(path)}, "end": {"2026-02-08"}})
	h.loginAs(worker2Email, "nl")
	strip := regexp.MustCompile(`<[^>]*>`)
	sp := regexp.MustCompile(`\s+`)
	for _, p := range []string{"/", "/urenbriefjes", "/werknemers", "/plaatsingen/p2/weken?jaar=2026", "/plaatsingen/p2/weken/2026-W06", "/plaatsingen/p2/weken/2026-W04", "/plaatsingen/p2/weken/2026-W07", "/urenbriefjes/nieuw?plaatsing=p2"} {
		res, body := h.get(p)
		if i := strings.Index(body, "<main"); i >= 0 {
			body = body[i:]
		}
		txt := sp.ReplaceAllString(strip.ReplaceAllString(body, " "), " ")
		t.Logf("=== %s %d %s\n%s", p, res.StatusCode, res.Request.URL.Path, txt[:min(1200, len(txt))])
		t.Logf("forms: %v", regexp.MustCompile(`action="[^"]*"`).FindAllString(body, -1))
	}
}
