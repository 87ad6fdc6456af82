// Package sms sends text messages: the TAN of a signature request (manual
// §5.1). Sender is the port; Spryng is the adapter for the Dutch gateway
// Spryng (REST API, docs.spryngsms.com), FileOutbox the local outbox of the
// embedded default and demo mode, shown in the portal next to the mails.
//
// A phone number is personal data: it never goes into a log line, an error
// text or a URL. Errors of this package name the HTTP status at most.
package sms

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Message is one text message to one number.
type Message struct {
	// To is the recipient in E.164 ("+31612345678"); validate.NormalizeMobile
	// makes it.
	To string `json:"to"`
	// Body is the text (at most MaxBody characters: three SMS parts).
	Body string `json:"body"`
}

// MaxBody bounds a message: three concatenated GSM-7 parts.
const MaxBody = 459

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// ErrInvalid is returned for a message no gateway could send.
var ErrInvalid = errors.New("sms: invalid message")

// Validate checks what every Sender needs. The error never holds the number.
func (m Message) Validate() error {
	var errs []string
	if !e164.MatchString(m.To) {
		errs = append(errs, "recipient is not in E.164")
	}
	if strings.TrimSpace(m.Body) == "" {
		errs = append(errs, "empty body")
	}
	if utf8.RuneCountInString(m.Body) > MaxBody {
		errs = append(errs, "body too long")
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(errs, ", "))
	}
	return nil
}

// Sender delivers a text message. An error means it may not have been
// delivered; a *RejectedError means the gateway refused it for good (a
// retry would be refused again).
type Sender interface {
	Send(ctx context.Context, msg Message) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, msg Message) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, msg Message) error { return f(ctx, msg) }

// RejectedError is a refusal of the gateway that retrying cannot change
// (4xx other than 429: bad credentials, a number it does not accept).
type RejectedError struct {
	Status int
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("sms: the gateway refused the message (HTTP %d)", e.Status)
}

// Rejected reports whether err is a refusal for good.
func Rejected(err error) bool {
	var r *RejectedError
	return errors.As(err, &r) || errors.Is(err, ErrInvalid)
}
