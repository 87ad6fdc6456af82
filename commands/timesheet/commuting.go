package timesheet

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/eventstore"
)

// commutingAttempts bounds how often a command whose events commute with
// concurrent ones is decided again after a revision conflict. With n
// writers on one week each round lets at least one through, so the bound
// is set well above the number of people who share a timesheet; the pause
// grows so that a slow machine (the race detector) spreads them out.
const commutingAttempts = 24

// commutingMaxPause caps the random pause between two attempts.
const commutingMaxPause = 25 * time.Millisecond

// decideCommuting is decide for commands whose events commute with any
// concurrent change (a remark, an expense): adding one does not depend on
// what another request just added. On a revision conflict it reloads and
// decides again on the new state, a few times with a short random pause,
// before the conflict reaches the caller as 409. The domain still decides
// every attempt, so a rule the concurrent change broke (the timesheet was
// just offered) is refused as usual.
func (h *Handler) decideCommuting(ctx context.Context, meta commands.Meta, t Target,
	fn func(l *loaded) ([]domain.Event, error)) (commands.Result, []domain.Event, error) {
	for attempt := 1; ; attempt++ {
		res, events, err := h.decide(ctx, meta, t, fn)
		if attempt >= commutingAttempts || !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
			return res, events, err
		}
		pause := time.Duration(rand.Int64N(int64(min(time.Duration(1<<min(attempt, 10))*time.Millisecond, commutingMaxPause)) + 1))
		select {
		case <-ctx.Done():
			return res, events, err
		case <-time.After(pause):
		}
	}
}
