package ledger

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
)

// Checkpoint is a digest to check: an auditor's (--digest HEX@POSITION) or a
// recorded one.
type Checkpoint struct {
	Position eventstore.Position
	Digest   eventstore.Hash
	// Events is the count folded up to Position; 0 when not known.
	Events int64
	// Source names where the digest came from, for the report.
	Source string
}

// ParseCheckpoint reads "HEX@POSITION" (POSITION as Position.String writes it).
func ParseCheckpoint(s string) (Checkpoint, error) {
	hexPart, posPart, ok := strings.Cut(s, "@")
	if !ok {
		return Checkpoint{}, fmt.Errorf("ledger: digest %q: want HEX@POSITION", s)
	}
	d, err := eventstore.ParseHash(hexPart)
	if err != nil {
		return Checkpoint{}, err
	}
	p, err := eventstore.ParsePosition(posPart)
	if err != nil {
		return Checkpoint{}, err
	}
	return Checkpoint{Position: p, Digest: d, Source: "given"}, nil
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Pool, when set, supplies the recorded digests and stream heads.
	Pool *pgxpool.Pool
	// Extra are digests to check besides the recorded ones.
	Extra []Checkpoint
	// MaxEvents stops the pass after this many events (0: no limit); the
	// report then says Complete false.
	MaxEvents int64
	// Progress, when set, is called every ProgressEvery events and at the end.
	Progress      func(events int64, at eventstore.Position)
	ProgressEvery int64
}

// Break names the first place where the ledger is not what it should be.
type Break struct {
	// Line is the line of an export file (CheckExport), 0 for the ledger.
	Line     int                 `json:"line,omitempty"`
	Stream   string              `json:"stream,omitempty"`
	Revision uint64              `json:"revision"`
	Position eventstore.Position `json:"-"`
	EventID  uuid.UUID           `json:"event_id,omitzero"`
	Reason   string              `json:"reason"`
	Expected eventstore.Hash     `json:"expected,omitzero"`
	Found    eventstore.Hash     `json:"found,omitzero"`
}

func (b *Break) String() string {
	var parts []string
	if b.Line > 0 {
		parts = append(parts, fmt.Sprintf("line %d", b.Line))
	}
	if b.Stream != "" {
		parts = append(parts, fmt.Sprintf("stream %q revision %d", b.Stream, b.Revision))
	}
	if !b.Position.IsStart() {
		parts = append(parts, "position "+b.Position.String())
	}
	if b.EventID != uuid.Nil {
		parts = append(parts, "event "+b.EventID.String())
	}
	var s strings.Builder
	s.WriteString(strings.Join(parts, ", "))
	if s.Len() > 0 {
		s.WriteString(": ")
	}
	s.WriteString(b.Reason)
	switch {
	case b.Expected == b.Found:
	case b.Found == eventstore.ZeroHash:
		fmt.Fprintf(&s, ": expected %s", b.Expected)
	default:
		fmt.Fprintf(&s, ": expected %s, found %s", b.Expected, b.Found)
	}
	return s.String()
}

// Report is the outcome of Verify.
type Report struct {
	Events   int64
	Streams  int
	Digests  int // checkpoints checked
	Last     eventstore.Position
	Digest   eventstore.Hash // the fold up to Last
	Complete bool            // the pass reached the end of $all
	// Broken is the first break found, nil when intact. A break that names
	// an event (a stream's chain, an inserted event, a cut-off tail) is
	// preferred to a digest mismatch, which can only name a position; the
	// first digest mismatch is in DigestBreak as well.
	Broken      *Break
	DigestBreak *Break
}

// Intact reports whether the pass found nothing wrong (and finished).
func (r Report) Intact() bool { return r.Broken == nil && r.Complete }

type streamState struct {
	chain eventstore.ChainVerifier
	last  uint64
}

