package eventstore

import "context"

// TypeFilteredReader is implemented by stores that can filter the global log
// by event type in the database, so that a reader interested in a few types
// does not receive (or decode) the others.
type TypeFilteredReader interface {
	// ReadAllTypes looks at up to max events of the global log strictly
	// after from, in position order, and returns those whose type is in
	// types, the position of the last event it looked at (from when it
	// looked at none: the end of the visible log) and how many it looked
	// at. Resuming after that position never skips an event.
	ReadAllTypes(ctx context.Context, from Position, max int, types []string) (events []RecordedEvent, scanned Position, n int, err error)
}
