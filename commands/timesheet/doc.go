// Package timesheet holds the command handlers of the timesheet
// (urenbriefje), one file per command.
//
// Every handler does the same five things: load the placement and its
// client from the event store (never from a read model: decisions rest on
// the ledger alone), check that the actor may see the placement (outside
// the actor's scope the timesheet does not exist: domain.ErrNotFound),
// build the week's timesheet.Terms from the client's agreement in force
// that week, load the timesheet stream and let the aggregate decide, and
// append the new events with the loaded revision. Two commands racing on
// one timesheet therefore cannot both append: the loser gets
// eventstore.ErrWrongExpectedRevision (HTTP 409) and nothing is stored
// twice. Role and state checks are the aggregate's (domain/timesheet).
//
// Handler.Terms exposes the same week's terms (hour types, entry mode, who
// enters, approval chain) under the same scope check, so adapters such as
// the portal show exactly what the commands will accept and never rebuild
// the agreement rule themselves.
package timesheet
