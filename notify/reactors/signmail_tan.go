package reactors

import (
	"context"
	"errors"
	"fmt"

	doccmd "backoffice/commands/document"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/notify/sms"
)

// MobileLookup returns the mobile number (E.164) of an account, "" when it
// has none (or it was erased).
type MobileLookup func(ctx context.Context, accountID string) (string, error)

// UseSMS makes the mailer send the TAN by SMS through s to signers whose
// mobile returns a number (manual §5.1). Call it before the projector runs.
func (m *SignMailer) UseSMS(s sms.Sender, mobile MobileLookup) error {
	if s == nil || mobile == nil {
		return errors.New("notify/reactors: UseSMS needs a sender and a mobile number lookup")
	}
	m.sms, m.mobile = s, mobile
	return nil
}

// sendTAN sends the TAN by SMS when it can and returns the decision to
// record. Without a gateway, without a mobile number, or when the gateway
// refuses or stays unreachable (its retries are bounded), the TAN goes in
// the mail. The number and the TAN are never logged.
func (m *SignMailer) sendTAN(ctx context.Context, e eventstore.RecordedEvent, ev *doc.SignatureRequested, d *doc.Document, acc recipient, tan string) (*doc.TANIssued, error) {
	byMail := func() (*doc.TANIssued, error) {
		evs, err := d.IssueTAN(doccmd.System, ev.RequestID, doc.ChannelEmail, acc.email, m.now())
		if err != nil {
			// The credentials row holds a validated address; should it not,
			// the mail still goes (the Dispatcher stores a bad one as failed).
			m.log.InfoContext(ctx, "notify/reactors: TAN issue not recorded (request replaced, or recorded before)",
				"document_id", ev.DocumentID, "event_id", e.ID, "code", domainCode(err))
			return nil, nil
		}
		return evs[0].(*doc.TANIssued), nil
	}
	if m.sms == nil {
		return byMail()
	}
	number, err := m.mobile(ctx, ev.SignerAccountID)
	if err != nil {
		return nil, fmt.Errorf("notify/reactors: unable to read the signer's mobile number: %w", err)
	}
	if number == "" {
		return byMail()
	}
	evs, err := d.IssueTAN(doccmd.System, ev.RequestID, doc.ChannelSMS, number, m.now())
	if err != nil {
		m.log.WarnContext(ctx, "notify/reactors: the signer's mobile number is not usable; the TAN goes in the mail",
			"document_id", ev.DocumentID, "event_id", e.ID, "code", domainCode(err))
		return byMail()
	}
	msg := sms.SignTAN(acc.language, tan)
	msg.To = number
	if err := m.sms.Send(ctx, msg); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		m.log.WarnContext(ctx, "notify/reactors: TAN SMS not sent; the TAN goes in the mail",
			"document_id", ev.DocumentID, "event_id", e.ID, "refused", sms.Rejected(err), "err", err)
		return byMail()
	}
	return evs[0].(*doc.TANIssued), nil
}

// domainCode is the code of a domain error (its message may quote input).
func domainCode(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Code
	}
	return "unknown"
}
