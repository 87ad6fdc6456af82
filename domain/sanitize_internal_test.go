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

// TestPrintableASCIIAsTheLoop: the word-at-a-time check answers as a byte
// loop for every byte value at every offset of short and long inputs, on
// both sides of the SIMD threshold.
func TestPrintableASCIIAsTheLoop(t *testing.T) {
	loop := func(data []byte) bool {
		for _, c := range data {
			if c < 0x20 || c > 0x7e {
				return false
			}
		}
		return true
	}
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 64, 200, simdFrom - 1, simdFrom, simdFrom + 9} {
		base := bytes.Repeat([]byte("a~ Z"), n/4+1)[:n]
		if !printableASCII(base) {
			t.Fatalf("printableASCII(%d printable bytes) = false", n)
		}
		for at := range n {
			if n > 64 && at > 16 && at < n-16 && at%61 != 0 {
				continue // the middle of long inputs: a sample of offsets
			}
			for c := range 256 {
				data := bytes.Clone(base)
				data[at] = byte(c)
				if got, want := printableASCII(data), loop(data); got != want {
					t.Fatalf("printableASCII with byte %#x at %d of %d = %v, the loop says %v", c, at, n, got, want)
				}
			}
		}
	}
}
