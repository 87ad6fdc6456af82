package reactors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	doccmd "backoffice/commands/document"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/domain/validate"
	"backoffice/eventstore"
	"backoffice/notify/mail"
	"backoffice/notify/sms"
)

// SMSKindTAN is the kind of the TAN text messages in sms_deliveries.
//
// WARNING: stored; never rename (queued messages would lose their hook).
const SMSKindTAN = "sign_tan"

// MobileLookup returns the mobile number (E.164) of an account, "" when it
// has none (or it was erased).
type MobileLookup func(ctx context.Context, accountID string) (string, error)

// UseSMS makes the mailer send the TAN by SMS through d's queue to signers
// whose mobile returns a number (manual §5.1), and takes d's outcome of
// those messages (tanSettled). Call it before the projector and d run.
func (m *SignMailer) UseSMS(d *sms.Dispatcher, mobile MobileLookup) error {
	if d == nil || mobile == nil {
		return errors.New("notify/reactors: UseSMS needs an SMS dispatcher and a mobile number lookup")
	}
	if err := d.OnSettled(SMSKindTAN, m.tanSettled); err != nil {
		return err
	}
	m.sms, m.mobile = d, mobile
	return nil
}

// tanRef is what the SMS queue keeps for tanSettled while the message is
// pending (then it is emptied: Fallback holds the TAN and the link, as a
// queued mail does).
type tanRef struct {
	DocumentID string       `json:"document_id"`
	RequestID  string       `json:"request_id"`
	Email      string       `json:"email"`
	Fallback   mail.Message `json:"fallback"` // the request mail with the TAN, if the SMS fails
}

// smsNumber returns the signer's number when the TAN can go by SMS: a
// gateway, a number, and one the ledger accepts. The number is never
// logged.
func (m *SignMailer) smsNumber(ctx context.Context, e eventstore.RecordedEvent, ev *doc.SignatureRequested, d *doc.Document) (string, error) {
	if m.sms == nil {
		return "", nil
	}
	number, err := m.mobile(ctx, ev.SignerAccountID)
	if err != nil {
		return "", fmt.Errorf("notify/reactors: unable to read the signer's mobile number: %w", err)
	}
	if number == "" {
		return "", nil
	}
	if _, err := d.IssueTAN(doccmd.System, ev.RequestID, doc.ChannelSMS, number, m.now()); err != nil {
		m.log.WarnContext(ctx, "notify/reactors: the signer's mobile number is not usable; the TAN goes in the mail",
			"document_id", ev.DocumentID, "event_id", e.ID, "code", domainCode(err))
		return "", nil
	}
	n, err := validate.NormalizeMobile("address", number)
	if err != nil {
		return "", nil // IssueTAN accepted it: cannot happen
	}
	return n, nil
}

// queueSMS queues the TAN's text message in the projector's transaction;
// the SMS dispatcher sends it after the commit, and tanSettled records the
// issue (or mails the TAN when the SMS fails for good).
func (m *SignMailer) queueSMS(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, ev *doc.SignatureRequested, number, tan string, fallback mail.Message, acc recipient) error {
	msg := sms.SignTAN(acc.language, tan)
	msg.To = number
	return m.sms.Enqueue(ctx, tx, e.ID, sms.Queued{Message: msg, Kind: SMSKindTAN,
		Ref: tanRef{DocumentID: ev.DocumentID, RequestID: ev.RequestID, Email: acc.email, Fallback: fallback}})
}

// tanSettled is the SMS dispatcher's hook for a TAN message, in the
// transaction that records its outcome: sent, the ledger records the SMS
// channel; given up, the request mail goes again, now with the TAN, and
// the ledger records the e-mail channel. The record is only queued here
// and appended after this transaction commits (tanrecord.go), keyed by the
// request event's ID, so a second run records nothing new; the fallback
// mail waits for the record.
func (m *SignMailer) tanSettled(ctx context.Context, tx pgx.Tx, o sms.Outcome) error {
	var ref tanRef
	if err := json.Unmarshal(o.Ref, &ref); err != nil {
		return fmt.Errorf("notify/reactors: the TAN message's context: %w", err)
	}
	channel, address := doc.ChannelSMS, o.To
	var fallback *mail.Message
	fallbackID := uuid.NewSHA1(o.EventID, []byte("tan-by-mail"))
	if !o.Sent {
		m.log.WarnContext(ctx, "notify/reactors: TAN SMS not sent; the TAN goes in the mail",
			"document_id", ref.DocumentID, "event_id", o.EventID)
		fallback = &ref.Fallback
		channel, address = doc.ChannelEmail, ref.Email
	}
	d := &doc.Document{}
	if _, err := commands.LoadInto(ctx, m.store, doc.Stream(ref.DocumentID), doc.Events, d); err != nil {
		return fmt.Errorf("notify/reactors: %w", err)
	}
	evs, err := d.IssueTAN(doccmd.System, ref.RequestID, channel, address, m.now())
	if err != nil {
		m.log.InfoContext(ctx, "notify/reactors: TAN issue not recorded (request replaced, or recorded before)",
			"document_id", ref.DocumentID, "event_id", o.EventID, "code", domainCode(err))
		if fallback == nil {
			return nil
		}
		if err := m.mail.Enqueue(ctx, tx, fallbackID, *fallback); err != nil {
			return err
		}
		m.mail.Kick()
		return nil
	}
	if err := queueTANRecord(ctx, tx, o.EventID, evs[0].(*doc.TANIssued), fallbackID, fallback, m.now()); err != nil {
		return err
	}
	m.records.Kick()
	return nil
}

// issuedByMail is the ledger's record of a TAN that went in the mail (nil
// when the request was replaced or its issue recorded before).
func (m *SignMailer) issuedByMail(ctx context.Context, e eventstore.RecordedEvent, ev *doc.SignatureRequested, d *doc.Document, acc recipient) *doc.TANIssued {
	evs, err := d.IssueTAN(doccmd.System, ev.RequestID, doc.ChannelEmail, acc.email, m.now())
	if err != nil {
		// The credentials row holds a validated address; should it not,
		// the mail still goes (the Dispatcher stores a bad one as failed).
		m.log.InfoContext(ctx, "notify/reactors: TAN issue not recorded (request replaced, or recorded before)",
			"document_id", ev.DocumentID, "event_id", e.ID, "code", domainCode(err))
		return nil
	}
	return evs[0].(*doc.TANIssued)
}

// domainCode is the code of a domain error (its message may quote input).
func domainCode(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Code
	}
	return "unknown"
}
