package reactors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	"backoffice/commands/auth"
	doccmd "backoffice/commands/document"
	"backoffice/domain"
	"backoffice/domain/client"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/notify/mail"
	"backoffice/notify/queue"
	"backoffice/notify/sms"
	"backoffice/projections"
)

// SignMailerName is the projector name of SignMailer.
//
// WARNING: stored as checkpoint key; never rename (a renamed projector
// starts from position 0; it would mail nothing twice, since TANs and mail
// deliveries are keyed by event ID, but it would re-read the whole log).
// The mailer moved here from commands/document with its name, so an
// install keeps its checkpoint.
const SignMailerName = "documents.sign_mail"

// SignMailer is the side-effect projector of signing (manual §5.1): on
// document.signature_requested it has commands/document issue the
// request's TAN and unique signing link (doccmd.TANIssuer: only their
// hashes are stored) and queues the TAN's SMS and the mail with the link
// to the signer; on document.signature_declined it queues a mail to every
// enabled back-office account. Both happen in the projector's
// transaction, keyed by the event ID: a replay or rebuild issues no second
// TAN and sends nothing twice (Reset empties nothing). Nothing is sent in
// that transaction and nothing is appended to the ledger: the mail and SMS
// dispatchers send after its commit, and the record of the TAN
// (document.tan_issued) is queued and appended after it too (Run,
// tanrecord.go), so a slow gateway or a held stream lock holds no
// projector and a rollback sends and records nothing.
//
// The TAN goes by SMS when UseSMS gave an SMS queue and the signer has a
// mobile number, otherwise in the mail, as the manual allows ("soms ...
// wordt de verificatiecode in de email met de link zelf vermeld"); the
// mail always carries the unique signing link. When the SMS fails for
// good, the mail goes again with the TAN. document.tan_issued records the
// channel and the masked address (signmail_tan.go).
type SignMailer struct {
	store  eventstore.Store
	mail   *mail.Dispatcher
	links  doccmd.Links
	tans   *doccmd.TANIssuer
	now    func() time.Time
	log    *slog.Logger
	sms    *sms.Dispatcher // nil: every TAN goes in the mail
	mobile MobileLookup    // the signer's mobile number
	// records appends document.tan_issued after the commit (tanrecord.go).
	records *tanRecordQueue
}

// NewSignMailer returns the projector. masterKey is the identity vault's
// master key (the TAN key is derived from it, as the Handler does).
func NewSignMailer(store eventstore.Store, d *mail.Dispatcher, links doccmd.Links, masterKey []byte, clock func() time.Time, log *slog.Logger) (*SignMailer, error) {
	if store == nil || d == nil || links.Sign == nil || links.Document == nil || len(masterKey) != 32 {
		return nil, errors.New("notify/reactors: NewSignMailer needs a store, a dispatcher, links and a 32-byte master key")
	}
	tans, err := doccmd.NewTANIssuer(store, masterKey, clock)
	if err != nil {
		return nil, err
	}
	clock, log = orDefaults(clock, log)
	m := &SignMailer{store: store, mail: d, links: links, tans: tans, now: clock, log: log}
	if err := m.TuneRecords(0, nil); err != nil {
		return nil, err
	}
	return m, nil
}

// TuneRecords sets how often the queue of TAN records looks for due
// records without a kick and its back-off after a failed append (zero
// values: 1 s, and 1 s doubling to 1 min). Call it before Run.
func (m *SignMailer) TuneRecords(poll time.Duration, backoff func(failures int) time.Duration) error {
	// The mail queue's liveness: its process's (one lock for all queues).
	q, err := newTANRecordQueue(queue.Config[*tanRecorder]{Pool: m.mail.Config().Pool, Sender: &tanRecorder{tans: m.tans, mail: m.mail},
		PollInterval: poll, Backoff: backoff, Now: m.now, Logger: m.log, Liveness: m.mail.Config().Liveness})
	if err != nil {
		return err
	}
	m.records = q
	return nil
}

