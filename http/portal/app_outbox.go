package portal

import (
	"context"
	"slices"

	"backoffice/notify/mail"
	"backoffice/notify/sms"
)

// outboxApp is the local outbox of the embedded mode (the demo page): the
// mails, and the SMS when there is an SMS outbox, newest first.
type outboxApp struct {
	files *mail.FileOutbox
	sms   *sms.FileOutbox // nil: no SMS outbox
}

// Messages lists up to limit messages of both outboxes, newest first.
func (o *outboxApp) Messages(_ context.Context, limit int) ([]OutboxMessage, error) {
	items, err := o.files.List(limit)
	if err != nil {
		return nil, err
	}
	out := make([]OutboxMessage, 0, len(items))
	for _, it := range items {
		out = append(out, OutboxMessage{At: it.Sent, Channel: "mail", To: it.To, Subject: it.Subject, Body: it.Text})
	}
	if o.sms != nil {
		texts, err := o.sms.List(limit)
		if err != nil {
			return nil, err
		}
		for _, it := range texts {
			out = append(out, OutboxMessage{At: it.Sent, Channel: "sms", To: it.To, Body: it.Body})
		}
		slices.SortStableFunc(out, func(a, b OutboxMessage) int { return b.At.Compare(a.At) })
		if limit > 0 && len(out) > limit {
			out = out[:limit]
		}
	}
	return out, nil
}
