package portal

import (
	"context"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	rmid "backoffice/readmodel/identity"
)

// workerApp is the workers feature: active placements (readmodel/identity)
// and registration (commands/identity).
type workerApp struct {
	registration *identity.Registration
	tenants      *identity.Tenants  // ending a placement
	accounts     *identity.Accounts // blocking a worker's login
	queries      *rmid.Queries
}

// Placements: the active placements in scope.
func (w *workerApp) Placements(ctx context.Context, actor domain.Actor) ([]Placement, error) {
	return w.PlacementsWith(ctx, actor, rmid.StatusActive)
}

// PlacementsWith: the placements in scope with the status (rmid.StatusActive
// or rmid.StatusEnded).
func (w *workerApp) PlacementsWith(ctx context.Context, actor domain.Actor, status string) ([]Placement, error) {
	ps, err := w.queries.Placements(ctx, actor, rmid.PlacementFilter{Status: status})
	if err != nil {
		return nil, err
	}
	out := make([]Placement, 0, len(ps))
	for _, p := range ps {
		v, err := placementOf(p)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Clients: the clients the back office chooses from when it registers a
// worker; a client user registers at their own company and chooses none.
func (w *workerApp) Clients(ctx context.Context, actor domain.Actor) ([]ClientOption, error) {
	return clientOptions(ctx, w.queries, actor)
}

// clientOptions: every client for the back office to choose from; nobody
// else chooses one (nil: the register form then shows no client field).
func clientOptions(ctx context.Context, q *rmid.Queries, actor domain.Actor) ([]ClientOption, error) {
	if !account.IsStaff(actor) {
		return nil, nil
	}
	cs, err := q.Clients(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := make([]ClientOption, 0, len(cs))
	for _, c := range cs {
		out = append(out, ClientOption{ID: c.ID, Name: c.Name})
	}
	return out, nil
}

// Register: a client user registers a worker at
// their own company (commands/identity defaults the client and checks the
// role).
func (w *workerApp) Register(ctx context.Context, m commands.Meta, in Registration) (commands.Result, error) {
	res, _, err := w.registration.RegisterWorker(ctx, m, identity.RegisterWorker{
		ClientID: in.ClientID,
		Name:     in.Name, Email: in.Email, Function: in.Function, Language: m.Actor.Language,
		PersonalData: in.Personal, Start: in.Start, End: in.End,
	})
	return res, err
}
