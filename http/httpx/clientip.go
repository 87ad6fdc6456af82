package httpx

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

const clientIPKey ctxKey = iota + 100

// ClientAddrs resolves the address of the client a request comes from and
// stores it for ClientIP. X-Forwarded-For is honoured only when the direct
// peer is one of the trusted proxies; the client is then the rightmost
// address in the header that is not itself a trusted proxy (the addresses
// left of it were written by the client and can be anything). Without
// trusted proxies the peer address is the client.
func ClientAddrs(trusted []netip.Prefix) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ip := ResolveClientIP(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), trusted)
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientIPKey, ip)))
		})
	}
}

// ClientIP is the client address ClientAddrs resolved, or the host of
// RemoteAddr when the middleware did not run. Login throttling and the
// per-source limits count per this address.
func ClientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientIPKey).(string); ok {
		return ip
	}
	return peerHost(r.RemoteAddr)
}

// ResolveClientIP applies the trusted-proxy rule to a peer address
// (host:port) and the X-Forwarded-For header lines.
func ResolveClientIP(remoteAddr string, forwardedFor []string, trusted []netip.Prefix) string {
	peer := peerHost(remoteAddr)
	if len(trusted) == 0 || !isTrusted(peer, trusted) {
		return peer
	}
	var hops []string
	for _, line := range forwardedFor {
		for _, h := range strings.Split(line, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			// Garbage from (or beyond) the client: the last good hop is
			// the best we know.
			break
		}
		client = a.Unmap().String()
		if !isTrusted(client, trusted) {
			break
		}
	}
	return client
}

func isTrusted(ip string, trusted []netip.Prefix) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerHost(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().String()
	}
	return host
}
