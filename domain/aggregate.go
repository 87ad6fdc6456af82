package domain

// Aggregate is the one convention of the aggregates in domain/*: the zero
// value is the state before any event, and Apply folds one event into it
// (the only place state changes), refusing an event it does not know.
// commands.LoadInto folds a stored stream into one; Replay folds a history
// held in memory.
type Aggregate interface {
	Apply(Event) error
}

// Replay folds history, in order, into a new aggregate A:
// domain.Replay[account.Account](created, activated). The first event the
// aggregate refuses is the error.
func Replay[A any, P interface {
	*A
	Aggregate
}](history ...Event) (P, error) {
	agg := P(new(A))
	for _, e := range history {
		if err := agg.Apply(e); err != nil {
			return nil, err
		}
	}
	return agg, nil
}
