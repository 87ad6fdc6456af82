// Package mail sends the portal's e-mails: account activation, password
// reset and document-signing requests. A Message is rendered from an
// embedded template (Dutch by default, English on request) and handed to a
// Sender: SMTPSender in production, FileOutbox in the embedded default and
// demo mode. The Dispatcher makes delivery a side-effect projector:
// projectors enqueue a message inside their own transaction, keyed by the
// event ID, and the Dispatcher sends it at least once and retries failures.
package mail

import (
	"context"
	"errors"
	"net/mail"
	"strings"
)

// Kinds of mail. Stored in mail_deliveries.kind: never rename.
const (
	KindActivation    = "activation"
	KindPasswordReset = "password_reset"
	KindSignRequest   = "sign_request"
)

// Languages of the templates. Anything else falls back to Dutch.
const (
	LangNL = "nl"
	LangEN = "en"
)

// Message is one e-mail to one recipient.
type Message struct {
	To       string `json:"to"`
	Subject  string `json:"subject"`
	TextBody string `json:"text_body"`
	// HTMLBody is optional; when set the mail is multipart/alternative.
	HTMLBody string `json:"html_body,omitempty"`
	Language string `json:"language,omitempty"`
	// Kind names the template the message came from (KindActivation, ...);
	// informational, used for the delivery table and logs.
	Kind string `json:"kind,omitempty"`
	// AccountID is the account the mail is for, when it is one's: the
	// Dispatcher does not send it once that account is blocked or its
	// address is no longer To (ErrRecipientGone). Empty: no such check.
	AccountID string `json:"account_id,omitempty"`
}

// Validate checks what every Sender needs: one parseable recipient, a
// subject and a body.
func (m Message) Validate() error {
	var errs []error
	if _, err := mail.ParseAddress(m.To); err != nil || strings.ContainsAny(m.To, ",;") {
		// Not quoted: the error is logged, and the delivery row shows
		// the recipient to the back office anyway.
		errs = append(errs, errors.New("mail: invalid recipient address"))
	}
	if strings.TrimSpace(m.Subject) == "" {
		errs = append(errs, errors.New("mail: empty subject"))
	}
	if strings.TrimSpace(m.TextBody) == "" && strings.TrimSpace(m.HTMLBody) == "" {
		errs = append(errs, errors.New("mail: empty body"))
	}
	return errors.Join(errs...)
}

// Sender delivers a message. Implementations must be safe for concurrent use.
// An error means the message may not have been delivered; callers that need
// delivery retry (see Dispatcher), so Send may deliver a message twice.
type Sender interface {
	Send(ctx context.Context, msg Message) error
}

// SenderFunc adapts a function to Sender (handy for wrappers in tests).
type SenderFunc func(ctx context.Context, msg Message) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, msg Message) error { return f(ctx, msg) }
