package reactors

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/notify/audience"
	"backoffice/notify/prefs"
)

// Audience returns the enabled accounts of role within t, ordered by
// account ID, with their language, the name to greet them by (this
// package's memory, RecipientNames) and their notification settings
// (notify/prefs): who a timesheet notice goes to, for the timesheet mailer
// and the weekly reminders (notify/reminders). The back office is one
// tenant: every back-office account. Roles without accounts in the portal
// (payroll, auditor, system) return nobody. One statement: the accounts
// read model joined with the names and, through prefs.Joined, the
// settings.
func Audience(ctx context.Context, q audience.Querier, role domain.Role, t audience.Tenants) ([]audience.Recipient, error) {
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
	settings, settingsCols := prefs.Joined("a.account_id")
	rows, err := q.Query(ctx, `
		SELECT a.account_id, a.email, a.language, coalesce(n.name, ''), `+settingsCols+`
		FROM accounts a
		LEFT JOIN mail_recipient_names n ON n.email = a.email
		`+settings+`
		WHERE a.role = $1 AND NOT a.disabled AND `+cond+`
		ORDER BY a.account_id`, string(role), id)
	if err != nil {
		return nil, fmt.Errorf("notify/reactors: unable to list %s accounts: %w", role, err)
	}
	var out []audience.Recipient
	var r audience.Recipient
	_, err = pgx.ForEachRow(rows, []any{&r.AccountID, &r.Email, &r.Language, &r.Name, &r.ApprovedMail, &r.Reminders},
		func() error { out = append(out, r); return nil })
	if err != nil {
		return nil, fmt.Errorf("notify/reactors: unable to list %s accounts: %w", role, err)
	}
	return out, nil
}
