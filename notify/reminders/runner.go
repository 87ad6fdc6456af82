// Package reminders sends the weekly reminders of the two deadlines (hours
// entered before Tuesday, approved before Wednesday 10:00), on the plan of
// notify/schedule, in Europe/Amsterdam time:
//
//   - Monday 09:00, KindEntry: to whoever enters the hours, one mail per
//     recipient listing each active placement whose previous week is not
//     offered;
//   - Tuesday 09:00, KindMissing: to the intermediary and the client, the
//     placements whose previous week is still missing (and so late);
//   - Wednesday 08:00, KindApproval: to each approver, the offered
//     timesheets that wait for them, before the 10:00 deadline.
//
// One instance runs the schedule (a PostgreSQL advisory lock, like the
// projectors); none is sent twice even without the lock: each reminder is a
// row keyed by (kind, week, recipient) in notify_reminders, inserted in the
// same transaction that queues the mail. A crash mid-run leaves the
// recipients done so far done; the next tick (after a restart, or on the
// standby instance) sends to the rest.
//
// A run reads several read models (ReadModelProjectors). While one of them
// is rebuilt or lags, a reminder would go to nobody or list half the weeks,
// and would never be sent again (its row says sent): with
// Config.ReadModels each run first waits until they have passed the head
// of the log and keeps a rebuild out while it reads, or is put off to the
// next tick (Poll) with a log line; the 12-hour window leaves room.
package reminders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/timesheet"
	"backoffice/notify/audience"
	"backoffice/notify/mail"
	"backoffice/notify/missing"
	"backoffice/notify/reactors"
	"backoffice/notify/schedule"
	"backoffice/projections"
	rmidentity "backoffice/readmodel/identity"
	"backoffice/readmodel/missingweeks"
	rmtimesheets "backoffice/readmodel/timesheets"
)

// Config configures a Runner. Pool and Mail are required.
type Config struct {
	Pool  *pgxpool.Pool
	Mail  *mail.Dispatcher
	Links audience.Links
	// Plan is when each kind is due and whether it is on. Default
	// schedule.DefaultPlan().
	Plan schedule.Plan
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Poll is how often Run looks at the clock (default 1 min).
	Poll time.Duration
	Log  *slog.Logger
	// ReadModels, when set, is how a run reads the read models it sends
	// from (the app's *projections.Runtime; see the package doc). Without
	// it a run reads the pool as it finds it (tests of a settled data set).
	ReadModels ReadModels
}

// ReadModels reads read models once their projectors have passed the head
// of the log, keeping rebuilds out meanwhile: (*projections.Runtime).ReadCaughtUp.
type ReadModels interface {
	ReadCaughtUp(ctx context.Context, names []string, read func(pgx.Tx) error) error
}

// ReadModelProjectors are the projectors whose tables a run reads: the
// recipients (accounts) and their names (the activation mailer's
// mail_recipient_names), the missing weeks and the offered timesheets, and
// the names and agreements those lists show.
var ReadModelProjectors = []string{rmidentity.AccountsProjector, rmidentity.WorkersProjector, rmidentity.ClientsProjector,
	rmidentity.IntermediariesProjector, rmidentity.PlacementsProjector, rmtimesheets.NameTimesheets, missingweeks.Name,
	reactors.ActivationMailerName}

// Runner sends due reminders.
type Runner struct{ cfg Config }

// ReadFrom sets Config.ReadModels (the app builds its projections runtime
// after the runner). Call it before Run.
func (r *Runner) ReadFrom(rm ReadModels) { r.cfg.ReadModels = rm }