// Run appends the TAN records the mailer queued (document.tan_issued) and
// queues the mails that wait for them, until ctx ends (the notify/queue
// engine: several processes share the queue). Every process that runs the
// mailer's projectors runs it too.
func (m *SignMailer) Run(ctx context.Context) error { return m.records.Run(ctx) }

// RecordTANs makes one pass over the due TAN records and returns how many
// it attempted (tests; Run does this on its own).
func (m *SignMailer) RecordTANs(ctx context.Context) (int, error) { return m.records.DeliverDue(ctx) }

// TANRecord is the state of the TAN record queued for a request event.
func (m *SignMailer) TANRecord(ctx context.Context, eventID uuid.UUID) (queue.Delivery, error) {
	return m.records.Delivery(ctx, eventID)
}

// Name implements projections.Projector.
func (m *SignMailer) Name() string { return SignMailerName }

// SignMailerDeps are the projectors whose tables SignMailer reads: the
// activation mailer, which keeps the names it greets the signer by
// (mail_recipient_names). The signer's address, language and block come
// from commands/auth's credentials, which the commands write themselves,
// and the document and its client from their streams: nothing to wait for.
var SignMailerDeps = []string{ActivationMailerName}

var _ projections.DependentProjector = (*SignMailer)(nil)

// DependsOn implements projections.DependentProjector: while the names
// are rebuilt (emptied first), or lag behind a contact's new name, a
// request handled meanwhile would greet the signer by no name or an old
// one, in the one mail it gets; the runtime holds the event back until the
// activation mailer has passed it.
func (m *SignMailer) DependsOn() []string { return slices.Clone(SignMailerDeps) }

// Handles implements projections.Projector.
func (m *SignMailer) Handles(t string) bool {
	return t == doc.TypeSignatureRequested || t == doc.TypeSignatureDeclined
}

// Reset empties nothing: issued TANs and queued mail stay (that is what
// keeps a rebuild from issuing or mailing again).
func (m *SignMailer) Reset(context.Context, pgx.Tx) error { return nil }

// Handle implements projections.Projector.
func (m *SignMailer) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	ev, err := doc.Events.Decode(e.Type, e.Data)
	if err != nil {
		return fmt.Errorf("notify/reactors: %s@%d: %w", e.Stream, e.Revision, err)
	}
	switch ev := ev.(type) {
	case *doc.SignatureRequested:
		return m.requested(ctx, tx, e, ev)
	case *doc.SignatureDeclined:
		return m.declined(ctx, tx, e, ev)
	}
	return nil
}

// recipient is a credentials row as the mails need it.
type recipient struct {
	email, language string
	disabled        bool
}

// accountOf reads the account's credentials (commands/auth's) in the
// projector's transaction; ok is false when it has none.
func accountOf(ctx context.Context, tx pgx.Tx, accountID string) (r recipient, ok bool, err error) {
	a, err := auth.AccountIn(ctx, tx, accountID)
	if errors.Is(err, auth.ErrAccountNotFound) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("notify/reactors: %w", err)
	}
	return recipient{email: a.Email, language: a.Language, disabled: a.Disabled}, true, nil
}

