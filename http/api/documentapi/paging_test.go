package documentapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	dt "backoffice/commands/document/documenttest"
)

// TestListIsPaged: GET /documents answers pages of limit documents, newest
// first; following next_cursor walks each of the caller's documents once
// (client2's never appear for client1), the last page has no next_cursor,
// and a bad limit or cursor is 400 limit_invalid / cursor_invalid.
func TestListIsPaged(t *testing.T) {
	e := newEnv(t)
	var mine []string
	var pos string
	for i := range 5 {
		r := want(t, e.upload(t, "client1", map[string]string{"title": fmt.Sprintf("Stuk %d", i)}, "stuk.pdf", dt.PDF), http.StatusCreated)
		mine = append(mine, r.json(t)["id"].(string))
		pos = r.json(t)["position"].(string)
	}
	r := want(t, e.upload(t, "client2", map[string]string{"title": "Van c2"}, "c2.pdf", dt.PDF), http.StatusCreated)
	other := r.json(t)["id"].(string)
	pos = r.json(t)["position"].(string)

	var got []string
	path := "/documents?limit=2&min_position=" + pos
	for pages := 1; path != ""; pages++ {
		body := want(t, e.do(t, "GET", path, "client1", "", nil), http.StatusOK).json(t)
		items := body["items"].([]any)
		if pages < 3 && len(items) != 2 || pages == 3 && len(items) != 1 || pages > 3 {
			t.Fatalf("page %d: %d items", pages, len(items))
		}
		for _, it := range items {
			got = append(got, it.(map[string]any)["id"].(string))
		}
		path = ""
		if next, _ := body["next_cursor"].(string); next != "" {
			path = "/documents?limit=2&cursor=" + url.QueryEscape(next)
		}
	}
	slices.Sort(got)
	slices.Sort(mine)
	if !slices.Equal(got, mine) || slices.Contains(got, other) {
		t.Fatalf("pages hold %v, want %v", got, mine)
	}
	for _, q := range []string{"limit=0", "limit=501", "limit=x", "cursor=bm9wZQ"} {
		code, field := want(t, e.do(t, "GET", "/documents?"+q, "client1", "", nil), http.StatusBadRequest).errCode(t)
		if code != field+"_invalid" || (field != "limit" && field != "cursor") {
			t.Errorf("%s: %s %s", q, code, field)
		}
	}
}
