package domain

import (
	"bytes"
	"testing"
)

// TestMayHoldUnsafeTextAsTheLoop: the quick test with its printable-ASCII
// shortcut answers as the byte-by-byte loop alone did, for every byte and
// for the unsafe runes, escapes and invalid UTF-8 around ASCII text.
func TestMayHoldUnsafeTextAsTheLoop(t *testing.T) {
	loop := func(data []byte) bool {
		return bytes.Contains(data, []byte(`\u`)) || bytes.Contains(data, []byte(`\b`)) || bytes.Contains(data, []byte(`\f`)) ||
			holdsUnsafeRune(data)
	}
	var inputs []string
	for c := range 256 {
		inputs = append(inputs, string([]byte{byte(c)}))
	}
	inputs = append(inputs, `\u0000`, `\b`, `\f`, `\n`, `\\`, `\"`, "\u202e", "\ufffe", "é", "✓", "🙂", "\xff", "\xe2\x80", "\r\n", "\t", "")
	long := `{"remark":{"text":"Een gewone opmerking, lang genoeg voor de SIMD-paden van 32 bytes en meer","by":"worker"},"n":7}`
	for _, in := range inputs {
		for _, data := range []string{in, `{"a":"` + in + `"}`, long[:40] + in + long[40:], long + in, in + long} {
			if got, want := mayHoldUnsafeText([]byte(data)), loop([]byte(data)); got != want {
				t.Errorf("mayHoldUnsafeText(%q) = %v, the loop says %v", data, got, want)
			}
		}
	}
}
