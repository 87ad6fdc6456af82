package httpx

import (
	"net/http"
	"slices"
	"strings"

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

// Routes lists the routes of router as "METHOD /path/{var}" (the path
// template with each variable's pattern left out), one per method, sorted:
// what the parity test compares between the portal and the API.
func Routes(router *mux.Router) []string {
	var out []string
	_ = router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return nil // a prefix or middleware-only route
		}
		methods, err := route.GetMethods()
		if err != nil {
			return nil // no method: a subrouter's own route
		}
		for _, m := range methods {
			out = append(out, m+" "+PlainTemplate(tpl))
		}
		return nil
	})
	slices.Sort(out)
	return slices.Compact(out)
}

// PlainTemplate drops the patterns of a path template's variables:
// "/a/{id:[0-9]{1,4}}" is "/a/{id}".
func PlainTemplate(tpl string) string {
	var b strings.Builder
	depth := 0
	skipping := false
	for _, c := range tpl {
		switch {
		case c == '{':
			depth++
			if depth == 1 {
				b.WriteRune(c)
				skipping = false
				continue
			}
		case c == '}':
			depth--
			if depth == 0 {
				b.WriteRune(c)
				skipping = false
				continue
			}
		case c == ':' && depth == 1:
			skipping = true
		}
		if !skipping {
			b.WriteRune(c)
		}
	}
	return b.String()
}
