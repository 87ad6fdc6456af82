// Package paging is the page request of the read models' list queries
// that page by position (identity, documents): a limit and an opaque
// cursor, one set of rules and error codes for the API and the portal.
// The timesheet list pages by key instead (readmodel/timesheets.Filter);
// it shares the parameter names, limits' error code and cursor's.
//
// The cursor is opaque to callers, so a list can move to key-based paging
// without a change to its clients.
package paging

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"backoffice/domain"
)

const (
	// DefaultLimit is a page's size when the request names none.
	DefaultLimit = 100
	// MaxLimit is the largest page a request may ask for.
	MaxLimit = 500
)

// Request asks for one page: at most Limit rows (0: DefaultLimit) after
// Cursor ("" for the first page, otherwise a Page's Next).
type Request struct {
	Limit  int
	Cursor string
}

// Parse reads a request from the query values limit and cursor, as the
// API and the portal take them: a limit that is not a whole number between
// 1 and MaxLimit is limit_invalid, a cursor this package did not make is
// cursor_invalid (both KindInvalid, 400).
func Parse(limit, cursor string) (Request, error) {
	r := Request{Cursor: cursor}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxLimit {
			return Request{}, errLimit()
		}
		r.Limit = n
	}
	if _, err := r.offset(); err != nil {
		return Request{}, err
	}
	return r, nil
}

func errLimit() error {
	return domain.Invalid("limit_invalid", "limit", fmt.Sprintf("limit must be a whole number between 1 and %d", MaxLimit),
		fmt.Sprintf("limit moet een geheel getal tussen 1 en %d zijn.", MaxLimit))
}

// Window checks the request and returns the SQL window to read: LIMIT
// limit+1 (one row more, to tell whether a next page exists) OFFSET offset.
func (r Request) Window() (limit, offset int, err error) {
	if r.Limit < 0 || r.Limit > MaxLimit {
		return 0, 0, errLimit()
	}
	limit = r.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	offset, err = r.offset()
	return limit, offset, err
}

// SQL is the request's " LIMIT n OFFSET m" (with the one extra row), for
// a query whose order is total (ends in a unique column).
func (r Request) SQL() (string, error) {
	limit, offset, err := r.Window()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", limit+1, offset), nil
}

const prefix = "o"

func (r Request) offset() (int, error) {
	if r.Cursor == "" {
		return 0, nil
	}
	bad := domain.Invalid("cursor_invalid", "cursor", "the cursor is not one this API returned", "De cursor is ongeldig.")
	b, err := base64.RawURLEncoding.DecodeString(r.Cursor)
	if err != nil {
		return 0, bad
	}
	n, ok := strings.CutPrefix(string(b), prefix)
	if !ok {
		return 0, bad
	}
	off, err := strconv.Atoi(n)
	if err != nil || off < 0 || strconv.Itoa(off) != n {
		return 0, bad
	}
	return off, nil
}

// Trim cuts rows read with the request's SQL window to the page and
// returns the cursor of the next page ("" when this page is the last).
func Trim[T any](r Request, rows []T) ([]T, string) {
	limit, offset, err := r.Window()
	if err != nil || len(rows) <= limit {
		return rows, ""
	}
	return rows[:limit], cursorAt(offset + limit)
}

func cursorAt(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + strconv.Itoa(offset)))
}

// Number is the page's number, counted from 1 (for "page 3" in a screen).
func (r Request) Number() int {
	limit, offset, err := r.Window()
	if err != nil {
		return 1
	}
	return offset/limit + 1
}

// Prev is the cursor of the page before this one ("" for the first page,
// and for the first page itself when this is the second: no cursor).
func (r Request) Prev() (cursor string, ok bool) {
	limit, offset, err := r.Window()
	if err != nil || offset == 0 {
		return "", false
	}
	if offset <= limit {
		return "", true
	}
	return cursorAt(offset - limit), true
}

// Slice is the request's page of rows already in memory (a report whose
// totals need every row), and the next page's cursor.
func Slice[T any](r Request, all []T) ([]T, string) {
	limit, offset, err := r.Window()
	if err != nil || offset >= len(all) {
		return nil, ""
	}
	return Trim(r, all[offset:min(len(all), offset+limit+1)])
}