func (m *SignMailer) requested(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, ev *doc.SignatureRequested) error {
	// Only a replay of this very event is skipped (an error for another
	// event naming the same request: never a request without TAN or mail).
	issuedTAN, fresh, err := m.tans.Issue(ctx, tx, e.ID, ev)
	if err != nil {
		return err
	}
	if !fresh {
		return nil // a replay: the TAN was issued and mailed before
	}
	tan, token := issuedTAN.TAN, issuedTAN.Token
	acc, ok, err := accountOf(ctx, tx, ev.SignerAccountID)
	if err != nil {
		return err
	}
	if !ok || acc.disabled {
		m.log.WarnContext(ctx, "notify/reactors: signer cannot be mailed (no credentials or disabled); no sign request mail",
			"document_id", ev.DocumentID, "event_id", e.ID)
		return nil
	}
	d := &doc.Document{}
	if _, err := commands.LoadInto(ctx, m.store, doc.Stream(ev.DocumentID), doc.Events, d); err != nil {
		return fmt.Errorf("notify/reactors: %w", err)
	}
	// The code goes out even when the request was superseded, answered or
	// replaced before the projector came to it (it lagged): the signer's
	// screen says what became of it. Only the latest request's issue is
	// recorded (IssueTAN refuses the others).
	number, err := m.smsNumber(ctx, e, ev, d)
	if err != nil {
		return err
	}
	// The activation mailer's memory of names by address (SignMailerDeps:
	// it has passed this event); a miss greets "Beste klant," as in the
	// manual.
	name, err := RecipientName(ctx, tx, acc.email)
	if err != nil {
		return err
	}
	link := m.links.Sign(ev.DocumentID, token)
	if number == "" {
		msg := mail.SignRequestMail(acc.language, acc.email, name, link, tan)
		msg.AccountID = ev.SignerAccountID
		issued := m.issuedByMail(ctx, e, ev, d, acc)
		if issued == nil {
			// Nothing to record: the mail goes at once.
			if err := m.mail.Enqueue(ctx, tx, e.ID, msg); err != nil {
				return err
			}
			m.mail.Kick()
			return nil
		}
		// The record is appended after this transaction commits, and the
		// mail with the code is queued after the record (tanrecord.go).
		if err := queueTANRecord(ctx, tx, e.ID, issued, e.ID, &msg, m.now()); err != nil {
			return err
		}
		m.records.Kick()
		return nil
	}
	// By SMS: the mail says the code came by SMS; the text goes after
	// this transaction commits (the SMS dispatcher), and its outcome is
	// recorded then (tanSettled).
	msg := mail.SignRequestMail(acc.language, acc.email, name, link, "")
	msg.AccountID = ev.SignerAccountID
	if err := m.mail.Enqueue(ctx, tx, e.ID, msg); err != nil {
		return err
	}
	fallback := mail.SignRequestSMSFailedMail(acc.language, acc.email, name, link, tan)
	fallback.AccountID = ev.SignerAccountID
	if err := m.queueSMS(ctx, tx, e, ev, number, tan, fallback, acc); err != nil {
		return err
	}
	m.mail.Kick()
	m.sms.Kick()
	return nil
}

func (m *SignMailer) declined(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, ev *doc.SignatureDeclined) error {
	tag, err := tx.Exec(ctx, `INSERT INTO document_decline_mails (event_id, mailed_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, e.ID, m.now())
	if err != nil {
		return fmt.Errorf("notify/reactors: unable to record the decline mail: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil // a replay: mailed before, to the back office of that moment
	}
	d := &doc.Document{}
	if _, err := commands.LoadInto(ctx, m.store, doc.Stream(ev.DocumentID), doc.Events, d); err != nil {
		return fmt.Errorf("notify/reactors: %w", err)
	}
	c := &client.Client{}
	if _, err := commands.LoadInto(ctx, m.store, client.Stream(d.ClientID()), client.Events, c); err != nil {
		return fmt.Errorf("notify/reactors: %w", err)
	}
	signer := e.Metadata.ActorID
	if acc, ok, err := accountOf(ctx, tx, e.Metadata.ActorID); err != nil {
		return err
	} else if ok {
		signer = acc.email
	}
	all, err := auth.EnabledAccounts(ctx, tx, domain.RoleBackoffice)
	if err != nil {
		return fmt.Errorf("notify/reactors: %w", err)
	}
	for _, r := range all {
		msg := mail.SignDeclinedMail(r.Language, r.Email, d.Title(), c.Name(), signer, ev.Remark, m.links.Document(ev.DocumentID))
		msg.AccountID = r.AccountID
		// One delivery per recipient, each keyed by event and account.
		if err := m.mail.Enqueue(ctx, tx, uuid.NewSHA1(e.ID, []byte(r.AccountID)), msg); err != nil {
			return err
		}
	}
	m.mail.Kick()
	return nil
}
