package api

import (
	"net/http"

	"backoffice/domain"
	"backoffice/http/httpx"
)

// ErrNoSuchEndpoint answers a path that does not exist, and an endpoint
// a role may not know about (payroll, export): the same 404 either way.
var ErrNoSuchEndpoint = domain.NotFound("no_such_endpoint", "This address does not exist.", "Dit adres bestaat niet.")

// routes lists the API's own routes; each feature adds its routes in its
// Routes method (see the feature files).
func (s *Server) routes() {
	v1 := s.router.PathPrefix("/api/v1").Subrouter()
	for _, f := range s.Features {
		f.Routes(v1, s)
	}
	s.router.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, ErrNoSuchEndpoint)
	})
	s.router.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, http.StatusMethodNotAllowed, httpx.ErrorBody{Error: httpx.ErrorDetail{
			Code: "method_not_allowed", Message: "method not allowed on this endpoint"}})
	})
}

// Routes lists the API's routes as "METHOD /api/v1/path/{var}"
// (httpx.Routes): the parity test with the portal reads them.
func (s *Server) Routes() []string { return httpx.Routes(s.router) }
