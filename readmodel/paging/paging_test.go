package paging_test

import (
	"errors"
	"slices"
	"testing"

	"backoffice/domain"
	"backoffice/readmodel/paging"
)

// TestWalk: paging 7 rows by 3 visits each row once, numbers the pages,
// and leads back to the page before; the last page has no next cursor.
func TestWalk(t *testing.T) {
	all := []int{1, 2, 3, 4, 5, 6, 7}
	var got []int
	req := paging.Request{Limit: 3}
	for n := 1; ; n++ {
		if req.Number() != n {
			t.Fatalf("page %d numbered %d", n, req.Number())
		}
		prev, ok := req.Prev()
		if ok != (n > 1) || (n == 2) != (ok && prev == "") {
			t.Fatalf("page %d: prev %q, %v", n, prev, ok)
		}
		page, next := paging.Slice(req, all)
		got = append(got, page...)
		if next == "" {
			break
		}
		var err error
		if req, err = paging.Parse("3", next); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(got, all) {
		t.Fatalf("walked %v", got)
	}
}

// TestParse: limits outside 1..MaxLimit and cursors it did not make are
// KindInvalid with their own code and field; none means the default.
func TestParse(t *testing.T) {
	for _, tc := range []struct{ limit, cursor, code string }{
		{"0", "", "limit_invalid"}, {"501", "", "limit_invalid"}, {"-1", "", "limit_invalid"}, {"1e2", "", "limit_invalid"},
		{"", "bm9wZQ", "cursor_invalid"}, {"", "%", "cursor_invalid"}, {"", "bzAx", "cursor_invalid"}, // "o01"
		{"", "by0x", "cursor_invalid"}, // "o-1"
	} {
		_, err := paging.Parse(tc.limit, tc.cursor)
		var de *domain.Error
		if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Code != tc.code {
			t.Errorf("Parse(%q, %q) = %v, want %s", tc.limit, tc.cursor, err, tc.code)
		}
	}
	r, err := paging.Parse("", "")
	if limit, offset, _ := r.Window(); err != nil || limit != paging.DefaultLimit || offset != 0 {
		t.Errorf("default: %d %d %v", limit, offset, err)
	}
	if r, err := paging.Parse("500", ""); err != nil || r.Limit != paging.MaxLimit {
		t.Errorf("max: %v %v", r, err)
	}
}
