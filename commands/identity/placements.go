package identity

import (
	"context"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/placement"
	rmid "backoffice/readmodel/identity"
)

// StartPlacement is a new placement of a registered worker: at the client
// of an ended placement again, in another function, or (back office) at
// another client. ClientID defaults to a client user's own company;
// PlacementID is generated when empty (derived from the idempotency key
// when there is one, so a retry names the same placement).
type StartPlacement struct {
	WorkerID    string
	ClientID    string
	PlacementID string
	Function    string // the worker's registered function when empty
	Start       time.Time
	End         *time.Time
}

// StartPlacement appends placement.started for a worker who is registered
// already. See placement.Placement.Start for who may and its rules; on top
// of them the worker may have no other placement at the same client that
// shares a date with the new one (placement_overlaps), decided on the
// worker's roster so that concurrent requests cannot both pass
// (roster.go). The worker's login
// sees every placement of theirs; nothing else changes for the worker.
func (s *Tenants) StartPlacement(ctx context.Context, meta commands.Meta, cmd StartPlacement) (commands.Result, placement.Started, error) {
	var none placement.Started
	if !account.IsStaff(meta.Actor) && meta.Actor.Role != domain.RoleClient {
		return commands.Result{}, none, account.Forbidden
	}
	if cmd.ClientID == "" && meta.Actor.Role == domain.RoleClient {
		cmd.ClientID = meta.Actor.ClientID
	}
	if cmd.ClientID == "" {
		return commands.Result{}, none, domain.Invalid("required", "client_id", "The client is required.", "De opdrachtgever is verplicht.")
	}
	if checkID("client_id", cmd.ClientID) != nil || cmd.WorkerID == "" || checkID("worker_id", cmd.WorkerID) != nil {
		return commands.Result{}, none, domain.ErrNotFound
	}
	if err := ensureID(meta, "placement_id", &cmd.PlacementID); err != nil {
		return commands.Result{}, none, err
	}
	c, _, err := loadClient(ctx, s.cfg.Store, cmd.ClientID)
	if err != nil {
		return commands.Result{}, none, err
	}
	w, _, err := loadWorker(ctx, s.cfg.Store, cmd.WorkerID)
	if err != nil {
		return commands.Result{}, none, err
	}
	p, st, err := loadPlacement(ctx, s.cfg.Store, cmd.PlacementID)
	if err != nil {
		return commands.Result{}, none, err
	}
	// A retry whose first attempt appended answers with what it recorded.
	if res, done, found, err := commands.Replayed(ctx, s.cfg.Store, st, placement.Events, meta); err != nil {
		return commands.Result{}, none, err
	} else if found {
		if first, ok := firstOf[*placement.Started](done); ok {
			return res, *first, nil
		}
	}
	before := false
	if meta.Actor.Role == domain.RoleClient && w.Exists() && w.ClientID() != cmd.ClientID && meta.Actor.ClientID == cmd.ClientID {
		// A former worker of the client whom another company registered
		// (placed here by the back office): the client may place them
		// again. Only its own placements are asked about.
		listed, err := s.cfg.Queries.Placements(ctx, meta.Actor, rmid.PlacementFilter{WorkerID: cmd.WorkerID, ClientID: cmd.ClientID})
		if err != nil {
			return commands.Result{}, none, err
		}
		before = len(listed) > 0
	}
	events, err := p.Start(meta.Actor, c, w, placement.Start{
		PlacementID: cmd.PlacementID, Function: cmd.Function, Start: cmd.Start, End: cmd.End, PlacedHereBefore: before,
	}, s.now())
	if err != nil {
		return commands.Result{}, none, err
	}
	started := events[0].(*placement.Started)
	period := placement.Period{Start: started.Start}
	if started.End != nil {
		period.End = *started.End
	}
	res, err := withClaim(ctx, s.cfg.Store, meta, s.now(), claim{workerID: started.WorkerID, id: started.PlacementID,
		clientID: started.ClientID, placement: st, period: period, legacy: s.cfg.Queries},
		func(roster commands.Stream) (commands.Result, error) {
			return commands.SaveIf(ctx, s.cfg.Store, st, []commands.Stream{roster}, meta, s.now(), events...)
		})
	return res, *started, err
}

// CorrectPlacement is the correction of a placement's function or start
// date; empty fields keep the recorded value.
type CorrectPlacement struct {
	PlacementID string
	Function    string
	Start       time.Time
	Reason      string
}

// CorrectPlacement appends placement.corrected. See
// placement.Placement.Correct for who may and its rules; on top of them a
// later start is refused while hours or expenses are booked before it
// (hours_before_start, naming the weeks), and a changed start may not make
// the placement overlap another of the worker at the same client.
func (s *Tenants) CorrectPlacement(ctx context.Context, meta commands.Meta, cmd CorrectPlacement) (commands.Result, error) {
	if cmd.PlacementID == "" || checkID("placement_id", cmd.PlacementID) != nil {
		return commands.Result{}, domain.ErrNotFound
	}
	p, st, err := loadPlacement(ctx, s.cfg.Store, cmd.PlacementID)
	if err != nil {
		return commands.Result{}, err
	}
	if meta.Retry {
		// Its first attempt corrected the placement and lost its answer:
		// that answer, not 409 nothing_to_correct.
		if res, _, found, err := commands.Replayed(ctx, s.cfg.Store, st, placement.Events, meta); err != nil || found {
			return res, err
		}
	}
	if !p.Exists() || !account.CanSeePlacement(meta.Actor, p.Ref()) {
		return commands.Result{}, domain.ErrNotFound
	}
	c, _, err := loadClient(ctx, s.cfg.Store, p.ClientID())
	if err != nil {
		return commands.Result{}, err
	}
	events, err := p.Correct(meta.Actor, c, placement.Correct{Function: cmd.Function, Start: cmd.Start, Reason: cmd.Reason}, s.now())
	if err != nil {
		return commands.Result{}, err
	}
	corrected := events[0].(*placement.Corrected)
	if old := p.Period().Start; !corrected.Start.Equal(old) {
		booked, err := bookedBefore(ctx, s.cfg.Store, p.ID(), old, corrected.Start, s.now())
		if err != nil {
			return commands.Result{}, err
		}
		if err := placement.CheckNoHoursBeforeStart(corrected.Start, booked); err != nil {
			return commands.Result{}, err
		}
		period := p.Period()
		period.Start = corrected.Start
		if corrected.Start.Before(old) {
			// An earlier start gives the placement dates: decided on the
			// worker's roster (roster.go).
			return withClaim(ctx, s.cfg.Store, meta, s.now(), claim{workerID: p.WorkerID(), id: p.ID(),
				clientID: p.ClientID(), placement: st, period: period, legacy: s.cfg.Queries},
				func(roster commands.Stream) (commands.Result, error) {
					return commands.SaveIf(ctx, s.cfg.Store, st, []commands.Stream{roster}, meta, s.now(), events...)
				})
		}
	}
	return commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
}
