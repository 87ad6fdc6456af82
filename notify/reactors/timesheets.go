// Package reactors holds the side-effect projectors of notify/: they turn
// events into mails (TimesheetMailer: the approval workflow;
// ActivationMailer: a new account's login details). Like every projector
// they run once per cluster (advisory lock) and commit their effect with
// the checkpoint; the mail itself goes through the delivery queue
// (notify/mail.Dispatcher). commands/ only decides and appends.
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

	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	"backoffice/notify/audience"
	"backoffice/notify/mail"
	"backoffice/projections"
	rmidentity "backoffice/readmodel/identity"
)

// TimesheetMailerName is the projector name of TimesheetMailer.
//
// WARNING: stored as checkpoint key; never rename (a renamed projector
// re-reads the whole log; notify_event_mails keeps it from mailing twice,
// and MaxAge from mailing about old events).
const TimesheetMailerName = "notify.timesheet_mail"

// DefaultMaxAge is how old an event may be and still be mailed about.
const DefaultMaxAge = 72 * time.Hour

// TimesheetMailerConfig configures the mailer. Store, Mail are required.
type TimesheetMailerConfig struct {
	Store eventstore.Store
	Mail  *mail.Dispatcher
	Links audience.Links
	// MaxAge: events recorded longer ago are marked handled without a mail,
	// so deploying the mailer on an old log, or rebuilding it, does not
	// flood anyone with history. Default DefaultMaxAge.
	MaxAge time.Duration
	// DependsOn names the projectors whose tables the mailer reads; it
	// handles an event only once they have passed it (see
	// TimesheetMailerDeps). Default TimesheetMailerDeps.
	DependsOn []string
	Now       func() time.Time
	Log       *slog.Logger
}

// TimesheetMailerDeps are the projectors whose tables TimesheetMailer
// reads: accounts (the recipients), placements (the tenants of a timesheet
// whose opening event predates them in the event) and the activation
// mailer (mail_recipient_names, to greet by name). The workers table needs
// no wait: a worker's name missing there is read from the worker's stream.
var TimesheetMailerDeps = []string{rmidentity.AccountsProjector, rmidentity.PlacementsProjector, ActivationMailerName}

// TimesheetMailer mails the workflow's turns:
//   - offered, and a step approved with a next step: the next party in the
//     approval chain ("Er staat een urenbriefje voor u klaar");
//   - rejected: whoever enters the hours, with the reason;
//   - finally approved: whoever entered them, unless they switched it off;
//   - reopened for a correction after import: whoever enters, with the
//     reason.
//
// At least once and never twice: the handled event ID is stored in
// notify_event_mails in the projector's transaction, and each recipient's
// delivery is keyed by (event ID, account ID). Reset empties nothing.
type TimesheetMailer struct{ cfg TimesheetMailerConfig }

