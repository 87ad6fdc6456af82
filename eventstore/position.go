package eventstore

import (
	"fmt"
	"strconv"
	"strings"
)

// Position is a place in the global log ($all). It is a pair, compared as a
// pair and never used in arithmetic: for PostgreSQL it is (transaction id,
// sequence), for EventStoreDB it is (commit, prepare).
type Position struct {
	Commit  uint64
	Prepare uint64
}

// Start is the position before the first event of the log. Reading or
// subscribing "after Start" yields every event.
var Start = Position{}

// Compare returns -1, 0 or +1 as p is before, equal to or after q.
func (p Position) Compare(q Position) int {
	switch {
	case p.Commit < q.Commit:
		return -1
	case p.Commit > q.Commit:
		return 1
	case p.Prepare < q.Prepare:
		return -1
	case p.Prepare > q.Prepare:
		return 1
	}
	return 0
}

// Before reports whether p comes strictly before q.
func (p Position) Before(q Position) bool { return p.Compare(q) < 0 }

// After reports whether p comes strictly after q.
func (p Position) After(q Position) bool { return p.Compare(q) > 0 }

// IsStart reports whether p is the position before the first event.
func (p Position) IsStart() bool { return p == Start }

// String renders the position as "commit-prepare", the form used in HTTP
// (X-Position, min_position) and in checkpoints shown to operators.
func (p Position) String() string {
	return strconv.FormatUint(p.Commit, 10) + "-" + strconv.FormatUint(p.Prepare, 10)
}

// ParsePosition parses the form written by Position.String.
func ParsePosition(s string) (Position, error) {
	c, pr, ok := strings.Cut(s, "-")
	if !ok {
		return Position{}, invalidPosition(s)
	}
	commit, err := strconv.ParseUint(c, 10, 64)
	if err != nil {
		return Position{}, invalidPosition(s)
	}
	prepare, err := strconv.ParseUint(pr, 10, 64)
	if err != nil {
		return Position{}, invalidPosition(s)
	}
	return Position{Commit: commit, Prepare: prepare}, nil
}

// invalidPosition names the form, not strconv's parse error: the message
// reaches people (CLI flags, min_position).
func invalidPosition(s string) error {
	return fmt.Errorf("eventstore: invalid position %q: want two whole numbers COMMIT-PREPARE (e.g. 5200-3)", s)
}
