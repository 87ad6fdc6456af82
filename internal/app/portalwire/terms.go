package portalwire

import (
	"context"
	"fmt"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/client"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// agreementOf returns the client's agreement in force in a week of a
// placement: on the week's Monday, or on the placement's first day when it
// starts mid-week (the rule commands/timesheet applies). The caller has
// checked the actor's scope on the placement already; the agreement is
// read from the ledger because no read model lets a worker see their
// client's agreement.
//
// TODO: replace with commands/timesheet.Handler.Terms once it exists (see
// the report of the composition root); it is the same rule.
func agreementOf(ctx context.Context, store eventstore.Store, clientID string, period ts.Period, week ts.ISOWeek) (client.Agreement, bool, error) {
	c := &client.Client{}
	var applyErr error
	_, err := commands.Load(ctx, store, client.Stream(clientID), client.Events, func(e domain.Event) {
		if err := c.Apply(e); err != nil && applyErr == nil {
			applyErr = err
		}
	})
	if err == nil {
		err = applyErr
	}
	if err != nil {
		return client.Agreement{}, false, fmt.Errorf("portalwire: client %s: %w", clientID, err)
	}
	day := week.Start()
	if day.Before(period.Start) {
		day = period.Start
	}
	a, ok := c.AgreementOn(time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, time.UTC))
	return a, ok, nil
}
