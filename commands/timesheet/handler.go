package timesheet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/validate"
	"backoffice/eventstore"
)

// Handler runs the timesheet commands against an event store.
type Handler struct {
	store eventstore.Store
	clock func() time.Time
	links *clientLinks // placement → client, see clientlinks.go
}

// New returns the handler. The clock decides deadlines, late flags and
// fillable weeks; both dependencies are required.
func New(store eventstore.Store, clock func() time.Time) (*Handler, error) {
	if store == nil {
		return nil, errors.New("commands/timesheet: nil event store")
	}
	if clock == nil {
		return nil, errors.New("commands/timesheet: nil clock")
	}
	return &Handler{store: store, clock: clock, links: newClientLinks()}, nil
}

// Target names a timesheet: a placement and an ISO week.
type Target struct {
	PlacementID string
	Week        ts.ISOWeek
}

func (t Target) validate() error {
	if err := validate.ID("placement_id", t.PlacementID); err != nil {
		return err
	}
	if !t.Week.Valid() {
		return domain.Invalid("week_invalid", "week", "not an ISO week (e.g. 2026-W05)", "Geen geldige week (bijvoorbeeld 2026-W05).")
	}
	return nil
}

// loaded is a timesheet ready for a decision.
type loaded struct {
	terms  ts.Terms
	sheet  *ts.Timesheet
	stream commands.Stream
	// decidedOn are the placement and client streams the terms come
	// from, as read: the append requires them unchanged.
	decidedOn []commands.Stream
	now       time.Time
	// first is the previous week's follow-up of the decision (follow.go),
	// appended before the decision's own events; nil when there is none.
	first *followUp
}

// Terms returns what applies to the timesheet t: the hour types that may
// be booked, the entry mode, who enters the hours and the approval chain,
// from the client's agreement in force in the week (the rule every command
// decides by), so adapters never rebuild them. It reads the ledger, not a
// read model. A placement outside the actor's scope (or unknown) is
// domain.ErrNotFound; a week outside the placement period is the rule
// error week_outside_placement, a week without an agreement no_agreement.
func (h *Handler) Terms(ctx context.Context, actor domain.Actor, t Target) (ts.Terms, error) {
	return h.terms(ctx, actor, t, weekInPlacement)
}

// weekRule says whether a command needs the week to overlap the placement.
type weekRule bool

const (
	// weekInPlacement: entering and offering hours need the week to lie in
	// the placement period.
	weekInPlacement weekRule = true
	// anyWeek: deciding on a timesheet that was already offered (approve,
	// reject, mark imported) must stay possible after the placement was
	// ended retroactively, or the timesheet would be stuck for good.
	anyWeek weekRule = false
)

func (h *Handler) terms(ctx context.Context, actor domain.Actor, t Target, rule weekRule) (ts.Terms, error) {
	terms, _, _, err := h.read(ctx, actor, t, rule, nil)
	return terms, err
}

