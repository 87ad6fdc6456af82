package document

import (
	"context"
	"errors"
	"fmt"

	"backoffice/commands"
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
		return errors.New("commands/document: UseSMS needs a sender and a mobile number lookup")
	}
	m.sms, m.mobile = s, mobile
	return nil
}

// system issues TANs.
var system = domain.Actor{AccountID: "system", Role: domain.RoleSystem}

// sendTAN sends the TAN by SMS when it can and returns the decision to
// record. Without a gateway, without a mobile number, or when the gateway
// refuses or stays unreachable (its retries are bounded), the TAN goes in
// the mail. The number and the TAN are never logged.
func (m *SignMailer) sendTAN(ctx context.Context, e eventstore.RecordedEvent, ev *doc.SignatureRequested, d *doc.Document, acc recipient, tan string) (*doc.TANIssued, error) {
	byMail := func() (*doc.TANIssued, error) {
		evs, err := d.IssueTAN(system, ev.RequestID, doc.ChannelEmail, acc.email, m.now())
		if err != nil {
			// The credentials row holds a validated address; should it not,
			// the mail still goes (the Dispatcher stores a bad one as failed).
			m.log.InfoContext(ctx, "commands/document: TAN issue not recorded (request replaced, or recorded before)",
				"document_id", ev.DocumentID, "event_id", e.ID, "code", errorCode(err))
			return nil, nil
		}
		return evs[0].(*doc.TANIssued), nil
	}
	if m.sms == nil {
		return byMail()
	}
	number, err := m.mobile(ctx, ev.SignerAccountID)
	if err != nil {
		return nil, fmt.Errorf("commands/document: unable to read the signer's mobile number: %w", err)
	}
	if number == "" {
		return byMail()
	}
	evs, err := d.IssueTAN(system, ev.RequestID, doc.ChannelSMS, number, m.now())
	if err != nil {
		m.log.WarnContext(ctx, "commands/document: the signer's mobile number is not usable; the TAN goes in the mail",
			"document_id", ev.DocumentID, "event_id", e.ID, "code", errorCode(err))
		return byMail()
	}
	msg := sms.SignTAN(acc.language, tan)
	msg.To = number
	if err := m.sms.Send(ctx, msg); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		m.log.WarnContext(ctx, "commands/document: TAN SMS not sent; the TAN goes in the mail",
			"document_id", ev.DocumentID, "event_id", e.ID, "refused", sms.Rejected(err), "err", err)
		return byMail()
	}
	return evs[0].(*doc.TANIssued), nil
}

// recordTAN appends document.tan_issued. Its ID comes from the request
// event's, so a replay of this handler after a lost commit appends nothing
// twice. A concurrent append to the stream (the signer's answer) is
// retried on the new revision.
func (m *SignMailer) recordTAN(ctx context.Context, e eventstore.RecordedEvent, st commands.Stream, d *doc.Document, issued *doc.TANIssued) error {
	if issued == nil {
		return nil
	}
	meta := commands.Meta{Actor: system, IdempotencyKey: e.ID.String(), Command: doc.TypeTANIssued}
	for attempt := 0; ; attempt++ {
		_, err := commands.Save(ctx, m.store, st, meta, m.now(), issued)
		if err == nil || errors.Is(err, eventstore.ErrDuplicateEventID) {
			return nil
		}
		if !errors.Is(err, eventstore.ErrWrongExpectedRevision) || attempt >= 2 {
			return fmt.Errorf("commands/document: unable to record the TAN issue: %w", err)
		}
		d = &doc.Document{}
		if st, err = commands.LoadInto(ctx, m.store, doc.Stream(issued.DocumentID), doc.Events, d); err != nil {
			return fmt.Errorf("commands/document: %w", err)
		}
		if d.Request().ID != issued.RequestID || d.Request().TANIssued {
			return nil // answered or replaced meanwhile, or recorded by an earlier attempt
		}
	}
}

// errorCode is the code of a domain error (its message may quote input).
func errorCode(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Code
	}
	return "unknown"
}
