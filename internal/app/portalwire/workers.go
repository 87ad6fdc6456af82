package portalwire

import (
	"context"
	"errors"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/http/portal"
	rmid "backoffice/readmodel/identity"
)

// Workers adapts readmodel/identity (placements) and commands/identity
// (registration) to portal.Workers.
type Workers struct {
	service *identity.Service
	queries *rmid.Queries
}

var _ portal.Workers = (*Workers)(nil)

// NewWorkers returns the adapter; both dependencies are required.
func NewWorkers(svc *identity.Service, q *rmid.Queries) (*Workers, error) {
	if svc == nil || q == nil {
		return nil, errors.New("portalwire: NewWorkers: identity service and queries are required")
	}
	return &Workers{service: svc, queries: q}, nil
}

// Placements implements portal.Workers: the active placements in scope.
func (w *Workers) Placements(ctx context.Context, actor domain.Actor) ([]portal.Placement, error) {
	ps, err := w.queries.Placements(ctx, actor, rmid.PlacementFilter{Status: rmid.StatusActive})
	if err != nil {
		return nil, err
	}
	out := make([]portal.Placement, 0, len(ps))
	for _, p := range ps {
		out = append(out, placementOf(p))
	}
	return out, nil
}

// Register implements portal.Workers: a client user registers a worker at
// their own company (commands/identity defaults the client and checks the
// role).
func (w *Workers) Register(ctx context.Context, m commands.Meta, in portal.Registration) (commands.Result, error) {
	res, _, err := w.service.RegisterWorker(ctx, m, identity.RegisterWorker{
		Name: in.Name, Email: in.Email, Function: in.Function, Language: m.Actor.Language,
		PersonalData: in.Personal, Start: in.Start, End: in.End,
	})
	return res, err
}
