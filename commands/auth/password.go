package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"backoffice/domain"
)

// Password length limits in characters (Unicode code points after NFKC
// normalisation). No composition rules (NIST SP 800-63B).
const (
	MinPasswordLen = 8
	MaxPasswordLen = 64
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // iterations
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams follow OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 thread.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Errors of the password rules.
var (
	ErrPasswordTooShort = domain.Invalid("password_too_short", "password",
		fmt.Sprintf("the password must be at least %d characters long", MinPasswordLen),
		fmt.Sprintf("Het wachtwoord moet minstens %d tekens lang zijn.", MinPasswordLen))
	ErrPasswordTooLong = domain.Invalid("password_too_long", "password",
		fmt.Sprintf("the password must be at most %d characters long", MaxPasswordLen),
		fmt.Sprintf("Het wachtwoord mag hoogstens %d tekens lang zijn.", MaxPasswordLen))
	ErrPasswordInvalid = domain.Invalid("password_invalid", "password",
		"the password is not valid text", "Het wachtwoord bevat ongeldige tekens.")
)

// ValidatePassword checks the length rules: 8 to 64 characters, nothing else.
func ValidatePassword(pw string) error {
	if !utf8.ValidString(pw) {
		return ErrPasswordInvalid
	}
	n := utf8.RuneCountInString(norm.NFKC.String(pw))
	switch {
	case n < MinPasswordLen:
		return ErrPasswordTooShort
	case n > MaxPasswordLen:
		return ErrPasswordTooLong
	}
	return nil
}

// HashPassword validates pw and returns its argon2id hash in PHC format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
// The password is NFKC-normalised first, so the same password typed on
// different keyboards matches.
func HashPassword(pw string, p Params) (string, error) {
	if err := ValidatePassword(pw); err != nil {
		return "", err
	}
	return hashPassword(pw, p), nil
}

// hashPassword is HashPassword without the validation. Argon2 is slow on
// purpose: hash before a transaction begins, never inside
// one. A transaction that holds a row lock has a transaction ID, and the
// PostgreSQL event store shows readers no event committed after the oldest
// open one began: every projector would wait for the hash (and every
// writer of the locked rows with it).
func hashPassword(pw string, p Params) string {
	beforeHash()
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails (Go 1.24+)
	key := argon2Key(pw, salt, p)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("auth: malformed password hash")

// parseHash reads a PHC argon2id string.
func parseHash(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, errBadHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return Params{}, nil, nil, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) == 0 {
		return Params{}, nil, nil, errBadHash
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return Params{}, nil, nil, errBadHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// VerifyPassword reports whether pw matches the PHC hash, comparing in
// constant time. A malformed hash is an error, not a mismatch.
func VerifyPassword(pw, encoded string) (bool, error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2Key(pw, salt, p)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether a stored hash was made with other parameters
// than p (or cannot be read); rehash it at the next successful login.
func NeedsRehash(encoded string, p Params) bool {
	hp, _, _, err := parseHash(encoded)
	if err != nil {
		return true
	}
	return hp.Memory != p.Memory || hp.Time != p.Time || hp.Threads != p.Threads ||
		hp.SaltLen != p.SaltLen || hp.KeyLen != p.KeyLen
}

// beforeHash runs before every hash (tests check that no transaction is
// open then).
var beforeHash = func() {}

// hashSlots bounds the argon2 computations running at once. Each holds
// p.Memory (19 MiB) while it runs, and every login attempt, known address
// or not, costs one before any limit can refuse it: 150 concurrent failed
// logins took the process to 1.5 GB, 1,000 (what one source may try before
// its cap) would take 19 GB. argon2 with one thread keeps one core busy,
// so more at once than cores adds memory, not throughput; the rest wait
// here, holding no memory and no database connection (no caller hashes
// inside a transaction).
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// whileHashing runs inside a hash slot (tests count them).
var whileHashing = func() {}

func argon2Key(pw string, salt []byte, p Params) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	whileHashing()
	return argon2.IDKey([]byte(norm.NFKC.String(pw)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}
