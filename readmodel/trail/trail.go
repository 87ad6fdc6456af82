// Package trail answers an auditor's "who did what, when" about one worker
// from the event store itself, not from a read model: one pass over $all
// picks the worker's own stream, their payroll data, their placements, the
// timesheets of those placements, their placement roster (the claims of
// the overlap guard), their login account, and every event their account
// caused anywhere (a signature, a remark). Every stream's hash
// chain is checked on the way, as verify does: a trail through tampered
// history is refused (eventstore.ErrIntegrity).
package trail

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"backoffice/domain/account"
	"backoffice/domain/payroll"
	"backoffice/domain/placement"
	"backoffice/domain/worker"
	"backoffice/eventstore"
)

// Event is one line of the trail: what happened (the event type), where
// (stream, position), when, by whom, and why it belongs to the worker.
type Event struct {
	Position   string    `json:"position"`
	Stream     string    `json:"stream"`
	Revision   uint64    `json:"revision"`
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurred_at"`
	RecordedAt time.Time `json:"recorded_at"`
	ActorRole  string    `json:"actor_role"`
	ActorID    string    `json:"actor_id"`
	// ActorName is the account's name where the reader may see it (set by
	// Name), as in a timesheet's history.
	ActorName string `json:"actor_name,omitempty"`
	// About is why the event is in the trail: worker, payroll, placement,
	// roster, timesheet, account, or by_account (caused by the worker's
	// account).
	About string `json:"about"`
	// Claim is what a roster event (placement.claimed) claimed: the
	// stream names the worker, not the placement.
	Claim *Claim `json:"claim,omitempty"`
}

// Claim is a placement.claimed of the worker's roster: placement
// PlacementID at ClientID was about to be given Start..End (End empty:
// open-ended). Whether it was, the placement's own event that follows
// says (a claim whose append never followed changed nothing).
type Claim struct {
	PlacementID string `json:"placement_id"`
	ClientID    string `json:"client_id"`
	Start       string `json:"start"`
	End         string `json:"end,omitempty"`
}

// Trail is the worker's events in the order of the ledger.
type Trail struct {
	WorkerID string  `json:"worker_id"`
	Events   []Event `json:"events"`
	// Scanned is how many events of $all were read; Complete is false when
	// the bound stopped the pass.
	Scanned  int64 `json:"scanned"`
	Complete bool  `json:"complete"`
}

// weekSuffix is what follows "timesheet-<placement>-" (timesheet.StreamName):
// a placement whose ID extends another's ("p1-b" and "p1") is not mixed in.
var weekSuffix = regexp.MustCompile(`^[0-9]{4}W[0-9]{2}$`)

const page = 1000

// OfWorker reads $all (at most maxEvents; 0: no bound) and returns the
// worker's trail. A worker of whom the ledger holds nothing has an empty
// trail.
func OfWorker(ctx context.Context, store eventstore.Store, workerID string, maxEvents int64) (Trail, error) {
	tr := Trail{WorkerID: workerID, Events: []Event{}}
	placements := map[string]bool{} // placement IDs of the worker
	accounts := map[string]bool{}   // login accounts of the worker
	chains := map[string]*eventstore.ChainVerifier{}
	from := eventstore.Start
	for {
		evs, err := store.ReadAll(ctx, from, page)
		if err != nil {
			return tr, fmt.Errorf("trail: %w", err)
		}
		for _, e := range evs {
			c := chains[e.Stream]
			if c == nil {
				c = &eventstore.ChainVerifier{}
				chains[e.Stream] = c
			}
			if err := c.Check(e); err != nil {
				return tr, fmt.Errorf("trail: %w", err)
			}
			if about := aboutWorker(e, workerID, placements, accounts); about != "" {
				tr.Events = append(tr.Events, Event{Position: e.Position.String(), Stream: e.Stream, Revision: e.Revision, Type: e.Type,
					OccurredAt: e.Metadata.OccurredAt, RecordedAt: e.Created.UTC(), ActorRole: e.Metadata.ActorRole, ActorID: e.Metadata.ActorID,
					About: about, Claim: claimOf(e)})
			}
			from = e.Position
			tr.Scanned++
			if maxEvents > 0 && tr.Scanned >= maxEvents {
				return tr, nil
			}
		}
		if len(evs) < page {
			tr.Complete = true
			return tr, nil
		}
	}
}

// Name fills in the actors' names, resolved by names (account IDs to
// names; an ID it leaves out stays unnamed).
func (t *Trail) Name(ctx context.Context, names func(context.Context, []string) (map[string]string, error)) error {
	seen := map[string]bool{}
	var ids []string
	for _, e := range t.Events {
		if e.ActorID != "" && !seen[e.ActorID] {
			seen[e.ActorID] = true
			ids = append(ids, e.ActorID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	m, err := names(ctx, ids)
	if err != nil {
		return err
	}
	for i := range t.Events {
		t.Events[i].ActorName = m[t.Events[i].ActorID]
	}
	return nil
}

// aboutWorker tells why e belongs to the worker's trail ("" when not),
// learning the worker's placements and accounts as they start.
func aboutWorker(e eventstore.RecordedEvent, workerID string, placements, accounts map[string]bool) string {
	var ref struct {
		WorkerID string `json:"worker_id"`
	}
	switch e.Type {
	case placement.TypeStarted, account.TypeCreated:
		if json.Unmarshal(e.Data, &ref) == nil && ref.WorkerID == workerID {
			if e.Type == placement.TypeStarted {
				placements[strings.TrimPrefix(e.Stream, placement.StreamPrefix)] = true
			} else {
				accounts[strings.TrimPrefix(e.Stream, account.StreamPrefix)] = true
			}
		}
	}
	switch {
	case e.Stream == worker.Stream(workerID):
		return "worker"
	case e.Stream == payroll.WorkerStream(workerID):
		return "payroll"
	case e.Stream == placement.RosterStream(workerID):
		return "roster"
	case strings.HasPrefix(e.Stream, placement.StreamPrefix) && placements[strings.TrimPrefix(e.Stream, placement.StreamPrefix)]:
		return "placement"
	case strings.HasPrefix(e.Stream, account.StreamPrefix) && accounts[strings.TrimPrefix(e.Stream, account.StreamPrefix)]:
		return "account"
	case timesheetOf(e.Stream, placements):
		return "timesheet"
	case accounts[e.Metadata.ActorID]:
		return "by_account"
	}
	return ""
}

// claimOf is what a roster event claimed; nil for any other event (or
// one that does not read as a claim).
func claimOf(e eventstore.RecordedEvent) *Claim {
	var c placement.Claimed
	if e.Type != placement.TypeClaimed || json.Unmarshal(e.Data, &c) != nil {
		return nil
	}
	out := &Claim{PlacementID: c.PlacementID, ClientID: c.ClientID, Start: c.Start.Format(time.DateOnly)}
	if c.End != nil {
		out.End = c.End.Format(time.DateOnly)
	}
	return out
}

// timesheetOf reports whether stream is a timesheet of one of placements:
// "timesheet-<placement>-<YYYY>W<WW>", the last 7 characters the week.
func timesheetOf(stream string, placements map[string]bool) bool {
	rest, ok := strings.CutPrefix(stream, "timesheet-")
	if !ok || len(rest) <= 8 {
		return false
	}
	p, week := rest[:len(rest)-7], rest[len(rest)-7:]
	return strings.HasSuffix(p, "-") && placements[strings.TrimSuffix(p, "-")] && weekSuffix.MatchString(week)
}