// Verify reads $all from the start and checks every stream's chain
// (revision continuity, prev_hash, hash over the contents), the running
// digest at every checkpoint, and, against the stream heads recorded with the
// newest digest, that no stream lost its tail and no event slipped in before
// that digest. It stops at the first break that names an event.
func Verify(ctx context.Context, store eventstore.Store, opts VerifyOptions) (Report, error) {
	v := verifier{streams: map[string]*streamState{}, heads: map[string]head{}, headsChecked: true}
	v.checks = append(v.checks, opts.Extra...)
	if opts.Pool != nil {
		recs, err := Records(ctx, opts.Pool)
		if err != nil {
			return v.rep, err
		}
		for _, r := range recs {
			v.checks = append(v.checks, Checkpoint{Position: r.Position, Digest: r.Digest, Events: r.Events,
				Source: "recorded " + r.RecordedAt.UTC().Format("2006-01-02T15:04:05Z")})
		}
		if len(recs) > 0 {
			v.headsAt, v.headsChecked = recs[len(recs)-1].Position, false
			if v.heads, err = loadHeads(ctx, opts.Pool); err != nil {
				return v.rep, err
			}
		}
	}
	sortChecks(v.checks)
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = 10000
	}
	from := eventstore.Start
	for {
		page, err := store.ReadAll(ctx, from, readPage)
		if err != nil {
			return v.rep, fmt.Errorf("ledger: verify: %w", err)
		}
		for _, e := range page {
			if b := v.event(e); b != nil {
				return v.broken(b), nil
			}
			from = e.Position
			if opts.Progress != nil && v.rep.Events%opts.ProgressEvery == 0 {
				opts.Progress(v.rep.Events, v.rep.Last)
			}
			if opts.MaxEvents > 0 && v.rep.Events >= opts.MaxEvents {
				v.passed(v.rep.Last)
				return v.broken(v.rep.DigestBreak), nil
			}
		}
		if len(page) < readPage {
			break
		}
	}
	if opts.Progress != nil {
		opts.Progress(v.rep.Events, v.rep.Last)
	}
	return v.end("the ledger"), nil
}

// end settles what is left once the pass has read everything: the
// checkpoints, the heads, a checkpoint beyond the last event. what names
// what was read ("the ledger", "the file").
func (v *verifier) end(what string) Report {
	v.rep.Complete = true
	v.passed(v.rep.Last)
	if !v.headsChecked {
		if b := v.checkHeads(); b != nil {
			return v.broken(b)
		}
	}
	if v.next < len(v.checks) && v.rep.DigestBreak == nil {
		c := v.checks[v.next]
		v.rep.DigestBreak = &Break{Position: c.Position, Reason: fmt.Sprintf("%s ends at %s, before the %s digest's position: events were removed", what, v.rep.Last, c.Source),
			Expected: c.Digest, Found: v.digest}
	}
	return v.broken(v.rep.DigestBreak)
}

// verifier is the state of one Verify pass.
type verifier struct {
	rep          Report
	streams      map[string]*streamState
	digest       eventstore.Hash
	checks       []Checkpoint
	next         int                 // index of the next checkpoint to settle
	matched      eventstore.Position // the last checkpoint that matched before any mismatch
	heads        map[string]head
	headsAt      eventstore.Position
	headsChecked bool
}

// event checks and folds the next event of $all.
func (v *verifier) event(e eventstore.RecordedEvent) *Break {
	// Checkpoints and heads strictly before this event are settled now.
	end := v.next
	for end < len(v.checks) && v.checks[end].Position.Before(e.Position) {
		end++
	}
	if end > v.next {
		v.passed(v.checks[end-1].Position)
	}
	if !v.headsChecked && e.Position.After(v.headsAt) {
		if b := v.checkHeads(); b != nil {
			return b
		}
	}
	st := v.streams[e.Stream]
	if st == nil {
		st = &streamState{}
		v.streams[e.Stream] = st
	}
	if err := st.chain.Check(e); err != nil {
		ie := err.(*eventstore.IntegrityError)
		return &Break{Stream: ie.Stream, Revision: ie.Revision, Position: ie.Position, EventID: ie.EventID,
			Reason: ie.Reason, Expected: ie.Expected, Found: ie.Found}
	}
	if !v.headsChecked {
		if h, ok := v.heads[e.Stream]; !ok || e.Revision > h.revision {
			return &Break{Stream: e.Stream, Revision: e.Revision, Position: e.Position, EventID: e.ID,
				Reason: fmt.Sprintf("the event lies before the newest digest (%s) but is not part of it: inserted afterwards", v.headsAt),
				Found:  e.Hash}
		}
	}
	st.last = e.Revision
	v.digest = Fold(v.digest, e.Hash)
	v.rep.Events++
	v.rep.Last, v.rep.Digest = e.Position, v.digest
	return nil
}

