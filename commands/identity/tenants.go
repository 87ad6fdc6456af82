package identity

import (
	"context"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/placement"
)

// ChangeAgreement records a new agreement with a client from a Monday on.
// Back office only; a caller who cannot see the client gets not-found.
func (s *Tenants) ChangeAgreement(ctx context.Context, meta commands.Meta, clientID string, effectiveFrom time.Time, a client.Agreement) (commands.Result, error) {
	if err := checkID("client_id", clientID); err != nil {
		return commands.Result{}, domain.ErrNotFound
	}
	c, st, err := loadClient(ctx, s.cfg.Store, clientID)
	if err != nil {
		return commands.Result{}, err
	}
	if !c.Exists() || !canSeeClient(meta.Actor, c) {
		return commands.Result{}, domain.ErrNotFound
	}
	events, err := c.ChangeAgreement(meta.Actor, effectiveFrom, a, s.now())
	if err != nil {
		return commands.Result{}, err
	}
	return commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
}

// EndPlacement ends a placement on its last working day. See
// placement.Placement.End for who may. Hours or expenses booked after the
// end date refuse it (hours_after_end, naming the weeks); a later end than
// the recorded one may not overlap another placement of the worker at the
// client (placement_overlaps).
func (s *Tenants) EndPlacement(ctx context.Context, meta commands.Meta, placementID string, end time.Time, reason string) (commands.Result, error) {
	if err := checkID("placement_id", placementID); err != nil {
		return commands.Result{}, domain.ErrNotFound
	}
	p, st, err := loadPlacement(ctx, s.cfg.Store, placementID)
	if err != nil {
		return commands.Result{}, err
	}
	if meta.Retry {
		// Its first attempt ended the placement and lost its answer: that
		// answer, not 409 already_ended. (The key's events are this
		// actor's own, so nothing leaks.)
		if res, _, found, err := commands.Replayed(ctx, s.cfg.Store, st, placement.Events, meta); err != nil || found {
			return res, err
		}
	}
	events, err := p.End(meta.Actor, end, reason, s.now())
	if err != nil {
		return commands.Result{}, err
	}
	ended := events[0].(*placement.Ended).End
	booked, err := bookedAfter(ctx, s.cfg.Store, placementID, ended, s.now())
	if err != nil {
		return commands.Result{}, err
	}
	if err := placement.CheckNoHoursAfterEnd(ended, booked); err != nil {
		return commands.Result{}, err
	}
	if p.Ended() && ended.After(p.Period().End) {
		// Ending again later gives the placement dates: they may not
		// overlap another placement at the client (placement_overlaps),
		// decided on the worker's roster (roster.go).
		period := placement.Period{Start: p.Period().Start, End: ended}
		return withClaim(ctx, s.cfg.Store, meta, s.now(), claim{workerID: p.WorkerID(), id: p.ID(),
			clientID: p.ClientID(), placement: st, period: period, field: "end", legacy: s.cfg.Queries},
			func(roster commands.Stream) (commands.Result, error) {
				return commands.SaveIf(ctx, s.cfg.Store, st, []commands.Stream{roster}, meta, s.now(), events...)
			})
	}
	return commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
}

func canSeeClient(a domain.Actor, c *client.Client) bool {
	return account.CanSeeClient(a, c.ID(), c.IntermediaryID())
}

// ErasePersonalData shreds a worker's personal data (GDPR erasure). Back
// office only; callers who cannot see the worker get not-found.
func (s *Tenants) ErasePersonalData(ctx context.Context, meta commands.Meta, workerID string) error {
	if err := checkID("worker_id", workerID); err != nil {
		return domain.ErrNotFound
	}
	w, _, err := loadWorker(ctx, s.cfg.Store, workerID)
	if err != nil {
		return err
	}
	if !w.Exists() {
		return domain.ErrNotFound
	}
	if !account.IsStaff(meta.Actor) {
		c, _, err := loadClient(ctx, s.cfg.Store, w.ClientID())
		if err != nil {
			return err
		}
		ref := account.PlacementRef{WorkerID: w.ID(), ClientID: c.ID(), IntermediaryID: c.IntermediaryID()}
		if !account.CanSeeWorker(meta.Actor, w.ID(), []account.PlacementRef{ref}) {
			return domain.ErrNotFound
		}
		return account.Forbidden
	}
	if err := s.cfg.Vault.Erase(ctx, workerSubject(workerID)); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "identity: personal data erased", "worker_id", workerID, "by", meta.Actor.AccountID)
	return nil
}
