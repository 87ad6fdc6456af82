package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/domain/account"
)

// The back office's own views of a client: every agreement version and
// every login, blocked ones included. The auditor reads them too (the
// agreements in force in past weeks; the logins without their addresses,
// as in AccountsPage). Anyone else gets domain.ErrNotFound, so the answer
// says nothing about the client.

// AgreementVersions lists every agreement of a client in date order, the
// past ones included (Client shows only today's and the upcoming).
func (q *Queries) AgreementVersions(ctx context.Context, a domain.Actor, clientID string) ([]Agreement, error) {
	if !readsAccounts(a) {
		return nil, domain.ErrNotFound
	}
	rows, err := q.pool.Query(ctx, `SELECT effective_from, agreement FROM client_agreements
		WHERE client_id = $1 ORDER BY effective_from`, clientID)
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read agreement versions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Agreement, error) {
		var from time.Time
		var ag Agreement
		err := r.Scan(&from, &ag)
		ag.EffectiveFrom = from.Format(time.DateOnly)
		return ag, err
	})
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read agreement versions: %w", err)
	}
	return out, nil
}

// WorkerAccounts lists a worker's logins (back office and auditor, like
// ClientAccounts), blocked and not yet activated ones included.
func (q *Queries) WorkerAccounts(ctx context.Context, a domain.Actor, workerID string) ([]Account, error) {
	if !readsAccounts(a) {
		return nil, domain.ErrNotFound
	}
	return q.accounts(ctx, account.CanSeeEmail(a), `WHERE a.role = 'worker' AND a.worker_id = $1 ORDER BY `+accountOrder(a), workerID)
}

// IntermediaryAccounts lists an intermediary's logins (back office and
// auditor), former contacts, blocked and not yet activated ones included.
func (q *Queries) IntermediaryAccounts(ctx context.Context, a domain.Actor, intermediaryID string) ([]Account, error) {
	if !readsAccounts(a) {
		return nil, domain.ErrNotFound
	}
	return q.accounts(ctx, account.CanSeeEmail(a), `WHERE a.role = 'intermediary' AND a.intermediary_id = $1 ORDER BY `+accountOrder(a), intermediaryID)
}

// ClientAccounts lists every login of a client's company by e-mail
// address, blocked and not yet activated ones included.
func (q *Queries) ClientAccounts(ctx context.Context, a domain.Actor, clientID string) ([]Account, error) {
	if !readsAccounts(a) {
		return nil, domain.ErrNotFound
	}
	return q.accounts(ctx, account.CanSeeEmail(a), `WHERE a.role = 'client' AND a.client_id = $1 ORDER BY `+accountOrder(a), clientID)
}
