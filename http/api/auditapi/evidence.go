package auditapi

import (
	"net/http"

	"github.com/gorilla/mux"

	"backoffice/http/api"
	"backoffice/http/httpx"
)

// handleEvidence is GET /audit/documents/{id}/evidence.pdf: the evidence of
// a signed or declined document (readmodel/documents/evidence), for the
// auditor token, the back office and whoever may see the document.
func (f *Feature) handleEvidence(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := s.Actor(w, r)
		if !ok {
			return
		}
		id := mux.Vars(r)["id"]
		b, err := f.evidence.PDF(r.Context(), actor, id, s.Clock())
		if err != nil {
			s.Error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Cache-Control", "private, no-store")
		name := httpx.SafeFileName("bewijs-van-ondertekening-"+id+".pdf", "bewijs-van-ondertekening.pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		_, _ = w.Write(b)
	})
}
