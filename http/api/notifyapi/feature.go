// Package notifyapi is the notifications slice of the JSON API (/api/v1):
//
//	GET  /me/notification-settings          the caller's mail settings
//	PUT  /me/notification-settings          {"approved_mail": bool, "reminders": bool}
//	GET  /missing-hours?week=&client=&format=csv
//	                                        placements × past weeks without offered hours
//	GET  /mail-deliveries/failed            back office: mails that gave up, with the error
//	POST /mail-deliveries/{id}/retry        back office: queue a failed mail again
//	GET  /sms-deliveries/failed             back office: text messages that gave up (masked number)
//
// The missing-hours overview answers within the caller's scope (back office
// all, an intermediary its clients, a client its own placements); workers
// and integrations get 403. See docs/notifications.md.
package notifyapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/http/api"
	"backoffice/http/httpx"
	"backoffice/notify/mail"
	"backoffice/notify/missing"
	"backoffice/notify/prefs"
	"backoffice/notify/queue"
	"backoffice/notify/sms"
	"backoffice/readmodel/paging"
)

// DefaultWeeks is how many past weeks the overview shows without a week filter.
const DefaultWeeks = missing.DefaultWeeks

// Deps are the feature's collaborators; Pool and Mail are required.
type Deps struct {
	Pool *pgxpool.Pool
	Mail *mail.Dispatcher
	// SMS is the text-message queue; nil without a gateway (then no SMS
	// is ever queued and the failed list is empty).
	SMS   *sms.Dispatcher
	Clock func() time.Time
}

// Feature is the notifications API. It implements api.Feature.
type Feature struct {
	mail     *mail.Dispatcher
	sms      *sms.Dispatcher
	prefs    *prefs.Store
	overview *missing.Overview
}

var _ api.Feature = (*Feature)(nil)

// New builds the feature, refusing missing dependencies.
func New(d Deps) (*Feature, error) {
	if d.Pool == nil || d.Mail == nil {
		return nil, errors.New("notifyapi: Pool and Mail are required")
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	return &Feature{mail: d.Mail, sms: d.SMS, prefs: prefs.New(d.Pool, d.Clock), overview: missing.NewOverview(d.Pool, d.Clock)}, nil
}

// Routes registers the feature's routes on the /api/v1 subrouter.
func (f *Feature) Routes(r *mux.Router, s *api.Server) {
	r.Handle("/me/notification-settings", f.handleGetSettings(s)).Methods(http.MethodGet)
	r.Handle("/me/notification-settings", f.handlePutSettings(s)).Methods(http.MethodPut)
	r.Handle("/missing-hours", f.handleMissing(s)).Methods(http.MethodGet)
	r.Handle("/mail-deliveries/failed", f.handleFailed(s, f.mail.FailedPage)).Methods(http.MethodGet)
	r.Handle("/mail-deliveries/{id}/retry", f.handleRetry(s)).Methods(http.MethodPost)
	var smsFailed func(context.Context, paging.Request) ([]queue.Delivery, string, error)
	if f.sms != nil {
		smsFailed = f.sms.FailedPage
	}
	r.Handle("/sms-deliveries/failed", f.handleFailed(s, smsFailed)).Methods(http.MethodGet)
}

func portalUser(a domain.Actor) bool {
	switch a.Role {
	case domain.RoleWorker, domain.RoleClient, domain.RoleIntermediary, domain.RoleBackoffice:
		return a.AccountID != ""
	}
	return false
}

var errNotPortalUser = domain.Forbidden("forbidden_role", "only portal users have notification settings",
	"Alleen gebruikers van de portal hebben meldingsinstellingen.")

func (f *Feature) handleGetSettings(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, nil, func(ctx context.Context, a domain.Actor) (any, error) {
			if !portalUser(a) {
				return nil, errNotPortalUser
			}
			return f.prefs.Get(ctx, a.AccountID)
		})
	})
}

// settingsBody requires both fields, so a typo cannot switch one off.
type settingsBody struct {
	ApprovedMail *bool `json:"approved_mail"`
	Reminders    *bool `json:"reminders"`
}

func (b *settingsBody) Validate() error {
	if b.ApprovedMail == nil {
		return domain.Invalid("field_required", "approved_mail", "approved_mail is required (true or false)", "approved_mail ontbreekt (true of false).")
	}
	if b.Reminders == nil {
		return domain.Invalid("field_required", "reminders", "reminders is required (true or false)", "reminders ontbreekt (true of false).")
	}
	return nil
}

func (f *Feature) handlePutSettings(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.Actor(w, r)
		if !ok {
			return
		}
		if !portalUser(a) {
			s.Error(w, r, errNotPortalUser)
			return
		}
		body, err := httpx.Decode[settingsBody](w, r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		v := prefs.Settings{ApprovedMail: *body.ApprovedMail, Reminders: *body.Reminders}
		if err := f.prefs.Set(r.Context(), a.AccountID, v); err != nil {
			s.Error(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, v)
	})
}

// MissingReport is the overview's JSON.
type MissingReport struct {
	Weeks     []ts.ISOWeek            `json:"weeks"`
	Rows      []MissingRow            `json:"rows"`
	PerClient []missing.ClientSummary `json:"per_client"`
}

