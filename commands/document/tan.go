package document

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"strings"
)

// TANAlphabet is the letters a TAN is made of: no I, L or O, which are
// easily mistaken for 1 and 0 when typed over from a phone or a mail.
const TANAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ"

// TANLength is the number of letters (manual §5.2: a 4-letter code).
const TANLength = 4

// MaxTANAttempts wrong TANs block a request.
const MaxTANAttempts = 5

// TANKey derives the TAN hashing key from the master key, so a leaked
// document_tans table cannot be brute-forced (4 letters are only 23^4
// possibilities) without the key as well.
func TANKey(masterKey []byte) []byte {
	m := hmac.New(sha256.New, masterKey)
	m.Write([]byte("backoffice/document-tan/v1"))
	return m.Sum(nil)
}

// NewTAN returns a random TAN from TANAlphabet (uniform: bytes beyond the
// largest multiple of the alphabet's size are thrown away).
func NewTAN() string {
	const n = len(TANAlphabet)
	limit := byte(256 / n * n)
	out := make([]byte, 0, TANLength)
	buf := make([]byte, 16)
	for len(out) < TANLength {
		_, _ = rand.Read(buf)
		for _, b := range buf {
			if b < limit && len(out) < TANLength {
				out = append(out, TANAlphabet[int(b)%n])
			}
		}
	}
	return string(out)
}

// NormalizeTAN is how a typed TAN is compared: trimmed, upper case.
func NormalizeTAN(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// hashTAN binds the TAN to its request, so equal TANs of two requests
// have different hashes.
func hashTAN(key []byte, requestID, tan string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(requestID))
	m.Write([]byte{0})
	m.Write([]byte(NormalizeTAN(tan)))
	return m.Sum(nil)
}
