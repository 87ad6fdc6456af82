package httpx

import (
	"net/http"
	"strings"
)

// Language picks "nl" or "en" from the request's Accept-Language: the first
// of the two that the client lists wins; English when it lists neither.
func Language(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch base, _, _ := strings.Cut(strings.ToLower(tag), "-"); base {
		case "nl":
			return "nl"
		case "en":
			return "en"
		}
	}
	return "en"
}
