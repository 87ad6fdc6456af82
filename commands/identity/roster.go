package identity

import (
	"context"
	"errors"
	"time"

	"backoffice/commands"
	"backoffice/domain/placement"
	"backoffice/eventstore"
	rmid "backoffice/readmodel/identity"
)

var loadRoster = loader[placement.Roster](placement.RosterStream, placement.Events)

// maxClaimAttempts bounds the decisions one command takes when others on
// the same worker keep moving the roster: each retry decides on a state
// that includes the decision that beat it, so one retry settles a race of
// two (the loser then gets placement_overlaps, or wins when they did not
// overlap after all).
const maxClaimAttempts = 4

// claim is a decision that gives placement id of workerID the period at
// clientID: a new placement, a corrected start, a later end.
type claim struct {
	workerID, id, clientID string
	placement              commands.Stream // as the decision loaded it
	period                 placement.Period
	field                  string // the input that gave the dates ("start" when empty)
	// legacy finds the worker's placements at the client from before the
	// roster (read model); nil for a worker registered with one.
	legacy *rmid.Queries
}

// withClaim decides c on the worker's roster (placement.Roster) and then
// runs save, the append to the placement's own stream, which must make the
// roster (passed to it) one of its conditions (commands.SaveIf). The claim
// is appended first with the roster revision it was decided on: of two
// overlapping decisions on one worker only one can append its claim on a
// given revision, and a placement append whose claim is no longer the
// roster's last is refused. Either way the loser decides again, on a state
// that includes the winner. This is what makes placement_overlaps hold
// under concurrency; the read model alone lags (see TestConcurrentPlacementsOneWins).
func withClaim(ctx context.Context, store eventstore.Store, meta commands.Meta, now time.Time, c claim,
	save func(roster commands.Stream) (commands.Result, error)) (commands.Result, error) {
	// The roster's appends are the command's own bookkeeping: an
	// InAppend (the API's idempotency row) belongs with the placement's
	// append, the command's result.
	rctx := eventstore.WithInAppend(ctx, nil)
	var legacy []string
	if c.legacy != nil {
		listed, err := c.legacy.Placements(ctx, System, rmid.PlacementFilter{WorkerID: c.workerID, ClientID: c.clientID})
		if err != nil {
			return commands.Result{}, err
		}
		for _, l := range listed {
			legacy = append(legacy, l.ID)
		}
	}
	// Claims get random event IDs: every attempt, a retried request's
	// too, is a decision of its own on the revision it read.
	claimMeta := commands.Meta{Actor: meta.Actor, CorrelationID: meta.CorrelationID}
	for attempt := 1; ; attempt++ {
		roster, rst, err := loadRoster(rctx, store, c.workerID)
		if err != nil {
			return commands.Result{}, err
		}
		// The siblings are read after the roster: a placement whose
		// claim is not the roster's last has landed (or never will) by
		// now, so its stream is final for that claim.
		siblings, err := loadSiblings(rctx, store, c.id, roster.At(c.clientID), legacy)
		if err != nil {
			return commands.Result{}, err
		}
		var base *uint64
		if c.placement.Exists {
			base = &c.placement.Revision
		}
		events, err := roster.Claim(placement.ClaimCmd{WorkerID: c.workerID, PlacementID: c.id, ClientID: c.clientID,
			Base: base, Period: c.period, Field: c.field}, siblings)
		if err != nil {
			return commands.Result{}, err
		}
		res, err := commands.Save(rctx, store, rst, claimMeta, now, events...)
		if err == nil {
			rst.Revision, rst.Exists = res.Revision, true
			res, err = save(rst)
		}
		var wrong *eventstore.WrongExpectedRevisionError
		if attempt < maxClaimAttempts && errors.As(err, &wrong) && wrong.Stream == rst.Name {
			continue // another decision on the worker came in between
		}
		return res, err
	}
}

// loadSiblings loads the placements named in either list, but id, from
// their streams (a correction or end the read model has not seen counts).
func loadSiblings(ctx context.Context, store eventstore.Store, id string, lists ...[]string) ([]placement.Sibling, error) {
	seen := map[string]bool{id: true}
	var out []placement.Sibling
	for _, ids := range lists {
		for _, o := range ids {
			if seen[o] {
				continue
			}
			seen[o] = true
			p, st, err := loadPlacement(ctx, store, o)
			if err != nil {
				return nil, err
			}
			if p.Exists() {
				s := placement.SiblingOf(p)
				s.Revision = st.Revision
				out = append(out, s)
			}
		}
	}
	return out, nil
}
