package placement

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/worker"
)

// RegisterWorkerCmd is the portal's "nieuwe werknemer inschrijven": a new
// worker and their first placement at the client.
type RegisterWorkerCmd struct {
	WorkerID     string
	PlacementID  string
	Name         worker.Name
	Email        string
	Function     string
	PersonalData worker.PersonalData
	Start        time.Time
	End          *time.Time
}

// Enrollment is the outcome of RegisterWorker: events for two streams and
// the personal data for the personal-data table.
//
// The command layer stores PersonalData first (encrypted, keyed by the
// worker ID), then appends WorkerEvents to worker.Stream(WorkerID) with "no
// stream" and PlacementEvents to Stream(PlacementID) with "no stream", using
// deterministic event IDs from the request's idempotency key, so a retry
// after a crash between the appends completes the enrollment without
// duplicates.
type Enrollment struct {
	WorkerEvents    []domain.Event
	PlacementEvents []domain.Event
	PersonalData    worker.PersonalData
}

// RegisterWorker validates the whole registration (see worker.Register and
// Placement.Start for the rules) and returns the enrollment. c is the loaded
// client; the worker and placement streams must not exist yet.
func RegisterWorker(actor domain.Actor, c *client.Client, cmd RegisterWorkerCmd, now time.Time) (Enrollment, error) {
	wEvents, personal, err := new(worker.Worker).Register(actor, c, worker.Register{
		WorkerID:     cmd.WorkerID,
		Name:         cmd.Name,
		Email:        cmd.Email,
		Function:     cmd.Function,
		PersonalData: cmd.PersonalData,
		Start:        cmd.Start,
	}, now)
	if err != nil {
		return Enrollment{}, err
	}
	w, err := domain.Replay[worker.Worker](wEvents...)
	if err != nil {
		return Enrollment{}, err
	}
	pEvents, err := (&Placement{}).Start(actor, c, w, Start{
		PlacementID: cmd.PlacementID,
		Start:       cmd.Start,
		End:         cmd.End,
	}, now)
	if err != nil {
		return Enrollment{}, err
	}
	return Enrollment{WorkerEvents: wEvents, PlacementEvents: pEvents, PersonalData: personal}, nil
}