// New checks the config and fills in defaults.
func New(cfg Config) (*Runner, error) {
	if cfg.Pool == nil || cfg.Mail == nil {
		return nil, errors.New("notify/reminders: Config needs a Pool and a Mail dispatcher")
	}
	if cfg.Plan == nil {
		cfg.Plan = schedule.DefaultPlan()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Runner{cfg: cfg}, nil
}

const lockSQL = `SELECT pg_try_advisory_lock(hashtextextended('backoffice.notify:reminders', 0))`

// Run ticks every Poll while this process holds the reminders' advisory
// lock, and tries to take it over every Poll while another holds it. It
// returns nil when ctx ends.
func (r *Runner) Run(ctx context.Context) error {
	t := time.NewTicker(r.cfg.Poll)
	defer t.Stop()
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			_ = conn.Close(context.WithoutCancel(ctx)) // closing the session frees the lock
		}
	}()
	for {
		held, c, err := r.hold(ctx, conn)
		conn = c
		if err != nil && ctx.Err() == nil {
			r.cfg.Log.ErrorContext(ctx, "notify/reminders: lock", "err", err)
		}
		if held {
			if _, err := r.Tick(ctx); err != nil && ctx.Err() == nil {
				r.cfg.Log.ErrorContext(ctx, "notify/reminders: tick failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// hold returns whether this process holds the lock, on a dedicated session
// (reused while alive; a dead one is dropped so the lock is retaken).
func (r *Runner) hold(ctx context.Context, conn *pgx.Conn) (bool, *pgx.Conn, error) {
	if conn != nil {
		if err := conn.Ping(ctx); err == nil {
			return true, conn, nil
		}
		_ = conn.Close(context.WithoutCancel(ctx))
		conn = nil
	}
	pc, err := r.cfg.Pool.Acquire(ctx)
	if err != nil {
		return false, nil, err
	}
	conn = pc.Hijack()
	var ok bool
	if err := conn.QueryRow(ctx, lockSQL).Scan(&ok); err != nil || !ok {
		_ = conn.Close(context.WithoutCancel(ctx))
		return false, nil, err
	}
	return true, conn, nil
}

// Tick sends every reminder due at the clock's now that was not sent yet,
// and returns how many mails it queued. Safe to call from several
// processes at once: the unique key decides who sends.
func (r *Runner) Tick(ctx context.Context) (int, error) {
	now := r.cfg.Now()
	total := 0
	for _, due := range r.cfg.Plan.DueNow(now) {
		var batches []batch
		err := r.read(ctx, func(q audience.Querier) error {
			var err error
			batches, err = r.collect(ctx, q, due, now)
			return err
		})
		if errors.Is(err, projections.ErrWaitTimeout) || errors.Is(err, projections.ErrReadModelsMoved) {
			r.cfg.Log.WarnContext(ctx, "notify/reminders: put off to the next tick: a read model they are sent from is being rebuilt, failing or behind",
				"kind", due.Kind, "week", due.Week.String(), "err", err)
			continue
		}
		if err != nil {
			return total, err
		}
		for _, b := range batches {
			sent, err := r.send(ctx, due, b, now)
			if err != nil {
				return total, err
			}
			if sent {
				total++
			}
		}
	}
	if total > 0 {
		r.cfg.Mail.Kick()
	}
	return total, nil
}

// read runs collect on the read models: settled (ReadModels), or the pool.
func (r *Runner) read(ctx context.Context, collect func(audience.Querier) error) error {
	if r.cfg.ReadModels == nil {
		return collect(r.cfg.Pool)
	}
	return r.cfg.ReadModels.ReadCaughtUp(ctx, ReadModelProjectors, func(tx pgx.Tx) error { return collect(tx) })
}

// item is one line of a reminder before it is put in the recipient's language.
type item struct {
	placementID string
	week        timesheet.ISOWeek
	worker      string
	late        bool // past the deadline the reminder is about
}

type batch struct {
	to    audience.Recipient
	items []item
}

// collect groups what is due by recipient, ordered by account ID.
func (r *Runner) collect(ctx context.Context, q audience.Querier, due schedule.Due, now time.Time) ([]batch, error) {
	prev := due.Week.Prev()
	by := map[string]*batch{}
	cache := map[string][]audience.Recipient{}
	add := func(role domain.Role, t audience.Tenants, it item) error {
		key := string(role) + "\x00" + t.WorkerID + "\x00" + t.ClientID + "\x00" + t.IntermediaryID
		rs, ok := cache[key]
		if !ok {
			var err error
			if rs, err = reactors.Audience(ctx, q, role, t); err != nil {
				return err
			}
			cache[key] = rs
		}
		for _, rc := range rs {
			if !rc.Reminders {
				continue // switched off by the user
			}
			b := by[rc.AccountID]
			if b == nil {
				b = &batch{to: rc}
				by[rc.AccountID] = b
			}
			b.items = append(b.items, it)
		}
		return nil
	}
	switch due.Kind {
	case schedule.KindEntry, schedule.KindMissing:
		rows, err := missing.Query(ctx, q, missing.Filter{Scope: account.Scope{Kind: account.ScopeAll}, Weeks: []timesheet.ISOWeek{prev}}, now)
		if err != nil {
			return nil, err
		}
		for _, m := range rows {
			it := item{placementID: m.PlacementID, week: m.Week, worker: m.WorkerName, late: m.LateBy > 0}
			t := audience.Tenants{WorkerID: m.WorkerID, ClientID: m.ClientID, IntermediaryID: m.IntermediaryID}
			if due.Kind == schedule.KindEntry {
				if m.EnteredBy == "" {
					continue // no agreement: nobody known to enter
				}
				err = add(domain.Role(m.EnteredBy), audience.Tenants{WorkerID: m.WorkerID, ClientID: m.ClientID}, it)
			} else {
				err = add(domain.RoleIntermediary, audience.Tenants{IntermediaryID: t.IntermediaryID}, it)
				if err == nil {
					err = add(domain.RoleClient, audience.Tenants{ClientID: t.ClientID}, it)
				}
			}
			if err != nil {
				return nil, err
			}
		}
	case schedule.KindApproval:
		waiting, err := r.waiting(ctx, q, prev)
		if err != nil {
			return nil, err
		}
		for _, w := range waiting {
			it := item{placementID: w.placementID, week: w.week, worker: w.worker, late: w.week != prev}
			if err := add(w.next, w.tenants, it); err != nil {
				return nil, err
			}
		}
	}
	out := make([]batch, 0, len(by))
	for _, b := range by {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].to.AccountID < out[j].to.AccountID })
	return out, nil
}

type offered struct {
	placementID string
	week        timesheet.ISOWeek
	worker      string
	next        domain.Role
	tenants     audience.Tenants
}

// waiting lists the offered timesheets of week prev and before, with the
// party whose turn it is.
func (r *Runner) waiting(ctx context.Context, q audience.Querier, prev timesheet.ISOWeek) ([]offered, error) {
	rows, err := q.Query(ctx, `
		SELECT t.placement_id, t.iso_year, t.iso_week, coalesce(w.full_name, ''), t.next_party,
		       t.worker_id, t.client_id, t.intermediary_id
		FROM ts_timesheets t LEFT JOIN workers w ON w.worker_id = t.worker_id
		WHERE t.status = 'offered' AND t.next_party IS NOT NULL AND t.week_start <= $1::date
		ORDER BY t.week_start, t.placement_id`, prev.Start().String())
	if err != nil {
		return nil, fmt.Errorf("notify/reminders: unable to list offered timesheets: %w", err)
	}
	var out []offered
	var o offered
	var y, n int32
	var next string
	_, err = pgx.ForEachRow(rows, []any{&o.placementID, &y, &n, &o.worker, &next, &o.tenants.WorkerID, &o.tenants.ClientID, &o.tenants.IntermediaryID},
		func() error {
			o.week, o.next = timesheet.ISOWeek{Year: int(y), Week: int(n)}, domain.Role(next)
			out = append(out, o)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("notify/reminders: unable to list offered timesheets: %w", err)
	}
	return out, nil
}

// DeliveryID keys the mail of one reminder: (kind, week, account).
func DeliveryID(kind string, week timesheet.ISOWeek, accountID string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte(kind+"\x00"+week.String()+"\x00"+accountID))
}

var namespace = uuid.MustParse("6f1d0a52-5c55-4d0e-9b7e-2f3c8d1e4a90")

// send records and queues one recipient's reminder in one transaction;
// false when it was sent before.
func (r *Runner) send(ctx context.Context, due schedule.Due, b batch, now time.Time) (bool, error) {
	id := DeliveryID(due.Kind, due.Week, b.to.AccountID)
	msg := r.render(due, b)
	msg.AccountID = b.to.AccountID
	tx, err := r.cfg.Pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("notify/reminders: unable to begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // no-op after commit
	tag, err := tx.Exec(ctx, `INSERT INTO notify_reminders (kind, week, account_id, delivery_id, items, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, due.Kind, due.Week.String(), b.to.AccountID, id, len(b.items), now)
	if err != nil {
		return false, fmt.Errorf("notify/reminders: unable to record %s for %s: %w", due.Kind, due.Week, err)
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	if err := r.cfg.Mail.Enqueue(ctx, tx, id, msg); err != nil {
		return false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("notify/reminders: unable to commit %s for %s: %w", due.Kind, due.Week, err)
	}
	return true, nil
}

func (r *Runner) render(due schedule.Due, b batch) mail.Message {
	lang := b.to.Language
	en := len(lang) >= 2 && lang[:2] == "en"
	refs := make([]mail.TimesheetRef, len(b.items))
	for i, it := range b.items {
		ref := mail.TimesheetRef{Worker: it.worker, Week: it.week.String(), Link: r.cfg.Links.Timesheet(it.placementID, it.week)}
		if ref.Worker == "" {
			ref.Worker = it.placementID
		}
		if it.late {
			ref.Note = "te laat"
			if en {
				ref.Note = "late"
			}
		}
		refs[i] = ref
	}
	prev := due.Week.Prev()
	switch due.Kind {
	case schedule.KindEntry:
		return mail.ReminderEntryMail(lang, b.to.Email, b.to.Name, refs, timesheet.EntryDeadline(prev), r.cfg.Links.Timesheets())
	case schedule.KindMissing:
		return mail.ReminderMissingMail(lang, b.to.Email, b.to.Name, refs, r.cfg.Links.MissingHours(prev))
	default:
		return mail.ReminderApprovalMail(lang, b.to.Email, b.to.Name, refs, timesheet.ApprovalDeadline(prev), r.cfg.Links.Timesheets())
	}
}

// PlanFromDefaults is schedule.DefaultPlan, for callers that only import this package.
func PlanFromDefaults() schedule.Plan { return schedule.DefaultPlan() }
