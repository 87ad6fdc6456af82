package commands

import (
	"context"
	"errors"
	"fmt"

	"backoffice/domain"
	"backoffice/eventstore"
)

// Replayed answers a retried command from the events its first attempt
// appended: when meta carries an idempotency key and the loaded stream
// holds the events that key derives (see eventID), it returns the result of
// that append and its events, decoded with reg, and found is true. The
// handler then answers with them instead of deciding again: deciding on a
// state that already holds the first attempt's events could refuse
// ("already offered") or, for a value that changed since, overwrite a newer
// acknowledged one. Without a key, or before the stream exists, found is
// false. It reads the stream once more, so handlers call it only when
// meta.Retry says an earlier attempt may have appended.
func Replayed(ctx context.Context, store eventstore.Store, st Stream, reg *domain.Registry, meta Meta) (Result, []domain.Event, bool, error) {
	if meta.IdempotencyKey == "" || !st.Exists {
		return Result{}, nil, false, nil
	}
	res, recs, found, err := findKeyed(ctx, store, st.Name, meta)
	if err != nil || !found {
		return Result{}, nil, false, err
	}
	events := make([]domain.Event, len(recs))
	for i, rec := range recs {
		if events[i], err = reg.Decode(rec.Type, rec.Data); err != nil {
			return Result{}, nil, false, fmt.Errorf("commands: replay %s revision %d: %w", st.Name, rec.Revision, err)
		}
	}
	return res, events, true, nil
}

// findKeyed looks up the consecutive events the key of meta derived in
// stream: the first attempt's append.
func findKeyed(ctx context.Context, store eventstore.Store, stream string, meta Meta) (Result, []eventstore.RecordedEvent, bool, error) {
	first := eventID(meta, stream, 0)
	const page = 1000
	var (
		from uint64
		recs []eventstore.RecordedEvent
	)
	for {
		evs, err := store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{From: from, Max: page})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return Result{}, nil, false, nil
		}
		if err != nil {
			return Result{}, nil, false, fmt.Errorf("commands: look up retried command in %s: %w", stream, err)
		}
		for _, rec := range evs {
			switch {
			case rec.ID == first:
				recs = append(recs[:0], rec)
			case len(recs) > 0 && rec.ID == eventID(meta, stream, len(recs)):
				recs = append(recs, rec)
			case len(recs) > 0:
				return keyedResult(recs), recs, true, nil
			}
		}
		if len(evs) < page {
			break
		}
		from = evs[len(evs)-1].Revision + 1
	}
	if len(recs) == 0 {
		return Result{}, nil, false, nil
	}
	return keyedResult(recs), recs, true, nil
}

func keyedResult(recs []eventstore.RecordedEvent) Result {
	last := recs[len(recs)-1]
	return Result{Position: last.Position, Revision: last.Revision}
}
