// Package audience describes who a timesheet notice goes to (Tenants,
// Recipient: an enabled account of a role within a timesheet's tenants,
// with its language, name and notification settings), how a mail names a
// party, and the portal links the mails carry. Shared by the event mailer
// (notify/reactors), the scheduled reminders (notify/reminders) and the
// link mails (notify/linkmail). It reads no table: the query that finds
// the recipients is notify/reactors.Audience, whose package keeps the
// names it greets them by.
package audience

import (
	"context"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/domain/timesheet"
)

// Querier is a pgx.Tx, *pgxpool.Pool or *pgx.Conn (what
// notify/reactors.Audience reads through).
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// RowQuerier is a pgx.Tx, *pgxpool.Pool or *pgx.Conn (what
// notify/reactors.RecipientName reads through).
type RowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Tenants are the IDs a timesheet belongs to.
type Tenants struct {
	WorkerID, ClientID, IntermediaryID string
}

// Recipient is one account that may be mailed (notify/reactors.Audience).
type Recipient struct {
	AccountID, Email, Language, Name string
	// Settings (notify_settings; on when the user never changed them).
	ApprovedMail, Reminders bool
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
