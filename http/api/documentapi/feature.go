// Package documentapi is the documents slice of the JSON API (/api/v1):
// documents and invoices (manual ch. 4) and digital signing (ch. 5).
// Handlers parse, call one command (commands/document) or one query
// (readmodel/documents) and render; those layers check role and scope.
//
//	GET  /documents?kind=document|invoice       the list in the caller's scope
//	GET  /documents/{id}                        one document with its signature request
//	GET  /documents/{id}/file                   the file (ID copies: back office and the worker only)
//	POST /documents                             multipart/form-data upload (at most 2 MB; 413 above)
//	POST /documents/{id}/versions               multipart/form-data: a new version of the file
//	GET  /documents/{id}/versions/{n}/file      the file of version n
//	POST /documents/{id}/signature-requests     {"signer_account_id"} (back office)
//	POST /documents/{id}/sign                   {"tan", "remark", "read"}
//	POST /documents/{id}/decline                {"tan", "remark"}
//
// Queries accept min_position (read-your-writes), commands answer with
// the position. See docs/documents.md.
package documentapi

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	cmd "backoffice/commands/document"
	"backoffice/http/api"
	"backoffice/http/httpx"
	"backoffice/readmodel/asof"
	rm "backoffice/readmodel/documents"
)

// Deps are the feature's collaborators, both required (shared with the
// portal).
type Deps struct {
	Commands *cmd.Handler
	Queries  *rm.Queries
	// Uploads caps concurrent uploads; default httpx.Uploads (the
	// process's limiter, shared with the portal).
	Uploads *httpx.UploadLimiter
	// Ledger is the event store "?as_of=" replays a document from.
	Ledger asof.StreamReader
}

// Feature is the documents API. It implements api.Feature.
type Feature struct {
	commands *cmd.Handler
	queries  *rm.Queries
	uploads  *httpx.UploadLimiter
	ledger   asof.StreamReader
}

var _ api.Feature = (*Feature)(nil)

// New builds the feature, refusing missing dependencies.
func New(d Deps) (*Feature, error) {
	if d.Commands == nil || d.Queries == nil || d.Ledger == nil {
		return nil, errors.New("documentapi: Commands, Queries and Ledger are required")
	}
	if d.Uploads == nil {
		d.Uploads = httpx.Uploads
	}
	return &Feature{commands: d.Commands, queries: d.Queries, uploads: d.Uploads, ledger: d.Ledger}, nil
}

// Routes registers every route of the feature on the /api/v1 subrouter.
func (f *Feature) Routes(r *mux.Router, s *api.Server) {
	get, post := http.MethodGet, http.MethodPost
	r.Handle("/documents", f.handleList(s)).Methods(get)
	r.Handle("/documents", f.handleUpload(s)).Methods(post)
	r.Handle("/documents/{id}", f.handleDetail(s)).Methods(get)
	// HEAD answers a file's headers without its body (as the portal does).
	r.Handle("/documents/{id}/file", f.handleFile(s)).Methods(get, http.MethodHead)
	r.Handle("/documents/{id}/versions", f.handleAddVersion(s)).Methods(post)
	r.Handle("/documents/{id}/versions/{version:[0-9]{1,4}}/file", f.handleFile(s)).Methods(get, http.MethodHead)
	r.Handle("/documents/{id}/signature-requests", f.handleRequestSignature(s)).Methods(post)
	r.Handle("/documents/{id}/sign", f.handleSign(s, false)).Methods(post)
	r.Handle("/documents/{id}/decline", f.handleSign(s, true)).Methods(post)
}
