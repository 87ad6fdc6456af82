package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// parseTrustedProxies reads BACKOFFICE_TRUSTED_PROXIES: a comma-separated
// list of CIDR prefixes or single addresses ("10.0.0.0/8, 192.0.2.7").
func parseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil || a.Zone() != "" {
				return nil, fmt.Errorf("BACKOFFICE_TRUSTED_PROXIES: %q is not an IP address or CIDR prefix", f)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("BACKOFFICE_TRUSTED_PROXIES: %q is not an IP address or CIDR prefix", f)
		}
		if p.Bits() == 0 {
			// Trusting everyone would let any client choose its address.
			return nil, fmt.Errorf("BACKOFFICE_TRUSTED_PROXIES: %q trusts every address; name the proxies", f)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
