package placement

import (
	"fmt"
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// RosterStreamPrefix starts the stream of a worker's placement roster.
//
// WARNING: stored stream names; never change.
const RosterStreamPrefix = "roster-"

// RosterStream returns the stream name of a worker's placement roster.
func RosterStream(workerID string) string { return RosterStreamPrefix + workerID }

// Roster is a worker's placement roster: the one stream every decision
// that gives a placement of the worker more dates (a start, a corrected
// start, a later end) appends to before the placement's own stream, with
// the revision it decided on as the condition. Two such decisions for one
// worker therefore cannot both pass on the same state: the second append
// finds the roster moved, and decides again on a state that includes the
// first (placement_overlaps). The placement stream stays the record of the
// placement; a claim whose placement append never followed (a crash, or a
// lost race) changes nothing but the roster.
//
// Placements started before the roster existed have no claims; the
// command layer finds them in the read model.
type Roster struct {
	ids    []string          // claimed placements, in the order of their first claim
	client map[string]string // placement ID to client
	last   *Claimed          // the latest claim: possibly still being appended
}

// Apply folds one event into the state: the only place state changes.
func (r *Roster) Apply(e domain.Event) error {
	c, ok := e.(*Claimed)
	if !ok {
		return fmt.Errorf("placement: a roster cannot apply %T", e)
	}
	if r.client == nil {
		r.client = map[string]string{}
	}
	if _, seen := r.client[c.PlacementID]; !seen {
		r.ids = append(r.ids, c.PlacementID)
	}
	r.client[c.PlacementID] = c.ClientID
	r.last = c
	return nil
}

// At returns the placements claimed at clientID, in the order of their
// first claim.
func (r *Roster) At(clientID string) []string {
	var out []string
	for _, id := range r.ids {
		if r.client[id] == clientID {
			out = append(out, id)
		}
	}
	return out
}

// ClaimCmd is a decision that gives placement PlacementID of WorkerID the
// dates Period at ClientID.
type ClaimCmd struct {
	WorkerID, PlacementID, ClientID string
	// Base is the placement stream's revision the decision was taken on
	// (nil: a new placement).
	Base   *uint64
	Period Period
	// Field is the input that gave the dates, named by
	// placement_overlaps: "start" when empty, "end" when ending later.
	Field string
}

// Claim decides cmd and returns the claim to append to the roster.
// siblings are the worker's other placements (at least those at the
// client) as their streams hold them, read after the roster, with their
// revisions. The roster's latest claim for another placement counts with
// the dates it claimed while its placement's stream is still where that
// decision read it: its append may be on its way (it can only land if
// nothing is claimed after it). Once that stream has moved, the stream is
// what counts.
func (r *Roster) Claim(cmd ClaimCmd, siblings []Sibling) ([]domain.Event, error) {
	if err := validate.ID("worker_id", cmd.WorkerID); err != nil {
		return nil, err
	}
	if err := validate.ID("placement_id", cmd.PlacementID); err != nil {
		return nil, err
	}
	if err := validate.ID("client_id", cmd.ClientID); err != nil {
		return nil, err
	}
	id, period, field := cmd.PlacementID, cmd.Period, cmd.Field
	if field == "" {
		field = "start"
	}
	if !period.Open() && period.End.Before(period.Start) {
		return nil, errEndBeforeStart
	}
	if l := r.last; l != nil && l.PlacementID != id && l.pendingAmong(siblings) {
		pending := Sibling{ID: l.PlacementID, ClientID: l.ClientID, Period: Period{Start: l.Start}}
		if l.End != nil {
			pending.Period.End = *l.End
		}
		siblings = append(siblings[:len(siblings):len(siblings)], pending)
	}
	if err := checkNoOverlap(field, id, cmd.ClientID, period, siblings); err != nil {
		return nil, err
	}
	c := &Claimed{PlacementID: id, WorkerID: cmd.WorkerID, ClientID: cmd.ClientID, Revision: cmd.Base, Start: validate.Day(period.Start)}
	if !period.Open() {
		end := validate.Day(period.End)
		c.End = &end
	}
	return []domain.Event{c}, nil
}

// pendingAmong reports whether c's placement, as found in siblings (absent:
// not started), is still where c's decision read it.
func (c *Claimed) pendingAmong(siblings []Sibling) bool {
	for _, s := range siblings {
		if s.ID == c.PlacementID {
			return c.Revision != nil && *c.Revision == s.Revision
		}
	}
	return c.Revision == nil
}

// Claimed: placement PlacementID of the worker is about to be given the
// period Start..End (End nil: open-ended) at ClientID, decided against the
// worker's other placements. Whether it was given is in the placement's
// own stream: the placement.started, .corrected or .ended that follows
// this claim at revision Revision+1 (0 for a new placement).
type Claimed struct {
	PlacementID string `json:"placement_id"`
	WorkerID    string `json:"worker_id"`
	ClientID    string `json:"client_id"`
	// Revision is the placement stream's revision the decision was taken
	// on; absent for a new placement.
	Revision *uint64    `json:"placement_revision,omitempty"`
	Start    time.Time  `json:"start"`
	End      *time.Time `json:"end,omitempty"`
}

func (*Claimed) EventType() string { return TypeClaimed }
