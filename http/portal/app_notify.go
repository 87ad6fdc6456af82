package portal

import (
	"context"

	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/notify/missing"
	"backoffice/notify/prefs"
)

// notifyApp is the portal's part of notify/: each user's mail settings
// (notify/prefs, the same as PUT /api/v1/me/notification-settings) and the
// missing-hours overview (notify/missing, the same as GET
// /api/v1/missing-hours).
type notifyApp struct {
	prefs    *prefs.Store
	overview *missing.Overview
}

// Settings are the user's mail settings.
func (n *notifyApp) Settings(ctx context.Context, a domain.Actor) (prefs.Settings, error) {
	return n.prefs.Get(ctx, a.AccountID)
}

// SetSettings stores the user's own mail settings.
func (n *notifyApp) SetSettings(ctx context.Context, a domain.Actor, v prefs.Settings) error {
	return n.prefs.Set(ctx, a.AccountID, v)
}

// MissingHours is the overview in the actor's scope (403 for workers).
func (n *notifyApp) MissingHours(ctx context.Context, a domain.Actor, weeks []timesheet.ISOWeek, clientID string) (missing.Report, error) {
	return n.overview.For(ctx, a, weeks, clientID)
}

// MissingTotals counts the overview (the home page's summary).
func (n *notifyApp) MissingTotals(ctx context.Context, a domain.Actor, weeks []timesheet.ISOWeek) (missing.Totals, error) {
	return n.overview.TotalsFor(ctx, a, weeks)
}

// seesMissingHours: the overview is for the back office, intermediaries
// and clients.
func seesMissingHours(a domain.Actor) bool {
	_, err := missing.ScopeFor(a)
	return err == nil
}
