// Package worker is the Worker aggregate (stream "worker-<id>"): a person
// registered by a client user ("nieuwe werknemer inschrijven") or by the back
// office. Registering a worker also starts their first placement; see
// placement.RegisterWorker, which combines both.
//
// Personal data (BSN, IBAN, date of birth, home address, mobile number, ID
// documents) NEVER goes into an event: events are forever and replicated,
// while personal data must stay erasable and readable only by those entitled
// to it. Register validates a PersonalData value and returns it normalized;
// the command layer stores it in the encrypted personal-data table keyed by
// the worker ID (a per-person data key, so erasure deletes the key). The
// worker's name and e-mail address ARE in events: the e-mail is the username
// of the worker's account and the name is shown on every timesheet; both are
// needed to log in and to display history.
package worker
