package portal

import (
	"context"

	"backoffice/notify/mail"
)

// outboxApp is the file outbox of the embedded mode (the demo page). SMS has no local outbox yet, so every message is mail.
type outboxApp struct {
	files *mail.FileOutbox
}

// Messages lists the outbox, newest first as the outbox lists them.
func (o *outboxApp) Messages(_ context.Context, limit int) ([]OutboxMessage, error) {
	items, err := o.files.List(limit)
	if err != nil {
		return nil, err
	}
	out := make([]OutboxMessage, 0, len(items))
	for _, it := range items {
		out = append(out, OutboxMessage{At: it.Sent, Channel: "mail", To: it.To, Subject: it.Subject, Body: it.Text})
	}
	return out, nil
}
