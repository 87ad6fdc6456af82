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
	return &Handler{store: store, clock: clock}, nil
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
	now    time.Time
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
	if err := t.validate(); err != nil {
		return ts.Terms{}, err
	}
	p := &placement.Placement{}
	if _, err := commands.LoadInto(ctx, h.store, placement.Stream(t.PlacementID), placement.Events, p); err != nil {
		return ts.Terms{}, fmt.Errorf("commands/timesheet: placement %s: %w", t.PlacementID, err)
	}
	if !p.Exists() || !account.CanSeePlacement(actor, p.Ref()) {
		return ts.Terms{}, domain.ErrNotFound
	}
	c := &client.Client{}
	if _, err := commands.LoadInto(ctx, h.store, client.Stream(p.ClientID()), client.Events, c); err != nil {
		return ts.Terms{}, fmt.Errorf("commands/timesheet: client %s: %w", p.ClientID(), err)
	}
	if !c.Exists() {
		return ts.Terms{}, fmt.Errorf("commands/timesheet: placement %s names client %s, which does not exist", t.PlacementID, p.ClientID())
	}
	return termsFor(p, c, t.Week, rule)
}

// load loads the week's terms and the timesheet, checking the actor's scope.
func (h *Handler) load(ctx context.Context, actor domain.Actor, t Target, rule weekRule) (*loaded, error) {
	terms, err := h.terms(ctx, actor, t, rule)
	if err != nil {
		return nil, err
	}
	sheet := &ts.Timesheet{}
	st, err := commands.Load(ctx, h.store, ts.StreamName(t.PlacementID, t.Week), ts.Events, sheet.Apply)
	if err != nil {
		return nil, err
	}
	return &loaded{terms: terms, sheet: sheet, stream: st, now: h.clock()}, nil
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
	res, err := commands.Save(ctx, h.store, l.stream, meta, l.now, events...)
	if err != nil {
		return commands.Result{}, nil, err
	}
	return res, events, nil
}
