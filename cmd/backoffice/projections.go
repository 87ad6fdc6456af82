package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/projections"
)

func projectionsCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "status" && args[0] != "rebuild") {
		return errors.New("usage: backoffice projections status | projections rebuild NAME")
	}
	sub, rest := args[0], args[1:]
	var name string
	if sub == "rebuild" {
		if len(rest) == 0 {
			return errors.New("usage: backoffice projections rebuild NAME (see `projections status` for the names)")
		}
		name, rest = rest[0], rest[1:]
	}
	asm, err := start(ctx, rest, getenv, stderr)
	if err != nil {
		return err
	}
	defer asm.Close(ctx)
	a := asm.App
	if sub == "status" {
		st, err := a.Projections.Status(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PROJECTOR\tSTATE\tCHECKPOINT\tHEAD\tLAG\tRUN BY")
		for _, s := range st {
			lag := fmt.Sprint(s.Lag)
			if s.LagCapped {
				lag = "≥" + lag
			}
			state, by := projectorRunner(s)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, state, s.Checkpoint, s.Head, lag, by)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, s := range st {
			if f := s.Failure; f != nil {
				fmt.Fprintf(stdout, "\n%s stopped at event %s (%s, stream %s revision %d, position %s) since %s:\n  %s\n",
					s.Name, f.EventID, f.Type, f.Stream, f.Revision, f.Position, f.At.Format(time.RFC3339), f.Reason)
			}
		}
		tokens, err := a.Identity.Tokens.PendingTokens(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\n%s\n", pendingTokensLine(tokens))
		return nil
	}
	fmt.Fprintf(stdout, "rebuilding %s\n", name)
	last := -1
	err = a.Projections.Rebuild(ctx, name, func(done, total int) {
		pct := 100
		if total > 0 {
			pct = done * 100 / total
		}
		if pct != last {
			last = pct
			fmt.Fprintf(stdout, "\r%s: %d/~%d events (%d%%)", name, done, total, pct)
		}
	})
	fmt.Fprintln(stdout)
	if errors.Is(err, projections.ErrLockedElsewhere) {
		return fmt.Errorf("%w: stop the running `backoffice serve` processes (or let them finish) and run the rebuild again", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s rebuilt\n", name)
	return nil
}

// pendingTokensLine tells the operator about the API tokens whose creation
// was recorded but never made live (a killed creation, never retried), and
// what the sweep did about them (identity.PendingTokenBound; counts only).
func pendingTokensLine(st auth.PendingTokenStats) string {
	var b strings.Builder
	fmt.Fprintf(&b, "API tokens never made live: %d pending", st.Pending)
	if st.OldestPending != nil {
		fmt.Fprintf(&b, " (the oldest created %s)", st.OldestPending.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "; %d revoked by the sweep after %s (token.revoked, cause never_activated)", st.Swept, bound(identity.PendingTokenBound))
	if st.LastSwept != nil {
		fmt.Fprintf(&b, ", the last at %s", st.LastSwept.UTC().Format(time.RFC3339))
	}
	if st.Unrecorded > 0 {
		fmt.Fprintf(&b, "; %d of them still to record in the ledger (the next sweep does)", st.Unrecorded)
	}
	return b.String()
}

// bound writes a whole number of days as days.
func bound(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}

// projectorRunner says who runs a projector: this command never does, so
// its own state ("stopped") would mislead while a `serve` runs it; the
// holder of the projector's lock is named instead.
func projectorRunner(s projections.ProjectorStatus) (state, by string) {
	switch {
	case s.Local:
		state, by = string(s.State), "this process"
	case s.Holder != nil:
		state, by = "running in another process", s.Holder.String()
	default:
		return "not running", "no process holds its lock (is `backoffice serve` running?)"
	}
	// A reactor whose read model is being rebuilt (or lags): it goes on
	// once that one has passed its next event.
	if len(s.WaitingFor) > 0 {
		if s.State == projections.StateWaiting {
			state = "waiting"
		} else {
			state += ", waiting"
		}
		state += " for " + strings.Join(s.WaitingFor, ", ")
	}
	return state, by
}
