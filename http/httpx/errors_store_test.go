package httpx_test

import (
	"fmt"
	"net/http"
	"testing"

	"backoffice/eventstore"
	"backoffice/http/httpx"
)

// TestAppendTooLarge: an append the event store refuses as too large is the
// client's 413 with its own code, never a 500 that hides the reason.
func TestAppendTooLarge(t *testing.T) {
	err := fmt.Errorf("commands: append to timesheet-1: %w", eventstore.ErrAppendTooLarge)
	if got := httpx.Status(err); got != http.StatusRequestEntityTooLarge {
		t.Fatalf("Status = %d, want 413", got)
	}
	for _, lang := range []string{"nl", "en"} {
		d := httpx.Detail(err, lang)
		if d.Code != "append_too_large" || d.Message == "" {
			t.Errorf("Detail(%s) = %+v", lang, d)
		}
	}
}
