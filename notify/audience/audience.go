// Package audience finds who a timesheet notice goes to: the enabled
// accounts of a role within a timesheet's tenants, with their language,
// name and notification settings, and the portal links the mails carry.
// Shared by the event mailer (notify/reactors) and the scheduled reminders
// (notify/reminders).
package audience

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/domain/timesheet"
)

// Querier is a pgx.Tx, *pgxpool.Pool or *pgx.Conn.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Tenants are the IDs a timesheet belongs to.
type Tenants struct {
	WorkerID, ClientID, IntermediaryID string
}

// Recipient is one account that may be mailed.
type Recipient struct {
	AccountID, Email, Language, Name string
	// Settings (notify_settings; on when the user never changed them).
	ApprovedMail, Reminders bool
}

// Of returns the enabled accounts of role within t, ordered by account ID.
// The back office is one tenant: every back-office account. Roles without
// accounts in the portal (payroll, auditor, system) return nobody.
func Of(ctx context.Context, q Querier, role domain.Role, t Tenants) ([]Recipient, error) {
	var cond string
	var id string
	switch role {
	case domain.RoleWorker:
		cond, id = "a.worker_id = $2", t.WorkerID
	case domain.RoleClient:
		cond, id = "a.client_id = $2", t.ClientID
	case domain.RoleIntermediary:
		cond, id = "a.intermediary_id = $2", t.IntermediaryID
	case domain.RoleBackoffice:
		cond = "$2 = ''"
	default:
		return nil, nil
	}
	if role != domain.RoleBackoffice && id == "" {
		return nil, nil
	}
	rows, err := q.Query(ctx, `
		SELECT a.account_id, a.email, a.language, coalesce(n.name, ''),
		       coalesce(s.approved_mail, true), coalesce(s.reminders, true)
		FROM accounts a
		LEFT JOIN mail_recipient_names n ON n.email = a.email
		LEFT JOIN notify_settings s ON s.account_id = a.account_id
		WHERE a.role = $1 AND NOT a.disabled AND `+cond+`
		ORDER BY a.account_id`, string(role), id)
	if err != nil {
		return nil, fmt.Errorf("notify/audience: unable to list %s accounts: %w", role, err)
	}
	var out []Recipient
	var r Recipient
	_, err = pgx.ForEachRow(rows, []any{&r.AccountID, &r.Email, &r.Language, &r.Name, &r.ApprovedMail, &r.Reminders},
		func() error { out = append(out, r); return nil })
	if err != nil {
		return nil, fmt.Errorf("notify/audience: unable to list %s accounts: %w", role, err)
	}
	return out, nil
}

// PartyName is how a mail names a role ("de opdrachtgever").
func PartyName(lang string, role domain.Role) string {
	en := strings.HasPrefix(lang, "en")
	names := map[domain.Role][2]string{
		domain.RoleWorker:       {"de werknemer", "the worker"},
		domain.RoleClient:       {"de opdrachtgever", "the client"},
		domain.RoleIntermediary: {"de intermediair", "the intermediary"},
		domain.RoleBackoffice:   {"het backofficebureau", "the back office"},
	}
	n, ok := names[role]
	if !ok {
		return string(role)
	}
	if en {
		return n[1]
	}
	return n[0]
}

// Links builds the portal URLs the mails carry, from BACKOFFICE_PUBLIC_URL.
type Links struct{ base string }

// NewLinks returns links under baseURL ("https://portal.example.nl").
func NewLinks(baseURL string) Links { return Links{base: strings.TrimRight(baseURL, "/")} }

// Timesheet is the timesheet's page (http/portal/routes.go: the sheet route).
func (l Links) Timesheet(placementID string, w timesheet.ISOWeek) string {
	return l.base + "/plaatsingen/" + url.PathEscape(placementID) + "/weken/" + w.String()
}

// MissingHours is the missing-hours overview of week w
// (http/portal/routes.go: /ontbrekende-uren).
func (l Links) MissingHours(w timesheet.ISOWeek) string {
	return l.base + "/ontbrekende-uren?week=" + url.QueryEscape(w.String())
}

// Timesheets is the timesheet list.
func (l Links) Timesheets() string { return l.base + "/urenbriefjes" }

// RowQuerier is a pgx.Tx, *pgxpool.Pool or *pgx.Conn.
type RowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// RecipientName is the name to greet someone by in a mail ("" when
// unknown): the contact and worker names the activation mailer remembers
// by e-mail address (mail_recipient_names).
func RecipientName(ctx context.Context, q RowQuerier, email string) (string, error) {
	var name string
	err := q.QueryRow(ctx, `SELECT name FROM mail_recipient_names WHERE email = $1`, email).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("audience: unable to read the recipient's name: %w", err)
	}
	return name, nil
}
