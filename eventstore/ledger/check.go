package ledger

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
)

// CheckExport re-verifies an export file from the first event (`backoffice
// audit check`), without the database: every line must be a whole event,
// the positions must rise, every stream's chain must hold, the closing line
// must match what came before it (a file cut off at a line boundary has
// none; a file without one passes only when a digest in opts.Extra names its
// last event, as for the API's pages put together), and every digest in
// opts.Extra must match the fold at its position.
// Lines moved within the file or export files joined in the wrong order break
// the rising positions; a file that is whole but rewritten consistently is
// caught only by a digest the auditor wrote down (opts.Extra). opts.Pool is
// not used.
func CheckExport(ctx context.Context, r io.Reader, opts VerifyOptions) (Report, error) {
	v := verifier{streams: map[string]*streamState{}, headsChecked: true}
	v.checks = append(v.checks, opts.Extra...)
	sortChecks(v.checks)
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = 10000
	}
	in := bufio.NewScanner(r)
	in.Buffer(nil, 64<<20)
	line := 0
	var closing *ExportEnd
	for in.Scan() {
		line++
		if line%1000 == 0 && ctx.Err() != nil {
			return v.rep, ctx.Err()
		}
		if closing != nil {
			return v.broken(&Break{Line: line, Reason: fmt.Sprintf("a line after the export's closing line (line %d): files were joined or lines added", line-1)}), nil
		}
		var l struct {
			ExportedEvent
			ExportEnd
		}
		if err := json.Unmarshal(in.Bytes(), &l); err != nil {
			return v.broken(&Break{Line: line, Reason: fmt.Sprintf("not a whole line of the export (the file is cut off or damaged): %v", err)}), nil
		}
		if l.End {
			closing = &l.ExportEnd
			if b := v.closing(line, l.ExportEnd); b != nil {
				return v.broken(b), nil
			}
			continue
		}
		e, err := l.recorded()
		if err != nil {
			return v.broken(&Break{Line: line, Reason: fmt.Sprintf("not a readable event: %v", err)}), nil
		}
		if v.rep.Events > 0 && !e.Position.After(v.rep.Last) {
			return v.broken(&Break{Line: line, Stream: e.Stream, Revision: e.Revision, Position: e.Position, EventID: e.ID,
				Reason: fmt.Sprintf("out of order: the line before holds position %s: lines were moved, or export files joined in the wrong order", v.rep.Last)}), nil
		}
		if _, seen := v.streams[e.Stream]; !seen && e.Revision > 0 {
			return v.broken(&Break{Line: line, Stream: e.Stream, Revision: e.Revision, Position: e.Position, EventID: e.ID,
				Reason: "the file holds none of the stream's earlier events: lines were removed, or the export did not start at the first event (--from)"}), nil
		}
		if b := v.event(e); b != nil {
			b.Line = line
			return v.broken(b), nil
		}
		if opts.Progress != nil && v.rep.Events%opts.ProgressEvery == 0 {
			opts.Progress(v.rep.Events, v.rep.Last)
		}
	}
	if err := in.Err(); err != nil {
		return v.broken(&Break{Line: line + 1, Reason: fmt.Sprintf("unreadable: %v", err)}), nil
	}
	if opts.Progress != nil {
		opts.Progress(v.rep.Events, v.rep.Last)
	}
	switch {
	case line == 0:
		return v.broken(&Break{Reason: "the file is empty"}), nil
	case closing == nil && !v.given(v.rep.Last):
		return v.broken(&Break{Line: line, Position: v.rep.Last,
			Reason: "the file ends here without the export's closing line: it was cut off " +
				"(pages of GET /audit/events have none: give the digest of GET /audit/verify with --digest)"}), nil
	}
	return v.end("the file"), nil
}

// given reports whether a checkpoint lies exactly at p: a file without a
// closing line (the API's pages put together) is whole up to a digest
// given for its last event.
func (v *verifier) given(p eventstore.Position) bool {
	for _, c := range v.checks {
		if c.Position == p && !p.IsStart() {
			return true
		}
	}
	return false
}

// closing compares the export's closing line with the events read.
func (v *verifier) closing(line int, c ExportEnd) *Break {
	if c.Events != int(v.rep.Events) || c.LastPosition != v.rep.Last.String() {
		return &Break{Line: line, Position: v.rep.Last, Reason: fmt.Sprintf("the closing line says %d events up to %s, the file holds %d up to %s: lines were removed or added",
			c.Events, c.LastPosition, v.rep.Events, v.rep.Last)}
	}
	if c.Digest != "" && c.Digest != v.digest.String() {
		d, _ := eventstore.ParseHash(c.Digest)
		return &Break{Line: line, Position: v.rep.Last, Reason: "the closing line's digest does not match the events above it", Expected: d, Found: v.digest}
	}
	return nil
}

// recorded reads an export line back into the event it was written from.
func (x ExportedEvent) recorded() (eventstore.RecordedEvent, error) {
	e := eventstore.RecordedEvent{Stream: x.Stream, Revision: x.Revision, Type: x.Type, Data: json.RawMessage(x.Data),
		Metadata: eventstore.Metadata{ActorID: x.ActorID, ActorRole: x.ActorRole, CorrelationID: x.CorrelationID, CausationID: x.CausationID}}
	var err error
	if e.Position, err = eventstore.ParsePosition(x.Position); err != nil {
		return e, err
	}
	if e.ID, err = uuid.Parse(x.EventID); err != nil {
		return e, fmt.Errorf("event_id: %w", err)
	}
	if e.Metadata.OccurredAt, err = time.Parse(time.RFC3339Nano, x.OccurredAt); err != nil {
		return e, fmt.Errorf("occurred_at: %w", err)
	}
	if e.Created, err = time.Parse(time.RFC3339Nano, x.Recorded); err != nil {
		return e, fmt.Errorf("recorded: %w", err)
	}
	if e.PrevHash, err = eventstore.ParseHash(x.PrevHash); err != nil {
		return e, fmt.Errorf("prev_hash: %w", err)
	}
	if e.Hash, err = eventstore.ParseHash(x.Hash); err != nil {
		return e, fmt.Errorf("hash: %w", err)
	}
	return e, nil
}
