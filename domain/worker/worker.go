package worker

import (
	"fmt"

	"backoffice/domain"
)

// StreamPrefix starts the stream name of every worker.
//
// WARNING: stored stream names; never change.
const StreamPrefix = "worker-"

// Stream returns the stream name of a worker.
func Stream(id string) string { return StreamPrefix + id }

// Worker is the aggregate state (no personal data).
type Worker struct {
	id         string
	clientID   string
	name       Name
	email      string
	function   string
	registered bool
}

// Apply folds one event into the state: the only place state changes.
func (w *Worker) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *Registered:
		w.id, w.clientID, w.name, w.email, w.function, w.registered = e.WorkerID, e.ClientID, e.Name, e.Email, e.Function, true
	default:
		return fmt.Errorf("worker: cannot apply %T", e)
	}
	return nil
}

// ID returns the worker ID.
func (w *Worker) ID() string { return w.id }

// Exists reports whether the worker was registered.
func (w *Worker) Exists() bool { return w.registered }

// ClientID returns the client that registered the worker.
func (w *Worker) ClientID() string { return w.clientID }

// Name returns the worker's name.
func (w *Worker) Name() Name { return w.name }

// Email returns the worker's e-mail address (their username).
func (w *Worker) Email() string { return w.email }

// Function returns the function given at registration.
func (w *Worker) Function() string { return w.function }