// read loads the week's terms from the placement and its client, checking
// the actor's scope, and with them, in the same ReadStreams (one snapshot,
// one round trip once the placement's client is known), the streams of
// extra. It returns the placement and client streams as read and extra's
// slices. Every event read is checked against its stream's hash chain.
func (h *Handler) read(ctx context.Context, actor domain.Actor, t Target, rule weekRule, extra []eventstore.StreamRead) (ts.Terms, []commands.Stream, []eventstore.StreamSlice, error) {
	if err := t.validate(); err != nil {
		return ts.Terms{}, nil, nil, err
	}
	pName := placement.Stream(t.PlacementID)
	reads := append([]eventstore.StreamRead{{Stream: pName}}, extra...)
	cName := h.links.of(pName)
	if cName != "" {
		reads = append(reads, eventstore.StreamRead{Stream: cName})
	}
	got, err := h.store.ReadStreams(ctx, reads...)
	if err != nil {
		return ts.Terms{}, nil, nil, fmt.Errorf("commands/timesheet: placement %s: %w", t.PlacementID, err)
	}
	p := &placement.Placement{}
	pst, err := foldSlice(ctx, got[0], placement.Events, p)
	if err != nil {
		return ts.Terms{}, nil, nil, fmt.Errorf("commands/timesheet: placement %s: %w", t.PlacementID, err)
	}
	eventstore.RecycleEvents(got[0].Events) // folded: only p is used from here on
	got[0].Events = nil
	if !p.Exists() || !account.CanSeePlacement(actor, p.Ref()) {
		return ts.Terms{}, nil, nil, domain.ErrNotFound
	}
	want := client.Stream(p.ClientID())
	cSlice := got[len(got)-1]
	if cName != want {
		more, err := h.store.ReadStreams(ctx, eventstore.StreamRead{Stream: want})
		if err != nil {
			return ts.Terms{}, nil, nil, fmt.Errorf("commands/timesheet: client %s: %w", p.ClientID(), err)
		}
		cSlice = more[0]
		h.links.set(pName, want)
	}
	c := &client.Client{}
	cst, err := foldSlice(ctx, cSlice, client.Events, c)
	if err != nil {
		return ts.Terms{}, nil, nil, fmt.Errorf("commands/timesheet: client %s: %w", p.ClientID(), err)
	}
	eventstore.RecycleEvents(cSlice.Events) // folded: only c is used from here on
	if !c.Exists() {
		return ts.Terms{}, nil, nil, fmt.Errorf("commands/timesheet: placement %s names client %s, which does not exist", t.PlacementID, p.ClientID())
	}
	terms, err := termsFor(p, c, t.Week, rule)
	return terms, []commands.Stream{pst, cst}, got[1 : 1+len(extra)], err
}

// foldSlice folds a whole stream read by ReadStreams into agg, checking its
// hash chain (commands.Fold); an event agg refuses is an error.
func foldSlice(ctx context.Context, sl eventstore.StreamSlice, reg *domain.Registry, agg commands.Folder) (commands.Stream, error) {
	st := commands.Stream{Name: sl.Stream}
	var chain eventstore.ChainVerifier
	var applyErr error
	err := commands.Fold(ctx, &st, &chain, sl.Events, reg, func(e domain.Event) {
		applyErr = errors.Join(applyErr, agg.Apply(e))
	})
	return st, errors.Join(err, applyErr)
}

// load loads the week's terms and the timesheet, checking the actor's
// scope: one ReadStreams for the placement, the client (once cached) and
// the timesheet.
func (h *Handler) load(ctx context.Context, actor domain.Actor, t Target, rule weekRule) (*loaded, error) {
	name := ts.StreamName(t.PlacementID, t.Week)
	terms, decidedOn, got, err := h.read(ctx, actor, t, rule, []eventstore.StreamRead{{Stream: name}})
	if err != nil {
		return nil, err
	}
	sheet := &ts.Timesheet{}
	st, err := foldSlice(ctx, got[0], ts.Events, sheet)
	if err != nil {
		return nil, err
	}
	// Folded: only sheet is used from here on. The timesheet's events are
	// most of what a command allocates (eventstore.RecycleEvents).
	eventstore.RecycleEvents(got[0].Events)
	return &loaded{terms: terms, sheet: sheet, stream: st, decidedOn: decidedOn, now: h.clock()}, nil
}

func dateOf(t time.Time) ts.Date {
	if t.IsZero() {
		return ts.Date{}
	}
	return ts.DateOf(t.UTC())
}

