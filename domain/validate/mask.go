package validate

import (
	"strings"
	"unicode/utf8"
)

// MaskMobile shows an E.164 number with all but its country code (and, for
// a Dutch number, the 6) and last two digits hidden: "+31 6 ••• ••78". A
// mask says where a code went without being personal data itself.
func MaskMobile(e164 string) string {
	if len(e164) < 6 || e164[0] != '+' {
		return "•••"
	}
	last := e164[len(e164)-2:]
	if strings.HasPrefix(e164, "+31") {
		return "+31 " + e164[3:4] + " ••• ••" + last
	}
	return e164[:3] + " ••• ••" + last
}

// MaskEmail shows an address with its local part hidden but for the first
// character: "j•••@example.nl".
func MaskEmail(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 1 {
		return "•••"
	}
	first, _ := utf8.DecodeRuneInString(addr)
	return string(first) + "•••" + addr[at:]
}