// passed settles every checkpoint at or before p, the fold having covered
// every event up to p. A mismatch is kept as the DigestBreak: the pass goes
// on, as a later check may name the event.
func (v *verifier) passed(p eventstore.Position) {
	for v.next < len(v.checks) && !v.checks[v.next].Position.After(p) {
		c := v.checks[v.next]
		v.next++
		v.rep.Digests++
		var b *Break
		switch {
		case c.Position != v.rep.Last:
			b = &Break{Position: c.Position, Reason: fmt.Sprintf("no event at the %s digest's position (the last event before it is at %s): events were removed or moved", c.Source, v.rep.Last)}
		case c.Digest != v.digest || (c.Events > 0 && c.Events != v.rep.Events):
			since := "at or before this position"
			if !v.matched.IsStart() {
				// The digests before it narrow the place down.
				since = fmt.Sprintf("after %s (where the last digest before it matches) and at or before this position", v.matched)
			}
			b = &Break{Position: c.Position, Reason: fmt.Sprintf("the %s digest does not match (%d events folded, %d recorded): an event %s was changed, removed, inserted or reordered", c.Source, v.rep.Events, c.Events, since),
				Expected: c.Digest, Found: v.digest}
		}
		if b == nil && v.rep.DigestBreak == nil {
			v.matched = c.Position
		}
		if b != nil && v.rep.DigestBreak == nil {
			v.rep.DigestBreak = b
		}
	}
}

// checkHeads compares every stream with its head recorded with the newest
// digest, once the pass has folded everything up to that digest.
func (v *verifier) checkHeads() *Break {
	v.headsChecked = true
	names := make([]string, 0, len(v.heads))
	for name := range v.heads {
		names = append(names, name)
	}
	slices.Sort(names) // the same break on every run
	for _, name := range names {
		h := v.heads[name]
		st := v.streams[name]
		switch {
		case st == nil:
			return &Break{Stream: name, Revision: 0, Position: v.headsAt, Reason: "the stream recorded with the newest digest is gone", Expected: h.hash}
		case st.last < h.revision:
			return &Break{Stream: name, Revision: st.last + 1, Position: v.headsAt,
				Reason:   fmt.Sprintf("the stream ends at revision %d, the newest digest recorded it up to revision %d: its tail was removed", st.last, h.revision),
				Expected: h.hash}
		case st.last == h.revision && st.chain.Last() != h.hash:
			return &Break{Stream: name, Revision: st.last, Position: v.headsAt, Reason: "the stream's last hash differs from the one recorded with the newest digest",
				Expected: h.hash, Found: st.chain.Last()}
		}
	}
	return nil
}

func sortChecks(c []Checkpoint) {
	slices.SortStableFunc(c, func(a, b Checkpoint) int { return a.Position.Compare(b.Position) })
}

func (v *verifier) broken(b *Break) Report {
	v.rep.Streams = len(v.streams)
	v.rep.Broken = b
	return v.rep
}

func loadHeads(ctx context.Context, pool *pgxpool.Pool) (map[string]head, error) {
	rows, err := pool.Query(ctx, `SELECT stream, revision, hash FROM ledger_heads`)
	if err != nil {
		return nil, fmt.Errorf("ledger: unable to read stream heads: %w", err)
	}
	defer rows.Close()
	out := map[string]head{}
	for rows.Next() {
		var (
			s   string
			r   int64
			raw []byte
		)
		if err := rows.Scan(&s, &r, &raw); err != nil {
			return nil, fmt.Errorf("ledger: unable to read stream heads: %w", err)
		}
		h, err := eventstore.HashFromBytes(raw)
		if err != nil {
			return nil, err
		}
		out[s] = head{revision: uint64(r), hash: h}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: unable to read stream heads: %w", err)
	}
	return out, nil
}
