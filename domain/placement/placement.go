package placement

import (
	"fmt"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
)

// StreamPrefix starts the stream name of every placement.
//
// WARNING: stored stream names; never change.
const StreamPrefix = "placement-"

// Stream returns the stream name of a placement.
func Stream(id string) string { return StreamPrefix + id }

// Placement is the aggregate state.
type Placement struct {
	id             string
	workerID       string
	clientID       string
	intermediaryID string
	function       string
	period         Period
	plannedEnd     time.Time // the fixed end agreed at the start (zero: open-ended)
	started        bool
	ended          bool // an Ended event fixed the end
	endReason      string
}

// Apply folds one event into the state: the only place state changes.
func (p *Placement) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *Started:
		p.id, p.workerID, p.clientID, p.intermediaryID = e.PlacementID, e.WorkerID, e.ClientID, e.IntermediaryID
		p.function, p.started = e.Function, true
		p.period = Period{Start: e.Start}
		if e.End != nil {
			p.period.End, p.plannedEnd = *e.End, *e.End
		}
	case *Ended:
		p.period.End, p.ended, p.endReason = e.End, true, e.Reason
	case *Corrected:
		p.function, p.period.Start = e.Function, e.Start
	default:
		return fmt.Errorf("placement: cannot apply %T", e)
	}
	return nil
}

// ID returns the placement ID.
func (p *Placement) ID() string { return p.id }

// Exists reports whether the placement was started.
func (p *Placement) Exists() bool { return p.started }

// WorkerID returns the placed worker.
func (p *Placement) WorkerID() string { return p.workerID }

// ClientID returns the client.
func (p *Placement) ClientID() string { return p.clientID }

// IntermediaryID returns the client's intermediary at the start.
func (p *Placement) IntermediaryID() string { return p.intermediaryID }

// Function returns the worker's function in this placement.
func (p *Placement) Function() string { return p.function }

// Period returns the placement's dates (End zero: open-ended).
func (p *Placement) Period() Period { return p.period }

// Ended reports whether the placement was ended explicitly.
func (p *Placement) Ended() bool { return p.ended }

// ActiveOn reports whether the worker is placed on the date.
func (p *Placement) ActiveOn(date time.Time) bool { return p.started && p.period.Contains(date) }

// Overlaps reports whether the placement shares a date with [from, to],
// e.g. whether a timesheet can exist for an ISO week.
func (p *Placement) Overlaps(from, to time.Time) bool {
	return p.started && p.period.Overlaps(from, to)
}

// Ref returns what the authorization policy needs to know.
func (p *Placement) Ref() account.PlacementRef {
	return account.PlacementRef{WorkerID: p.workerID, ClientID: p.clientID, IntermediaryID: p.intermediaryID}
}
