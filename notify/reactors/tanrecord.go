package reactors

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	doccmd "backoffice/commands/document"
	doc "backoffice/domain/document"
	"backoffice/notify/mail"
	"backoffice/notify/queue"
)

// The ledger's record of a TAN (document.tan_issued) is appended after the
// transaction that issued or settled the TAN has committed, never inside
// it: the append waits for the document stream's lock, and while a
// transaction with a transaction ID is open the PostgreSQL event store
// shows no reader an event committed after it began, so every projector,
// catch-up and min_position wait would wait with it (and a rolled-back
// projector transaction would have left a record of a TAN it then issued
// again). The transaction queues a row in sign_tan_records, keyed by the
// document.signature_requested event; the notify/queue engine appends it
// after the commit (claim with a lease, append with no transaction open,
// retried with back-off) and then queues the mail that carries the code,
// so the ledger holds the issue before the signer can read the code.

// tanRecordKind is the kind column of sign_tan_records.
//
// WARNING: stored; never rename.
const tanRecordKind = "tan_issued"

// tanRecord is one queued record: the decided event and the mail that goes
// once it is appended (nil: none).
type tanRecord struct {
	EventID uuid.UUID // the document.signature_requested event
	Issued  doc.TANIssued
	MailID  uuid.UUID
	Mail    *mail.Message
}

// tanRecorder is the queue's Sender: the ledger and the mail queue.
type tanRecorder struct {
	tans *doccmd.TANIssuer
	mail *mail.Dispatcher
}

// tanRecordQueue is the engine's queue of sign_tan_records.
type tanRecordQueue = queue.Queue[*tanRecorder, tanRecord]

// newTANRecordQueue is the queue of sign_tan_records (retried forever:
// the mail with the code waits for the record; 1 s doubling to 1 min).
func newTANRecordQueue(cfg queue.Config[*tanRecorder]) (*tanRecordQueue, error) {
	// The table this package owns (migrations/0701_sign_tan_records.sql),
	// as a literal: readmodel's TestTableOwners holds the engine to it.
	return queue.New("notify/reactors: tan record", "sign_tan_records", cfg, queue.Defaults{
		Backoff: queue.ExponentialBackoff(time.Second, time.Minute),
	}, tanRecordKindOf{r: cfg.Sender})
}

// queueTANRecord queues the record of issued (and the mail that goes after
// it) in tx, keyed by the request event; a second call for the event
// queues nothing.
func queueTANRecord(ctx context.Context, tx pgx.Tx, eventID uuid.UUID, issued *doc.TANIssued, mailID uuid.UUID, m *mail.Message, now time.Time) error {
	var payload []byte
	if m != nil {
		var err error
		if payload, err = json.Marshal(m); err != nil {
			return fmt.Errorf("notify/reactors: encode the TAN's mail: %w", err)
		}
	}
	var mid *uuid.UUID
	if m != nil {
		mid = &mailID
	}
	if _, err := tx.Exec(ctx, `INSERT INTO sign_tan_records (event_id, kind, document_id, request_id, channel, masked_address,
		mail_id, mail, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT (event_id) DO NOTHING`,
		eventID, tanRecordKind, issued.DocumentID, issued.RequestID, string(issued.Channel), issued.MaskedAddress,
		mid, payload, now); err != nil {
		return fmt.Errorf("notify/reactors: unable to queue the TAN's record: %w", err)
	}
	return nil
}

// tanRecordKindOf is what the engine needs of a record.
type tanRecordKindOf struct{ r *tanRecorder }

func (tanRecordKindOf) Columns() string {
	return "event_id, document_id, request_id, channel, masked_address, mail_id, mail"
}

func (tanRecordKindOf) Recipient() string { return "masked_address" }

func (tanRecordKindOf) Targets() ([]any, func() (tanRecord, error)) {
	var (
		r       tanRecord
		channel string
		mailID  *uuid.UUID
		payload []byte
	)
	return []any{&r.EventID, &r.Issued.DocumentID, &r.Issued.RequestID, &channel, &r.Issued.MaskedAddress, &mailID, &payload},
		func() (tanRecord, error) {
			r.Issued.Channel = doc.TANChannel(channel)
			if mailID != nil && payload != nil {
				r.MailID, r.Mail = *mailID, &mail.Message{}
				if err := json.Unmarshal(payload, r.Mail); err != nil {
					return r, fmt.Errorf("notify/reactors: the TAN's mail: %w", err)
				}
			}
			return r, nil
		}
}

// Send appends the record, then queues its mail (each a statement of its
// own: no transaction is open while the append waits). Both are keyed, so
// a repeat after a failure appends and queues nothing twice.
func (k tanRecordKindOf) Send(ctx context.Context, r tanRecord) error {
	issued := r.Issued
	if err := k.r.tans.Record(ctx, r.EventID, &issued); err != nil {
		return err
	}
	if r.Mail == nil {
		return nil
	}
	if err := k.r.mail.Enqueue(ctx, k.r.mail.Config().Pool, r.MailID, *r.Mail); err != nil {
		return err
	}
	k.r.mail.Kick()
	return nil
}

func (tanRecordKindOf) Label(tanRecord) string { return tanRecordKind }

// Refused: never; the record is retried until the ledger takes it.
func (tanRecordKindOf) Refused(error) bool { return false }

// Clear: the mail holds the TAN and the signing link.
func (tanRecordKindOf) Clear(bool) string { return "mail = NULL" }

func (tanRecordKindOf) Settle(uuid.UUID, tanRecord) func(context.Context, pgx.Tx, queue.Result) error {
	return nil
}
