// Package commands holds one handler per command. A handler loads the
// aggregate's stream, checks the actor's right and scope, lets the domain
// decide, and appends the new events with the loaded revision, returning the
// global position of the last event (for read-your-writes).
//
// This file set is the shared kernel: Meta (who asks, in which flow, with
// which idempotency key), Load and Save.
package commands
