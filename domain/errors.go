package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the one place that maps errors to HTTP status.
type Kind uint8

const (
	KindInternal     Kind = iota // 500
	KindInvalid                  // 400: malformed input (bad number, unknown field value)
	KindNotFound                 // 404: absent or outside the caller's scope (existence is not leaked)
	KindConflict                 // 409: state or revision conflict (already offered, concurrent change)
	KindRule                     // 422: a business rule is broken; Code names the rule
	KindUnauthorized             // 401: no valid session or token
	KindForbidden                // 403: only where existence is already known to the caller
	KindTooMany                  // 429: rate limited
)

// Kinds about the request body itself. Their own block with fixed values,
// so kinds added above keep their numbers (kinds are never stored).
const (
	KindTooLarge         Kind = 100 // 413: the body is over its limit
	KindUnsupportedMedia Kind = 101 // 415: a body or file type that is refused
)

// Error is a typed domain error. Code is a stable machine name
// ("day_over_24h"); Field names the input field when there is one; Message
// is English and MessageNL Dutch, both fit to show a user.
type Error struct {
	Kind      Kind
	Code      string
	Field     string
	Message   string
	MessageNL string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Field, e.Message)
	}
	return e.Code + ": " + e.Message
}

// Is makes errors.Is(err, &Error{Code: "x"}) match on code, and a bare
// sentinel of a kind (Code "") match any error of that kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.Code == "" {
		return t.Kind == e.Kind
	}
	return t.Code == e.Code
}

// Constructors for the common kinds.
func Invalid(code, field, en, nl string) *Error {
	return &Error{Kind: KindInvalid, Code: code, Field: field, Message: en, MessageNL: nl}
}
func Rule(code, field, en, nl string) *Error {
	return &Error{Kind: KindRule, Code: code, Field: field, Message: en, MessageNL: nl}
}
func Conflict(code, en, nl string) *Error {
	return &Error{Kind: KindConflict, Code: code, Message: en, MessageNL: nl}
}
func NotFound(code, en, nl string) *Error {
	return &Error{Kind: KindNotFound, Code: code, Message: en, MessageNL: nl}
}

// ErrNotFound is the generic "absent or not yours" error.
var ErrNotFound = NotFound("not_found", "This was not found, or you have no access to it.", "Dit is niet gevonden, of u hebt er geen toegang toe.")

// KindOf returns the kind of the first *Error in err's chain, KindInternal otherwise.
func KindOf(err error) Kind {
	var de *Error
	if errors.As(err, &de) {
		return de.Kind
	}
	return KindInternal
}

// Forbidden is for a caller who may see the object but not do this to it
// (e.g. a worker approving the client's step). Objects outside the caller's
// scope are NotFound instead, so their existence is not leaked.
func Forbidden(code, en, nl string) *Error {
	return &Error{Kind: KindForbidden, Code: code, Message: en, MessageNL: nl}
}
