// Package domain is the shared kernel of the aggregates in its subpackages:
// the event interface and registries, typed errors that the HTTP layer maps to
// status codes in one place, and the actor on whose behalf a command runs.
// Nothing here (or below) does I/O.
package domain
