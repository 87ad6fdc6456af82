package httpx

import (
	"net/http"

	"github.com/gorilla/mux"
)

// Route is the path template of the route r matched ("unmatched" when
// none did). Logs name it rather than the path: a path can carry a secret
// (the signing link's token in /documenten/{id}/ondertekenen/{token}).
func Route(r *http.Request) string {
	if tpl, ok := routeTemplate(r); ok {
		return tpl
	}
	return "unmatched"
}

// routeTemplate is the path template of the route r matched, if any.
func routeTemplate(r *http.Request) (string, bool) {
	if cr := mux.CurrentRoute(r); cr != nil {
		if tpl, err := cr.GetPathTemplate(); err == nil {
			return tpl, true
		}
	}
	return "", false
}
