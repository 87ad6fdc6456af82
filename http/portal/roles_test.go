package portal_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestWorkerScreensOfferOnlyWhatTheWorkerCanDo (issue 16 §5): a worker
// gets no empty "Facturen" sub-page and no text or button for what the
// role cannot do (offering a document; a new timesheet where the client
// enters the hours). A worker who enters his own hours keeps the button;
// the client keeps "Facturen".
func TestWorkerScreensOfferOnlyWhatTheWorkerCanDo(t *testing.T) {
	h := newHarnessAs(t, workerEmail)
	res, _ := h.get("/overige")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/overige/documenten" {
		t.Fatalf("/overige for a worker: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body := h.get("/overige/documenten")
	if strings.Contains(body, `href="/overige/facturen"`) {
		t.Error("the worker's sub-navigation has Facturen")
	}
	if strings.Contains(body, "document aanbieden") || strings.Contains(body, `id="upload"`) {
		t.Error("the worker reads about the button 'document aanbieden'")
	}
	if !strings.Contains(body, "Arbeidsovereenkomst Jan de Vries") {
		t.Error("the worker's own document is not listed")
	}
	if res, _ := h.get("/overige/facturen"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/overige/facturen for a worker: %d", res.StatusCode)
	}
	// Jan's hours are entered by the client.
	if _, body := h.get("/urenbriefjes"); strings.Contains(body, `action="/urenbriefjes/nieuw"`) {
		t.Error("Jan is offered a new timesheet for a placement whose hours the client enters")
	}

	// Karim enters his own hours at Rijn Transport.
	h.loginAs(worker2Email, "nl")
	if _, body := h.get("/urenbriefjes"); !strings.Contains(body, `action="/urenbriefjes/nieuw"`) || !strings.Contains(body, `<option value="p2">`) {
		t.Error("Karim cannot start a timesheet of his own placement")
	}
	// The intermediary approves, never enters.
	h.loginAs(interEmail, "nl")
	if _, body := h.get("/urenbriefjes"); strings.Contains(body, `action="/urenbriefjes/nieuw"`) {
		t.Error("the intermediary is offered a new timesheet")
	}

	h.loginAs(clientEmail, "nl")
	_, body = h.get("/overige/documenten")
	if !strings.Contains(body, `href="/overige/facturen"`) || !strings.Contains(body, "document aanbieden") {
		t.Error("the client lost Facturen or the upload text")
	}
	if _, body := h.get("/urenbriefjes"); !strings.Contains(body, `<option value="p1">`) || !strings.Contains(body, `<option value="p4">`) {
		t.Error("the client cannot start a timesheet for Jan and Piet")
	}
}
