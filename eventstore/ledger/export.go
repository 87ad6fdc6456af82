package ledger

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"backoffice/eventstore"
)

// ExportedEvent is one line of the audit export (NDJSON): everything the
// hash needs, as stored, so an auditor can re-verify the chains and the
// digest offline (docs/audit.md). Data is the stored JSON payload as a
// string, byte for byte (personal data in it stays encrypted); times are
// RFC 3339 with all their digits.
type ExportedEvent struct {
	Position      string `json:"position"`
	Stream        string `json:"stream"`
	Revision      uint64 `json:"revision"`
	EventID       string `json:"event_id"`
	Type          string `json:"type"`
	Data          string `json:"data"`
	ActorID       string `json:"actor_id"`
	ActorRole     string `json:"actor_role"`
	CorrelationID string `json:"correlation_id"`
	CausationID   string `json:"causation_id"`
	OccurredAt    string `json:"occurred_at"`
	Recorded      string `json:"recorded"`
	PrevHash      string `json:"prev_hash"`
	Hash          string `json:"hash"`
}

// Exported converts a stored event to its export line.
func Exported(e eventstore.RecordedEvent) ExportedEvent {
	return ExportedEvent{
		Position: e.Position.String(), Stream: e.Stream, Revision: e.Revision, EventID: e.ID.String(),
		Type: e.Type, Data: string(e.Data),
		ActorID: e.Metadata.ActorID, ActorRole: e.Metadata.ActorRole,
		CorrelationID: e.Metadata.CorrelationID, CausationID: e.Metadata.CausationID,
		OccurredAt: e.Metadata.OccurredAt.Format(time.RFC3339Nano),
		Recorded:   e.Created.UTC().Format(time.RFC3339Nano),
		PrevHash:   e.PrevHash.String(), Hash: e.Hash.String(),
	}
}

// ExportRange selects events of $all: strictly after After, up to and
// including To (when set), at most Limit (0: no limit).
type ExportRange struct {
	After eventstore.Position
	To    *eventstore.Position
	Limit int
	// End writes the closing line (ExportEnd) after the events: a file
	// export has one, so a file cut off at a line boundary is told from a
	// whole one. The API's pages have none.
	End bool
	// Progress, when set, is called every 10,000 events and at the end.
	Progress func(events int, at eventstore.Position)
}

// ExportEnd is the closing line of a file export: how many events the file
// holds and the last one's position, and, for an export from the first
// event, the digest up to it (what verify prints).
type ExportEnd struct {
	End          bool   `json:"end"`
	Events       int    `json:"events"`
	LastPosition string `json:"last_position"`
	Digest       string `json:"digest,omitempty"`
}

// Export writes the selected events as NDJSON and returns how many it wrote
// and the position of the last one (After when none).
func Export(ctx context.Context, store eventstore.Store, r ExportRange, w io.Writer) (int, eventstore.Position, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n, last := 0, r.After
	var digest eventstore.Hash // the fold, meaningful when After is Start
	closing := func() error {
		if r.Progress != nil {
			r.Progress(n, last)
		}
		if r.End {
			c := ExportEnd{End: true, Events: n, LastPosition: last.String()}
			if r.After.IsStart() {
				c.Digest = digest.String()
			}
			if err := enc.Encode(c); err != nil {
				return err
			}
		}
		return bw.Flush()
	}
	for {
		page := readPage
		if r.Limit > 0 {
			page = min(page, r.Limit-n)
		}
		if page == 0 {
			break
		}
		evs, err := store.ReadAll(ctx, last, page)
		if err != nil {
			return n, last, fmt.Errorf("ledger: export: %w", err)
		}
		for _, e := range evs {
			if r.To != nil && e.Position.After(*r.To) {
				return n, last, closing()
			}
			if err := enc.Encode(Exported(e)); err != nil {
				return n, last, err
			}
			n, last, digest = n+1, e.Position, Fold(digest, e.Hash)
			if r.Progress != nil && n%10000 == 0 {
				r.Progress(n, last)
			}
		}
		if len(evs) < page {
			break
		}
	}
	return n, last, closing()
}