// MissingRow is one placement-week without offered hours.
type MissingRow struct {
	missing.Row
	LateHours int `json:"late_hours"`
}

func (f *Feature) missing(ctx context.Context, a domain.Actor, r *http.Request) (MissingReport, error) {
	if _, err := missing.ScopeFor(a); err != nil {
		return MissingReport{}, err
	}
	q := r.URL.Query()
	switch q.Get("format") {
	case "", "json", "csv":
	default:
		return MissingReport{}, domain.Invalid("format_invalid", "format", "format must be json or csv", "format moet json of csv zijn.")
	}
	var weeks []ts.ISOWeek
	if v := q.Get("week"); v != "" {
		wk, err := ts.ParseISOWeek(v)
		if err != nil || !wk.Valid() {
			return MissingReport{}, domain.Invalid("week_invalid", "week", "week must be an ISO week such as 2026-W05", "week moet een week zijn zoals 2026-W05.")
		}
		weeks = []ts.ISOWeek{wk}
	}
	rep, err := f.overview.For(ctx, a, weeks, q.Get("client"))
	if err != nil {
		return MissingReport{}, err
	}
	out := MissingReport{Weeks: rep.Weeks, Rows: make([]MissingRow, len(rep.Rows)), PerClient: rep.PerClient}
	for i, row := range rep.Rows {
		out.Rows[i] = MissingRow{Row: row, LateHours: row.LateHours()}
	}
	return out, nil
}

func (f *Feature) handleMissing(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("format") != "csv" {
			s.Query(w, r, nil, func(ctx context.Context, a domain.Actor) (any, error) { return f.missing(ctx, a, r) })
			return
		}
		a, ok := s.Actor(w, r)
		if !ok {
			return
		}
		rep, err := f.missing(r.Context(), a, r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		rows := make([]missing.Row, len(rep.Rows))
		for i, row := range rep.Rows {
			rows[i] = row.Row
		}
		if err := httpx.WriteCSV(w, "ontbrekende-uren.csv", missing.CSVHeader, missing.CSVRecords(rows)); err != nil {
			s.Log.ErrorContext(r.Context(), "notifyapi: unable to send the missing-hours CSV", "request_id", httpx.RequestID(r.Context()), "err", err)
		}
	})
}

var errBackofficeOnly = domain.Forbidden("forbidden_role", "only the back office sees mail deliveries",
	"Alleen het backofficebureau ziet de verzending van mails.")

// FailedDelivery is one mail or text message that gave up. The message
// itself is never shown (a mail may hold a single-use link, a text a
// TAN); a text's Recipient is its masked number. A TAN message that gave
// up was mailed instead (notify/reactors).
type FailedDelivery struct {
	ID        uuid.UUID `json:"id"`
	Recipient string    `json:"recipient"`
	Kind      string    `json:"kind"`
	Attempts  int       `json:"attempts"`
	Error     string    `json:"error"`
	QueuedAt  time.Time `json:"queued_at"`
}

// failedPage is one page of a failed list; NextCursor names the next
// page (absent on the last).
type failedPage struct {
	Deliveries []FailedDelivery `json:"deliveries"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// handleFailed lists one page of a queue's failed deliveries for the back
// office (list nil: no such queue, none), newest first: ?limit= (default
// 100, at most 500) and ?cursor= (readmodel/paging).
func (f *Feature) handleFailed(s *api.Server, list func(context.Context, paging.Request) ([]queue.Delivery, string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, nil, func(ctx context.Context, a domain.Actor) (any, error) {
			if a.Role != domain.RoleBackoffice {
				return nil, errBackofficeOnly
			}
			page, err := paging.Parse(r.URL.Query().Get("limit"), r.URL.Query().Get("cursor"))
			if err != nil {
				return nil, err
			}
			out := failedPage{Deliveries: []FailedDelivery{}}
			if list == nil {
				return out, nil
			}
			ds, next, err := list(ctx, page)
			if err != nil {
				return nil, err
			}
			for _, d := range ds {
				out.Deliveries = append(out.Deliveries, FailedDelivery{ID: d.EventID, Recipient: d.Recipient, Kind: d.Kind,
					Attempts: d.Attempts, Error: d.LastError, QueuedAt: d.QueuedAt})
			}
			out.NextCursor = next
			return out, nil
		})
	})
}

func (f *Feature) handleRetry(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.Actor(w, r)
		if !ok {
			return
		}
		if a.Role != domain.RoleBackoffice {
			s.Error(w, r, errBackofficeOnly)
			return
		}
		id, err := uuid.Parse(mux.Vars(r)["id"])
		if err != nil {
			s.Error(w, r, domain.ErrNotFound)
			return
		}
		if err := f.mail.Retry(r.Context(), id); err != nil {
			if errors.Is(err, mail.ErrNoSuchDelivery) {
				err = domain.NotFound("delivery_not_found", "There is no failed mail with this ID.", "Geen mislukte mail met dit kenmerk.")
			}
			s.Error(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusAccepted, map[string]string{"id": id.String(), "status": mail.StatusPending})
	})
}
