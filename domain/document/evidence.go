package document

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/netip"
	"strings"
	"unicode/utf8"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// Signing evidence (issue 14 §8): besides the file's hash, every signature
// request records in its stream when the signer opened the signing screen,
// each wrong TAN, and with the answer the consent text's hash and the
// signer's connection. The connection is personal data: the command layer
// seals it (Sealed) with the signer's data key before it enters an event.

// MaxOpenings bounds the SigningOpened events of one request: a signer
// reloading the screen must not grow the stream without end.
const MaxOpenings = 20

// MaxUserAgent bounds the user agent kept (in runes).
const MaxUserAgent = 512

// ClientInfo is the signer's connection as the portal or the API saw it.
type ClientInfo struct {
	IP        string `json:"ip,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
}

// CleanClient keeps what can be trusted of a connection: a parsed IP
// address (anything else is dropped) and the user agent without control,
// format or bidi characters, at most MaxUserAgent runes. It never refuses:
// a browser's header is no input the signer chose.
func CleanClient(ip, userAgent string) ClientInfo {
	var c ClientInfo
	if a, err := netip.ParseAddr(strings.TrimSpace(ip)); err == nil {
		c.IP = a.Unmap().String()
	}
	var b strings.Builder
	n := 0
	for _, r := range userAgent {
		if n >= MaxUserAgent {
			break
		}
		if r == utf8.RuneError || invisible(r) || domain.UnsafeRune(r) || r < ' ' {
			continue
		}
		b.WriteRune(r)
		n++
	}
	c.UserAgent = strings.TrimSpace(b.String())
	return c
}

// Empty reports whether nothing of the connection is known.
func (c ClientInfo) Empty() bool { return c.IP == "" && c.UserAgent == "" }

// consentTexts are the statements the signing screen shows above its
// buttons, by language. The answer records the SHA-256
// of the one shown, so the evidence names the exact wording agreed to.
//
// WARNING: changing a text changes the hash new answers record; old
// answers keep naming the old text. Keep every text ever shown in
// ConsentHistory.
var consentTexts = map[string]string{
	"nl": "Met ‘Akkoord’ en de verificatiecode onderteken ik deze versie van het document digitaal en verklaar ik dat ik het heb gelezen; met ‘Niet akkoord’ weiger ik te ondertekenen.",
	"en": "With ‘Agree’ and the verification code I sign this version of the document digitally and declare that I have read it; with ‘Disagree’ I refuse to sign.",
}

// ConsentText is the consent statement in lang ("nl" for anything else).
func ConsentText(lang string) string {
	if t, ok := consentTexts[lang]; ok {
		return t
	}
	return consentTexts["nl"]
}

// ConsentSHA256 is the hex SHA-256 of ConsentText(lang) as UTF-8.
func ConsentSHA256(lang string) string {
	sum := sha256.Sum256([]byte(ConsentText(lang)))
	return hex.EncodeToString(sum[:])
}

// ConsentHistory maps the hash of every consent text ever shown to its
// text, for the evidence report.
func ConsentHistory() map[string]string {
	out := map[string]string{}
	for lang := range consentTexts {
		out[ConsentSHA256(lang)] = ConsentText(lang)
	}
	return out
}

// maxSealed bounds a sealed connection (base64 of the JSON of a
// ClientInfo, a key ID, a nonce and the tag).
const maxSealed = 4096

var errEvidenceInvalid = domain.Invalid("evidence_invalid", "", "The signing evidence is malformed.",
	"Het bewijs van ondertekening is ongeldig.")

// checkSealed refuses a malformed sealed connection (nil is fine: unknown).
func checkSealed(s *Sealed, signer string) error {
	if s == nil {
		return nil
	}
	if s.Subject != "account-"+signer || validate.ID("subject", signer) != nil ||
		len(s.Ciphertext) == 0 || len(s.Ciphertext) > maxSealed {
		return errEvidenceInvalid
	}
	if _, err := base64.StdEncoding.Strict().DecodeString(s.Ciphertext); err != nil {
		return errEvidenceInvalid
	}
	return nil
}

// checkHash refuses anything but "" or 64 lower-case hex digits.
func checkHash(h string) error {
	if h == "" {
		return nil
	}
	if b, err := hex.DecodeString(h); err != nil || len(b) != 32 || strings.ToLower(h) != h {
		return errEvidenceInvalid
	}
	return nil
}
