package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/domain/account"
)

// ActorNames returns the display names (see DisplayName) of the accounts
// that acted, as far as viewer may see them: the back office, auditors and
// payroll see every name (the auditor no e-mail address: an account whose
// only name is its address is absent for it); anyone else their own, and those of accounts
// within their scope: a client user the users and workers of their client,
// an intermediary user the users of the intermediary and of its clients and
// their workers, a worker themself. Up the chain, a worker also sees the
// users of their client and of its intermediary, and a client user those of
// their intermediary: the people who enter, approve or reject their hours
// (issue 16 §10: the history's "Wie"). Staff accounts have no tenant, so
// their names stay hidden from tenants (the history shows their role). An
// account not shown is absent from the map.
func (q *Queries) ActorNames(ctx context.Context, viewer domain.Actor, accountIDs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(accountIDs) == 0 {
		return out, nil
	}
	up, err := q.chainOf(ctx, viewer)
	if err != nil {
		return nil, err
	}
	rows, err := q.pool.Query(ctx, `SELECT a.account_id, a.role,
			coalesce(nullif(CASE a.role
				WHEN 'worker' THEN w.full_name
				WHEN 'client' THEN c.contact_name
				WHEN 'intermediary' THEN i.contact_name
			END, ''), CASE WHEN $2 THEN a.email ELSE '' END),
			CASE a.role WHEN 'worker' THEN a.worker_id ELSE '' END,
			CASE a.role WHEN 'worker' THEN coalesce(w.client_id, '') WHEN 'client' THEN a.client_id ELSE '' END,
			CASE a.role WHEN 'worker' THEN coalesce(wc.intermediary_id, '') WHEN 'client' THEN coalesce(cc.intermediary_id, '')
				WHEN 'intermediary' THEN a.intermediary_id ELSE '' END
		FROM accounts a
		LEFT JOIN workers w ON a.role = 'worker' AND w.worker_id = a.worker_id
		LEFT JOIN clients wc ON wc.client_id = w.client_id
		LEFT JOIN clients c ON a.role = 'client' AND c.client_id = a.client_id AND lower(c.contact_email) = a.email
		LEFT JOIN clients cc ON a.role = 'client' AND cc.client_id = a.client_id
		LEFT JOIN intermediaries i ON a.role = 'intermediary' AND i.intermediary_id = a.intermediary_id
			AND lower(i.contact_email) = a.email
		WHERE a.account_id = ANY($1)`, accountIDs, account.CanSeeEmail(viewer))
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read actor names: %w", err)
	}
	defer rows.Close()
	scope := account.ScopeOf(viewer)
	for rows.Next() {
		var id, role, name string
		var ref account.PlacementRef
		if err := rows.Scan(&id, &role, &name, &ref.WorkerID, &ref.ClientID, &ref.IntermediaryID); err != nil {
			return nil, fmt.Errorf("readmodel/identity: unable to read actor names: %w", err)
		}
		if name != "" && (id == viewer.AccountID || scope.Admits(ref) || up.admits(domain.Role(role), ref)) {
			out[id] = name
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read actor names: %w", err)
	}
	return out, nil
}

// chain is the client and intermediary above a worker or client user.
type chain struct{ clientID, intermediaryID string }

func (c chain) admits(role domain.Role, ref account.PlacementRef) bool {
	switch role {
	case domain.RoleClient:
		return c.clientID != "" && ref.ClientID == c.clientID
	case domain.RoleIntermediary:
		return c.intermediaryID != "" && ref.IntermediaryID == c.intermediaryID
	}
	return false
}

// chainOf reads the client and intermediary above viewer (none for other
// roles).
func (q *Queries) chainOf(ctx context.Context, viewer domain.Actor) (chain, error) {
	var c chain
	var err error
	switch {
	case viewer.Role == domain.RoleWorker && viewer.WorkerID != "":
		err = q.pool.QueryRow(ctx, `SELECT w.client_id, coalesce(c.intermediary_id, '')
			FROM workers w LEFT JOIN clients c ON c.client_id = w.client_id WHERE w.worker_id = $1`,
			viewer.WorkerID).Scan(&c.clientID, &c.intermediaryID)
	case viewer.Role == domain.RoleClient && viewer.ClientID != "":
		c.clientID = viewer.ClientID
		err = q.pool.QueryRow(ctx, `SELECT intermediary_id FROM clients WHERE client_id = $1`, viewer.ClientID).Scan(&c.intermediaryID)
	default:
		return chain{}, nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return chain{}, nil
	}
	if err != nil {
		return chain{}, fmt.Errorf("readmodel/identity: unable to read the chain of %s: %w", viewer.Role, err)
	}
	return c, nil
}
