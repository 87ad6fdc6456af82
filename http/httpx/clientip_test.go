package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"backoffice/http/httpx"
)

func TestResolveClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	cases := []struct {
		name    string
		peer    string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"no proxies configured: the header is ignored", "10.0.0.5:4000", []string{"203.0.113.9"}, nil, "10.0.0.5"},
		{"untrusted peer: the header is ignored", "198.51.100.1:4000", []string{"203.0.113.9"}, trusted, "198.51.100.1"},
		{"trusted peer: the client it names", "10.0.0.5:4000", []string{"203.0.113.9"}, trusted, "203.0.113.9"},
		{"client-written hops left of the proxy's are ignored", "10.0.0.5:4000", []string{"1.2.3.4, 203.0.113.9"}, trusted, "203.0.113.9"},
		{"chained trusted proxies are skipped", "10.0.0.5:4000", []string{"6.6.6.6, 203.0.113.9, 10.1.1.1"}, trusted, "203.0.113.9"},
		{"several header lines", "10.0.0.5:4000", []string{"6.6.6.6", "203.0.113.9"}, trusted, "203.0.113.9"},
		{"garbage stops the walk", "10.0.0.5:4000", []string{"203.0.113.9, nonsense, 10.2.2.2"}, trusted, "10.2.2.2"},
		{"no header: the proxy itself", "10.0.0.5:4000", nil, trusted, "10.0.0.5"},
		{"IPv6 peer and mapped client", "[2001:db8::1]:4000", []string{"::ffff:203.0.113.9"}, trusted, "203.0.113.9"},
		{"mapped peer", "[::ffff:10.0.0.5]:4000", []string{"203.0.113.9"}, trusted, "203.0.113.9"},
	}
	for _, tc := range cases {
		if got := httpx.ResolveClientIP(tc.peer, tc.xff, tc.trusted); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestClientAddrsMiddleware(t *testing.T) {
	var got string
	h := httpx.ClientAddrs([]netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = httpx.ClientIP(r)
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil) // RemoteAddr 192.0.2.1:1234
	r.Header.Set("X-Forwarded-For", "198.51.100.23")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got != "198.51.100.23" {
		t.Errorf("ClientIP = %q", got)
	}
}
