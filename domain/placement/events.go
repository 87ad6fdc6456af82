package placement

import (
	"time"

	"backoffice/domain"
)

// Stored event type names.
//
// WARNING: these strings are stored with every event forever. Never rename
// one; add a new event type instead.
const (
	TypeStarted   = "placement.started"
	TypeEnded     = "placement.ended"
	TypeCorrected = "placement.corrected"
	// TypeClaimed is in the worker's roster stream (roster.go), never in
	// a placement's.
	TypeClaimed = "placement.claimed"
)

// Events is the registry of this package's event payloads.
var Events = domain.NewRegistry(&Started{}, &Ended{}, &Corrected{}, &Claimed{})

// Started: a worker works at a client from Start, until End (inclusive)
// when a fixed end date is known. Dates are midnight UTC.
type Started struct {
	PlacementID    string     `json:"placement_id"`
	WorkerID       string     `json:"worker_id"`
	ClientID       string     `json:"client_id"`
	IntermediaryID string     `json:"intermediary_id"`
	Function       string     `json:"function"`
	Start          time.Time  `json:"start"`
	End            *time.Time `json:"end,omitempty"`
}

// Ended: the placement ends on End (the last working day, inclusive).
type Ended struct {
	PlacementID string    `json:"placement_id"`
	End         time.Time `json:"end"`
	Reason      string    `json:"reason,omitempty"`
}

// Corrected: the placement's function and start date as they should have
// been recorded (a typo at the start). Both fields hold the values in force
// from now on, changed or not; the Started event keeps what was recorded
// first, so the history shows both.
type Corrected struct {
	PlacementID string    `json:"placement_id"`
	Function    string    `json:"function"`
	Start       time.Time `json:"start"`
	Reason      string    `json:"reason,omitempty"`
}

func (*Started) EventType() string   { return TypeStarted }
func (*Ended) EventType() string     { return TypeEnded }
func (*Corrected) EventType() string { return TypeCorrected }
