package payroll

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/readmodel/asof"
)

// Replayer is the part of the event store the feed's replay reads: the
// global log (filtered by type in the database when the store can).
type Replayer interface {
	ReadAll(ctx context.Context, from eventstore.Position, max int) ([]eventstore.RecordedEvent, error)
	HeadPosition(ctx context.Context) (eventstore.Position, error)
}

const replayPage = 1000

// FeedAsOf answers a page of the feed as it was at moment m, from a replay
// of the event store (not the read model): the projector's own fold
// (sheet.apply) over the timesheet events up to m, kept in memory. It reads
// the global log from the start up to m (for a time: up to the head, each
// stream as a prefix of the events recorded by then), so it costs one pass
// over that part of the log and memory for the approvals in it; it is an
// auditor's query, not the payroll package's (docs/audit.md §6).
func (q *Queries) FeedAsOf(ctx context.Context, actor domain.Actor, req FeedRequest, r Replayer, m asof.Moment) (Page, error) {
	if m.IsZero() {
		page, err := q.Feed(ctx, actor, req)
		if err == nil && len(page.Items) == 0 {
			err = cursorInLog(ctx, r, req.After)
		}
		return page, err
	}
	req, err := checkRequest(actor, req)
	if err != nil {
		return Page{}, err
	}
	sheets, err := replayFeed(ctx, r, m)
	if err != nil {
		return Page{}, err
	}
	var items []Item
	for _, s := range sheets {
		for _, a := range s.approvals {
			it, err := itemOf(s, a)
			if err != nil {
				return Page{}, err
			}
			if it.position.After(req.After) && (req.IncludeImported || !it.Imported) {
				items = append(items, it)
			}
		}
	}
	slices.SortFunc(items, func(a, b Item) int {
		switch {
		case a.position.After(b.position):
			return 1
		case b.position.After(a.position):
			return -1
		}
		return 0
	})
	if len(items) == 0 {
		if err := cursorInLog(ctx, r, req.After); err != nil {
			return Page{}, err
		}
	}
	return pageOf(items, req), nil
}

// replayFeed folds the timesheet events the feed handles, up to m, per
// stream.
func replayFeed(ctx context.Context, r Replayer, m asof.Moment) (map[string]*sheet, error) {
	feed := NewFeed()
	var types []string
	for _, t := range ts.Events.Types() {
		if feed.Handles(t) {
			types = append(types, t)
		}
	}
	end, byPos := m.Position()
	if !byPos {
		head, err := r.HeadPosition(ctx)
		if err != nil {
			return nil, fmt.Errorf("payroll: as of: unable to read the head: %w", err)
		}
		end = head
	}
	sheets := map[string]*sheet{}
	closed := map[string]bool{} // streams past the moment: the rest is not replayed
	filter, _ := r.(eventstore.TypeFilteredReader)
	from := eventstore.Start
	for {
		var (
			evs     []eventstore.RecordedEvent
			scanned eventstore.Position
			n       int
			err     error
		)
		if filter != nil {
			evs, scanned, n, err = filter.ReadAllTypes(ctx, from, replayPage, types)
		} else {
			evs, err = r.ReadAll(ctx, from, replayPage)
			if n = len(evs); n > 0 {
				scanned = evs[n-1].Position
			}
		}
		if err != nil {
			return nil, fmt.Errorf("payroll: as of: unable to read the log: %w", err)
		}
		for _, rec := range evs {
			if rec.Position.After(end) {
				return sheets, nil
			}
			if !feed.Handles(rec.Type) || closed[rec.Stream] {
				continue
			}
			if !m.Admits(rec) {
				closed[rec.Stream] = true
				continue
			}
			s := sheets[rec.Stream]
			if s == nil {
				s = &sheet{stream: rec.Stream, revision: -1, oldRevision: -1}
				sheets[rec.Stream] = s
			}
			ev, err := ts.Events.Decode(rec.Type, rec.Data)
			if err != nil {
				return nil, fmt.Errorf("payroll: %s revision %d: %w", rec.Stream, rec.Revision, err)
			}
			if err := s.apply(ev, rec); err != nil {
				return nil, err
			}
			s.revision = int64(rec.Revision)
		}
		if n == 0 || scanned.After(end) || scanned == end {
			return sheets, nil
		}
		from = scanned
	}
}

// itemOf is a feed item as the feed query reads it back from its row
// (times as PostgreSQL stores them: microseconds, UTC).
func itemOf(s *sheet, a *approval) (Item, error) {
	it := Item{
		Placement: s.placementID, Week: fmt.Sprintf("%04d-W%02d", s.isoYear, s.isoWeek),
		WeekStart: s.weekStart, WeekEnd: s.weekEnd, WorkerID: s.worker, ClientID: s.client,
		IntermediaryID: s.intermediary, Round: int(a.round), Hash: a.hash, TotalMinutes: int(a.totalMinutes),
		ApprovedAt: stored(a.approvedAt), ApprovalDeadline: stored(a.deadline), Late: a.late,
		Imported: a.imported, CorrectionOf: a.correctionOf,
		position: eventstore.Position{Commit: uint64(a.commit), Prepare: uint64(a.prepare)},
	}
	it.Cursor = FormatCursor(it.position)
	if a.imported {
		at := stored(a.importedAt)
		it.ImportBatch, it.ImportedAt = a.importBatch, &at
	}
	for i := 0; i < len(a.dayTotals) && i < 7; i++ {
		it.DayTotals[i] = int(a.dayTotals[i])
	}
	if err := json.Unmarshal([]byte(a.lines), &it.Lines); err != nil {
		return Item{}, fmt.Errorf("payroll: as of: %s: bad lines: %w", s.stream, err)
	}
	if err := json.Unmarshal([]byte(a.expenses), &it.Expenses); err != nil {
		return Item{}, fmt.Errorf("payroll: as of: %s: bad expenses: %w", s.stream, err)
	}
	if err := json.Unmarshal([]byte(a.allowances), &it.Allowances); err != nil {
		return Item{}, fmt.Errorf("payroll: as of: %s: bad allowances: %w", s.stream, err)
	}
	return it, nil
}

func stored(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// cursorInLog refuses a cursor after the last event of the log: no feed
// handed it out (forged, mistyped, or kept from another installation), and
// answering an empty page with it as next_cursor would have the poller
// skip every approval until the log passed it. Asked only when a page is
// empty, so the rows' cursors cost nothing; a row's position is never
// after the head a reader sees.
func cursorInLog(ctx context.Context, r Replayer, after eventstore.Position) error {
	if r == nil || after == eventstore.Start {
		return nil
	}
	head, err := r.HeadPosition(ctx)
	if err != nil {
		return fmt.Errorf("payroll: feed: head of the log: %w", err)
	}
	if after.After(head) {
		return domain.Invalid("cursor_invalid", "after",
			fmt.Sprintf("after (%s) lies beyond the end of the event log: it is no cursor of this feed; read the feed from the start", after),
			fmt.Sprintf("after (%s) ligt voorbij het einde van het logboek: het is geen cursor van deze feed; lees de feed vanaf het begin.", after))
	}
	return nil
}
