package httpx_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/httpx"
)

// TestStatusAndDetailOfEveryKind: every kind of domain error and every
// store or context failure has its status and its code, with a Dutch and an
// English text that differ; an internal error's own text never shows.
func TestStatusAndDetailOfEveryKind(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("commands: %w", err) }
	dom := func(k domain.Kind) error {
		return wrap(&domain.Error{Kind: k, Code: "c", Message: "en text", MessageNL: "nl tekst"})
	}
	for _, tt := range []struct {
		err    error
		status int
		code   string
	}{
		{dom(domain.KindInvalid), http.StatusBadRequest, "c"},
		{dom(domain.KindNotFound), http.StatusNotFound, "c"},
		{dom(domain.KindConflict), http.StatusConflict, "c"},
		{dom(domain.KindRule), http.StatusUnprocessableEntity, "c"},
		{dom(domain.KindUnauthorized), http.StatusUnauthorized, "c"},
		{dom(domain.KindForbidden), http.StatusForbidden, "c"},
		{dom(domain.KindTooMany), http.StatusTooManyRequests, "c"},
		{dom(domain.KindTooLarge), http.StatusRequestEntityTooLarge, "c"},
		{dom(domain.KindUnsupportedMedia), http.StatusUnsupportedMediaType, "c"},
		{dom(domain.KindInternal), http.StatusInternalServerError, "internal"},
		{wrap(eventstore.ErrWrongExpectedRevision), http.StatusConflict, "concurrent_change"},
		{wrap(eventstore.ErrDuplicateEventID), http.StatusConflict, "concurrent_change"},
		{wrap(context.DeadlineExceeded), http.StatusServiceUnavailable, "unavailable"}, // the store did not answer in time
		{wrap(eventstore.ErrAppendTooLarge), http.StatusRequestEntityTooLarge, "append_too_large"},
		{wrap(eventstore.ErrIntegrity), http.StatusInternalServerError, "ledger_integrity"},
		{errors.New("pq: password authentication failed for user secret"), http.StatusInternalServerError, "internal"},
	} {
		if got := httpx.Status(tt.err); got != tt.status {
			t.Errorf("Status(%v) = %d, want %d", tt.err, got, tt.status)
		}
		nl, en := httpx.Detail(tt.err, "nl"), httpx.Detail(tt.err, "en")
		if nl.Code != tt.code || en.Code != tt.code || nl.Message == "" || en.Message == "" || nl.Message == en.Message {
			t.Errorf("Detail(%v) = %+v / %+v, want code %s in two languages", tt.err, nl, en, tt.code)
		}
		if tt.code == "internal" && (nl.Message == tt.err.Error() || en.Message == tt.err.Error()) {
			t.Errorf("internal error text shown: %+v", en)
		}
	}
}
