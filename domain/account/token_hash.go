package account

import "backoffice/domain"

// checkTokenHash accepts the hex SHA-256 (64 lower-case hex digits) the
// infrastructure computes from a ≥128-bit random token. Anything else is a
// programming error in the caller, reported as invalid input.
func checkTokenHash(h string) error {
	ok := len(h) == 64
	for i := 0; ok && i < len(h); i++ {
		c := h[i]
		ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
	}
	if !ok {
		return domain.Invalid("token_hash", "token_hash",
			"The token hash must be a hex SHA-256.",
			"De token-hash moet een hexadecimale SHA-256 zijn.")
	}
	return nil
}

var errTokenInvalid = domain.Rule("token_invalid", "token",
	"This link is not valid (anymore). Request a new one.",
	"Deze link is niet (meer) geldig. Vraag een nieuwe aan.")

var errTokenExpired = domain.Rule("token_expired", "token",
	"This link has expired. Request a new one.",
	"Deze link is verlopen. Vraag een nieuwe aan.")
