package portal

import (
	"context"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/readmodel/asof"
	rmid "backoffice/readmodel/identity"
	"backoffice/readmodel/paging"
)

// workerApp is the workers feature: active placements (readmodel/identity)
// and registration (commands/identity).
type workerApp struct {
	registration *identity.Registration
	tenants      *identity.Tenants  // ending a placement
	accounts     *identity.Accounts // blocking a worker's login
	queries      *rmid.Queries
	ledger       asof.StreamReader // corrections on the placement's page (nil: none shown)
}

// Corrections: the corrections of a placement in scope, oldest first
// (none without a ledger).
func (w *workerApp) Corrections(ctx context.Context, actor domain.Actor, placementID string) ([]rmid.Correction, error) {
	if w.ledger == nil {
		return nil, nil
	}
	return w.queries.PlacementCorrections(ctx, actor, w.ledger, placementID, asof.Moment{})
}

// choiceLimit caps the placements a choice list offers (the timesheet
// list's "new timesheet"): a larger client chooses under Werknemers, which
// pages and searches.
const choiceLimit = 200

// Placements: the active placements in scope for a choice list, at most
// choiceLimit; more reports that there are more.
func (w *workerApp) Placements(ctx context.Context, actor domain.Actor) (ps []Placement, more bool, err error) {
	ps, next, err := w.PlacementsPage(ctx, actor, rmid.PlacementFilter{Status: rmid.StatusActive}, paging.Request{Limit: choiceLimit})
	return ps, next != "", err
}

// PlacementsPage: one page of the placements in scope the filter keeps
// (by worker name), and the cursor of the next ("" on the last page).
func (w *workerApp) PlacementsPage(ctx context.Context, actor domain.Actor, f rmid.PlacementFilter, page paging.Request) ([]Placement, string, error) {
	pg, err := w.queries.PlacementsPage(ctx, actor, f, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]Placement, 0, len(pg.Items))
	for _, p := range pg.Items {
		v, err := placementOf(p)
		if err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	return out, pg.NextCursor, nil
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
