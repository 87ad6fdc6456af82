package placement

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/validate"
	"backoffice/domain/worker"
)

// Start is the command to place a worker at a client.
type Start struct {
	PlacementID string
	Function    string // the worker's registered function when empty
	Start       time.Time
	End         *time.Time // optional fixed end date (inclusive)
	// PlacedHereBefore: the worker has (had) another placement at the
	// client, as the command layer found. A client user may place such a
	// former worker again even when another company registered them.
	PlacedHereBefore bool
}

// Start records a new placement of an existing worker at a client (both
// loaded by the caller). The placement records the client's intermediary.
//
// Who: the back office, or a client user for their own company and a
// worker their company registered or placed before (others get
// not-found).
//
// Rules: the client's agreement is in force on the start date; an end date
// is not before the start.
func (p *Placement) Start(actor domain.Actor, c *client.Client, w *worker.Worker, cmd Start, now time.Time) ([]domain.Event, error) {
	switch {
	case account.IsStaff(actor):
	case actor.Role == domain.RoleClient:
		if c == nil || w == nil || actor.ClientID == "" || actor.ClientID != c.ID() || (w.ClientID() != c.ID() && !cmd.PlacedHereBefore) {
			return nil, domain.ErrNotFound
		}
	default:
		return nil, account.Forbidden
	}
	if c == nil || !c.Exists() || w == nil || !w.Exists() {
		return nil, domain.ErrNotFound
	}
	if err := validate.NewID("placement_id", cmd.PlacementID, p.started, errExists); err != nil {
		return nil, err
	}
	function := cmd.Function
	if function == "" {
		function = w.Function()
	}
	function, err := validate.Text("function", function, 80)
	if err != nil {
		return nil, err
	}
	start, err := validate.Date("start", cmd.Start)
	if err != nil {
		return nil, err
	}
	var end *time.Time
	if cmd.End != nil {
		e, err := validate.Date("end", *cmd.End)
		if err != nil {
			return nil, err
		}
		if e.Before(start) {
			return nil, errEndBeforeStart
		}
		end = &e
	}
	if _, ok := c.AgreementOn(start); !ok {
		return nil, errNoAgreement
	}
	return []domain.Event{&Started{
		PlacementID:    cmd.PlacementID,
		WorkerID:       w.ID(),
		ClientID:       c.ID(),
		IntermediaryID: c.IntermediaryID(),
		Function:       function,
		Start:          start,
		End:            end,
	}}, nil
}

var errNoAgreement = domain.Rule("no_agreement", "start",
	"There is no agreement with the client on the start date.",
	"Op de begindatum zijn er geen afspraken met de opdrachtgever.")

var errEndBeforeStart = domain.Rule("end_before_start", "end",
	"The end date cannot be before the start date.",
	"De einddatum kan niet voor de begindatum liggen.")

var errExists = domain.Conflict("placement_exists",
	"The placement already exists.",
	"De plaatsing bestaat al.")
