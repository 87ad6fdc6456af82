package portal

import (
	"net/http"

	"backoffice/readmodel/paging"
)

// pager is the "more" navigation under a paged list: links to the first,
// previous and next page that keep the page's other query values (its
// filters), with their texts translated. A list of one page shows none.
type pager struct {
	First, Prev, Next                              string // URLs; "" for none
	Number                                         int    // the page's number (offset lists; 0 for key lists)
	Label, FirstText, PrevText, NextText, PageText string
	// ID prefixes the links' ids, for a second pager on one page.
	ID string
}

// cursorParam is the query value that names a page in the portal, as in
// the API: the opaque cursor of a next page.
const cursorParam = "cursor"

// pageRequest is the request's page of a list of size rows: its cursor
// (a cursor the read model did not make is 400, cursor_invalid).
func pageRequest(r *http.Request, size int) (paging.Request, error) {
	return pageRequestOf(r, cursorParam, size)
}

// pageRequestOf is pageRequest for a list whose cursor is the query value
// param (a page with two lists pages each by its own).
func pageRequestOf(r *http.Request, param string, size int) (paging.Request, error) {
	req, err := paging.Parse("", r.URL.Query().Get(param))
	req.Limit = size
	return req, err
}

// withCursor is the request's URL with the cursor set to c ("" removes it).
func withCursor(r *http.Request, c string) string { return withCursorOf(r, cursorParam, c) }

// withCursorOf is the request's URL with the query value param set to c
// ("" removes it); the other lists' cursors stay.
func withCursorOf(r *http.Request, param, c string) string {
	q := r.URL.Query()
	q.Del(param)
	q.Del("na") // the read-your-writes position of a redirect: not for the next page
	if c != "" {
		q.Set(param, c)
	}
	if len(q) == 0 {
		return r.URL.Path
	}
	return r.URL.Path + "?" + q.Encode()
}

func (v *view) newPager() pager {
	return pager{Label: v.T("paging.label"), FirstText: v.T("paging.first"), PrevText: v.T("paging.prev"),
		NextText: v.T("paging.next")}
}

// offsetPager is the navigation of a list paged by paging.Request.
func (v *view) offsetPager(r *http.Request, req paging.Request, next string) pager {
	return v.offsetPagerOf(r, cursorParam, req, next)
}

// offsetPagerOf is offsetPager for a list whose cursor is the query
// value param.
func (v *view) offsetPagerOf(r *http.Request, param string, req paging.Request, next string) pager {
	p := v.newPager()
	if prev, ok := req.Prev(); ok {
		p.Prev = withCursorOf(r, param, prev)
	}
	if next != "" {
		p.Next = withCursorOf(r, param, next)
	}
	if p.Prev != "" || p.Next != "" {
		p.Number = req.Number()
		p.PageText = v.T("paging.page", p.Number)
	}
	return p
}

// keyPager is the navigation of a list paged by key (the timesheets):
// first and next only.
func (v *view) keyPager(r *http.Request, next string) pager {
	p := v.newPager()
	if r.URL.Query().Get(cursorParam) != "" {
		p.First = withCursor(r, "")
	}
	if next != "" {
		p.Next = withCursor(r, next)
	}
	return p
}
