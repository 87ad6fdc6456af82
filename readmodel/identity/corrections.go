package identity

import (
	"context"
	"fmt"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/placement"
	"backoffice/eventstore"
	"backoffice/readmodel/asof"
)

// Correction is one placement.corrected as a placement's page shows it:
// when, by whom, and the function and start date before and after.
type Correction struct {
	At time.Time `json:"at"`
	// By is the name of the account that corrected, when the viewer may
	// see it (ActorNames: a name, never an e-mail address the viewer may
	// not see); empty otherwise. ByRole is always there.
	By           string `json:"by,omitempty"`
	ByRole       string `json:"by_role"`
	FunctionFrom string `json:"function_from"`
	FunctionTo   string `json:"function_to"`
	StartFrom    string `json:"start_from"`
	StartTo      string `json:"start_to"`
	Reason       string `json:"reason,omitempty"`
}

// PlacementCorrections lists the corrections of placement id as of m (the
// zero moment: now), oldest first, replayed from its stream: the read
// model keeps only the values in force. Not found unless a sees the
// placement.
func (q *Queries) PlacementCorrections(ctx context.Context, a domain.Actor, r asof.StreamReader, id string, m asof.Moment) ([]Correction, error) {
	pl := &placement.Placement{}
	var out []Correction
	var actors []string
	_, _, err := asof.Stream(ctx, r, placement.Stream(id), m, func(rec eventstore.RecordedEvent) error {
		ev, err := placement.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			return fmt.Errorf("readmodel/identity: %s revision %d: %w", rec.Stream, rec.Revision, err)
		}
		if c, ok := ev.(*placement.Corrected); ok {
			out = append(out, Correction{At: rec.Created, ByRole: rec.Metadata.ActorRole,
				FunctionFrom: pl.Function(), FunctionTo: c.Function,
				StartFrom: pl.Period().Start.UTC().Format(time.DateOnly), StartTo: c.Start.UTC().Format(time.DateOnly),
				Reason: c.Reason})
			actors = append(actors, rec.Metadata.ActorID)
		}
		return pl.Apply(ev)
	})
	if err != nil {
		return nil, err
	}
	if !pl.Exists() || !account.CanSeePlacement(a, pl.Ref()) {
		return nil, domain.ErrNotFound
	}
	if len(out) == 0 {
		return []Correction{}, nil
	}
	names, err := q.ActorNames(ctx, a, actors)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].By = names[actors[i]]
	}
	return out, nil
}