// termsFor builds the week's terms from the placement and the client's
// agreement in force on the week's first day within the placement (the
// Monday, or the start of a placement that begins mid-week).
func termsFor(p *placement.Placement, c *client.Client, week ts.ISOWeek, rule weekRule) (ts.Terms, error) {
	per := p.Period()
	period := ts.Period{Start: dateOf(per.Start), End: dateOf(per.End)}
	if rule == weekInPlacement && !period.Overlaps(week) {
		return ts.Terms{}, domain.Rule("week_outside_placement", "week", "the week is outside the placement period",
			"Deze week valt buiten de plaatsingsperiode.")
	}
	day := week.Start()
	if day.Before(period.Start) {
		day = period.Start
	}
	a, ok := c.AgreementOn(time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, time.UTC))
	if !ok {
		return ts.Terms{}, domain.Rule("no_agreement", "week", "there is no agreement with the client for this week",
			"Voor deze week zijn er geen afspraken met de opdrachtgever.")
	}
	terms := ts.Terms{
		PlacementID:      p.ID(),
		Week:             week,
		NormalHourType:   a.NormalHourType,
		TimeRegistration: a.TimeRegistration,
		EnteredBy:        a.EnteredBy,
		Chain:            append([]domain.Role(nil), a.ApprovalChain...),
		Period:           period,
		Allowances:       ts.AllowanceRates{PerDayCents: a.Allowances.PerDayCents, PerHourCents: a.Allowances.PerHourCents},
		ClientID:         p.ClientID(),
		IntermediaryID:   p.IntermediaryID(),
		WorkerID:         p.WorkerID(),
	}
	for _, h := range a.HourTypes {
		terms.HourTypes = append(terms.HourTypes, ts.HourType{Code: h.Code, Name: h.Name, Percentage: h.Percentage, Absence: h.Absence})
	}
	return terms, nil
}

// decide loads the timesheet, runs the aggregate's decision and saves its
// events with the loaded revision.
func (h *Handler) decide(ctx context.Context, meta commands.Meta, t Target,
	fn func(l *loaded) ([]domain.Event, error)) (commands.Result, []domain.Event, error) {
	return h.decideOn(ctx, meta, t, weekInPlacement, fn)
}

// decideOn is decide with the week rule of the command (see weekRule).
func (h *Handler) decideOn(ctx context.Context, meta commands.Meta, t Target, rule weekRule,
	fn func(l *loaded) ([]domain.Event, error)) (commands.Result, []domain.Event, error) {
	for attempt := 1; ; attempt++ {
		res, events, err := h.decideOnce(ctx, meta, t, rule, fn)
		var wrong *eventstore.WrongExpectedRevisionError
		if errors.As(err, &wrong) && wrong.Stream != ts.StreamName(t.PlacementID, t.Week) {
			// The placement or client changed between our read and the
			// append: nothing was stored. Decide again on what it is now.
			if attempt < 3 {
				continue
			}
		}
		return res, events, err
	}
}

func (h *Handler) decideOnce(ctx context.Context, meta commands.Meta, t Target, rule weekRule,
	fn func(l *loaded) ([]domain.Event, error)) (commands.Result, []domain.Event, error) {
	l, err := h.load(ctx, meta.Actor, t, rule)
	if err != nil {
		return commands.Result{}, nil, err
	}
	if meta.Retry {
		// An earlier attempt under this key may have appended: answer
		// with what it did rather than decide again on the newer state.
		if res, events, found, err := commands.Replayed(ctx, h.store, l.stream, ts.Events, meta); err != nil || found {
			return res, events, err
		}
	}
	events, err := fn(l)
	if err != nil {
		return commands.Result{}, nil, err
	}
	var before commands.Result
	if l.first != nil {
		if before, err = h.saveFollowUp(ctx, meta, l); err != nil {
			return commands.Result{}, nil, err
		}
	}
	res, err := commands.SaveIf(ctx, h.store, l.stream, l.decidedOn, meta, l.now, events...)
	if err != nil {
		if l.first != nil {
			h.resync(ctx, meta, t)
		}
		return commands.Result{}, nil, err
	}
	if before.Position.After(res.Position) {
		res.Position = before.Position // nothing of its own: wait for the follow-up
	}
	return res, events, nil
}
