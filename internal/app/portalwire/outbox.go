package portalwire

import (
	"context"
	"errors"

	"backoffice/http/portal"
	"backoffice/notify/mail"
)

// Outbox adapts the file outbox of the embedded mode to portal.Outbox (the
// demo page). SMS has no local outbox yet, so every message is mail.
type Outbox struct {
	files *mail.FileOutbox
}

var _ portal.Outbox = (*Outbox)(nil)

// NewOutbox returns the adapter.
func NewOutbox(files *mail.FileOutbox) (*Outbox, error) {
	if files == nil {
		return nil, errors.New("portalwire: NewOutbox: nil outbox")
	}
	return &Outbox{files: files}, nil
}

// Messages implements portal.Outbox, newest first as the outbox lists them.
func (o *Outbox) Messages(_ context.Context, limit int) ([]portal.OutboxMessage, error) {
	items, err := o.files.List(limit)
	if err != nil {
		return nil, err
	}
	out := make([]portal.OutboxMessage, 0, len(items))
	for _, it := range items {
		out = append(out, portal.OutboxMessage{At: it.Sent, Channel: "mail", To: it.To, Subject: it.Subject, Body: it.Text})
	}
	return out, nil
}
