package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	doccmd "backoffice/commands/document"
)

// TestBlockedRequestTellsTheBackofficeWhatToDo: after too many wrong TANs
// the document page told the back office itself to "neem contact op met
// Backofficebureau voor een nieuw verzoek". The signer still reads that;
// the back office reads that it can ask again, next to the form that does.
func TestBlockedRequestTellsTheBackofficeWhatToDo(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	page := h.signLink(t, docContract)
	wrong := wrongTAN(h.tan(t, docContract))
	var res *http.Response
	for range doccmd.MaxTANAttempts {
		res, _ = h.postOn(page, "", url.Values{"tan": {wrong}, "gelezen": {"1"}, "besluit": {"akkoord"}})
	}
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after %d wrong TANs: %d, want 429", doccmd.MaxTANAttempts, res.StatusCode)
	}
	doc := "/overige/documenten/" + h.doc(docContract)
	if _, body := h.get(doc); !strings.Contains(body, "neem contact op met Backofficebureau") {
		t.Fatalf("the signer's document page of a blocked request:\n%s", body)
	}

	bo := newHarnessOn(t, h.fixture)
	bo.loginAs(boEmail, "nl")
	_, body := bo.get(doc)
	if !strings.Contains(body, `id="blocked"`) || strings.Contains(body, "neem contact op met Backofficebureau") ||
		!strings.Contains(body, "Vraag hieronder opnieuw om ondertekening") || !strings.Contains(body, `id="request-form"`) {
		t.Fatalf("the back office's document page of a blocked request:\n%s", body)
	}
	bo.loginAs(boEmail, "en")
	if _, body := bo.get(doc); strings.Contains(body, "contact the back office") || !strings.Contains(body, "Ask for a signature again below") {
		t.Fatalf("the back office's document page of a blocked request, in English:\n%s", body)
	}
}
