// Package placement is the Placement aggregate (stream "placement-<id>"):
// one worker at one client for a period. The agreement that applies to the
// placement's hours is the client's agreement in force on each date
// (client.Client.AgreementOn); a placement does not copy it.
//
// RegisterWorker combines the portal's "nieuwe werknemer inschrijven":
// a worker.registered event, a placement.started event and the worker's
// personal data (for the personal-data table, never an event).
package placement