// NewTimesheetMailer checks the config and fills in defaults.
func NewTimesheetMailer(cfg TimesheetMailerConfig) (*TimesheetMailer, error) {
	if cfg.Store == nil || cfg.Mail == nil {
		return nil, errors.New("notify/reactors: TimesheetMailer needs a Store and a Mail dispatcher")
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if len(cfg.DependsOn) == 0 {
		cfg.DependsOn = TimesheetMailerDeps
	}
	cfg.DependsOn = slices.Clone(cfg.DependsOn)
	cfg.Now, cfg.Log = orDefaults(cfg.Now, cfg.Log)
	return &TimesheetMailer{cfg: cfg}, nil
}

// orDefaults is what the mailers run with when given no clock (time.Now)
// or no logger (one that discards).
func orDefaults(clock func() time.Time, log *slog.Logger) (func() time.Time, *slog.Logger) {
	if clock == nil {
		clock = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return clock, log
}

// Name implements projections.Projector.
func (m *TimesheetMailer) Name() string { return TimesheetMailerName }

var _ projections.DependentProjector = (*TimesheetMailer)(nil)

// DependsOn implements projections.DependentProjector: while the accounts
// read model is rebuilt (or lags), an event would find no recipient and
// its mail would go to nobody; the runtime holds the event back until the
// projectors named have passed it.
func (m *TimesheetMailer) DependsOn() []string { return slices.Clone(m.cfg.DependsOn) }

// Handles implements projections.Projector.
func (m *TimesheetMailer) Handles(t string) bool {
	return t == timesheet.TypeOffered || t == timesheet.TypeStepApproved ||
		t == timesheet.TypeRejected || t == timesheet.TypeApproved || t == timesheet.TypeReopened
}

// Reset empties nothing: what was mailed stays mailed.
func (m *TimesheetMailer) Reset(context.Context, pgx.Tx) error { return nil }

// Handle implements projections.Projector.
func (m *TimesheetMailer) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	// An event that cannot be mailed about (undecodable, or in a stream
	// without its timesheet.opened) is marked handled with the reason and
	// logged: one bad event must not hold up every later mail. Database
	// errors do return, so the runtime retries them.
	skipped := ""
	ev, err := timesheet.Events.Decode(e.Type, e.Data)
	if err != nil {
		skipped = "undecodable"
		m.cfg.Log.ErrorContext(ctx, "notify/reactors: event not mailed", "event_id", e.ID, "type", e.Type, "err", err)
	}
	if skipped == "" && !e.Created.IsZero() && m.cfg.Now().Sub(e.Created) > m.cfg.MaxAge {
		skipped = "stale"
	}
	tag, err := tx.Exec(ctx, `INSERT INTO notify_event_mails (event_id, event_type, recipients, skipped, handled_at)
		VALUES ($1, $2, 0, $3, $4) ON CONFLICT (event_id) DO NOTHING`, e.ID, e.Type, skipped, m.cfg.Now())
	if err != nil {
		return fmt.Errorf("notify/reactors: unable to record event %s: %w", e.ID, err)
	}
	if tag.RowsAffected() == 0 || skipped != "" {
		return nil // handled before (a replay or rebuild), or too old to mail about
	}
	opened, err := m.opened(ctx, e.Stream)
	if errors.Is(err, errNoOpened) {
		m.cfg.Log.ErrorContext(ctx, "notify/reactors: event not mailed", "event_id", e.ID, "type", e.Type, "err", err)
		_, err = tx.Exec(ctx, `UPDATE notify_event_mails SET skipped = 'no_opened' WHERE event_id = $1`, e.ID)
		if err != nil {
			return fmt.Errorf("notify/reactors: unable to record event %s: %w", e.ID, err)
		}
		return nil
	}
	if err != nil {
		return err
	}
	sent := 0
	switch ev := ev.(type) {
	case *timesheet.Offered:
		sent, err = m.offered(ctx, tx, e, opened, ev.Next)
	case *timesheet.StepApproved:
		if ev.Next != "" {
			sent, err = m.offered(ctx, tx, e, opened, ev.Next)
		}
	case *timesheet.Rejected:
		sent, err = m.mailTo(ctx, tx, e, opened, opened.EnteredBy, func(r audience.Recipient, ref mail.TimesheetRef) (mail.Message, bool) {
			return mail.TimesheetRejectedMail(r.Language, r.Email, r.Name, ref, audience.PartyName(r.Language, ev.By), ev.Reason), true
		})
	case *timesheet.Approved:
		sent, err = m.mailTo(ctx, tx, e, opened, opened.EnteredBy, func(r audience.Recipient, ref mail.TimesheetRef) (mail.Message, bool) {
			return mail.TimesheetApprovedMail(r.Language, r.Email, r.Name, ref), r.ApprovedMail
		})
	case *timesheet.Reopened:
		sent, err = m.mailTo(ctx, tx, e, opened, opened.EnteredBy, func(r audience.Recipient, ref mail.TimesheetRef) (mail.Message, bool) {
			return mail.TimesheetReopenedMail(r.Language, r.Email, r.Name, ref, ev.Reason), true
		})
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE notify_event_mails SET recipients = $2 WHERE event_id = $1`, e.ID, sent); err != nil {
		return fmt.Errorf("notify/reactors: unable to record event %s: %w", e.ID, err)
	}
	if sent > 0 {
		m.cfg.Mail.Kick()
	}
	return nil
}

var errNoOpened = errors.New("notify/reactors: no timesheet.opened at the start of the stream")

// opened reads the timesheet stream's first event: it names the placement,
// week, tenants and who enters the hours.
func (m *TimesheetMailer) opened(ctx context.Context, stream string) (*timesheet.Opened, error) {
	evs, err := m.cfg.Store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{Max: 1})
	if errors.Is(err, eventstore.ErrStreamNotFound) || (err == nil && len(evs) == 0) {
		return nil, fmt.Errorf("%w: %s is empty", errNoOpened, stream)
	}
	if err != nil {
		return nil, fmt.Errorf("notify/reactors: unable to read %s: %w", stream, err)
	}
	ev, err := timesheet.Events.Decode(evs[0].Type, evs[0].Data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s@0: %v", errNoOpened, stream, err)
	}
	o, ok := ev.(*timesheet.Opened)
	if !ok {
		return nil, fmt.Errorf("%w: %s starts with %s", errNoOpened, stream, evs[0].Type)
	}
	return o, nil
}

// tenants of a timesheet; the read model fills in what old Opened events lack.
func tenants(ctx context.Context, tx pgx.Tx, o *timesheet.Opened) (audience.Tenants, error) {
	t := audience.Tenants{WorkerID: o.WorkerID, ClientID: o.ClientID, IntermediaryID: o.IntermediaryID}
	if t.WorkerID != "" && t.ClientID != "" && t.IntermediaryID != "" {
		return t, nil
	}
	err := tx.QueryRow(ctx, `SELECT worker_id, client_id, intermediary_id FROM placements WHERE placement_id = $1`, o.PlacementID).
		Scan(&t.WorkerID, &t.ClientID, &t.IntermediaryID)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return t, fmt.Errorf("notify/reactors: unable to read placement %s: %w", o.PlacementID, err)
	}
	return t, nil
}

func (m *TimesheetMailer) ref(ctx context.Context, tx pgx.Tx, o *timesheet.Opened, t audience.Tenants) (mail.TimesheetRef, error) {
	var worker string
	err := tx.QueryRow(ctx, `SELECT full_name FROM workers WHERE worker_id = $1`, t.WorkerID).Scan(&worker)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return mail.TimesheetRef{}, fmt.Errorf("notify/reactors: unable to read worker %s: %w", t.WorkerID, err)
	}
	if worker == "" && t.WorkerID != "" {
		// The workers read model is another projector's and may lag
		// behind this one (a first start, a rebuild): the name is in the
		// worker's first event, and never changes.
		if worker, err = m.workerName(ctx, t.WorkerID); err != nil {
			return mail.TimesheetRef{}, err
		}
	}
	if worker == "" {
		worker = o.PlacementID
	}
	return mail.TimesheetRef{Worker: worker, Week: o.Week.String(), Link: m.cfg.Links.Timesheet(o.PlacementID, o.Week)}, nil
}

// workerName reads the name from the worker's stream ("" when there is
// none to read).
func (m *TimesheetMailer) workerName(ctx context.Context, workerID string) (string, error) {
	evs, err := m.cfg.Store.ReadStream(ctx, worker.Stream(workerID), eventstore.ReadStreamOptions{Max: 1})
	if errors.Is(err, eventstore.ErrStreamNotFound) || (err == nil && len(evs) == 0) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("notify/reactors: unable to read worker %s: %w", workerID, err)
	}
	if ev, err := worker.Events.Decode(evs[0].Type, evs[0].Data); err == nil {
		if r, ok := ev.(*worker.Registered); ok {
			return r.Name.Full(), nil
		}
	}
	return "", nil
}

// offered mails the users of the role whose approval is next.
func (m *TimesheetMailer) offered(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, o *timesheet.Opened, next domain.Role) (int, error) {
	deadline := timesheet.ApprovalDeadline(o.Week)
	return m.mailTo(ctx, tx, e, o, next, func(r audience.Recipient, ref mail.TimesheetRef) (mail.Message, bool) {
		return mail.TimesheetOfferedMail(r.Language, r.Email, r.Name, ref, deadline), true
	})
}

// mailTo enqueues the mail build makes for each user of role in the
// timesheet's tenants (none for a user who switched it off) and returns
// how many it enqueued.
func (m *TimesheetMailer) mailTo(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, o *timesheet.Opened, role domain.Role,
	build func(audience.Recipient, mail.TimesheetRef) (mail.Message, bool)) (int, error) {
	t, err := tenants(ctx, tx, o)
	if err != nil {
		return 0, err
	}
	ref, err := m.ref(ctx, tx, o, t)
	if err != nil {
		return 0, err
	}
	rs, err := Audience(ctx, tx, role, t)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		msg, ok := build(r, ref)
		if !ok {
			continue // switched off by the user
		}
		msg.AccountID = r.AccountID
		if err := m.cfg.Mail.Enqueue(ctx, tx, DeliveryID(e.ID, r.AccountID), msg); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// DeliveryID keys one recipient's mail about one event.
func DeliveryID(eventID uuid.UUID, accountID string) uuid.UUID {
	return uuid.NewSHA1(eventID, []byte(accountID))
}
