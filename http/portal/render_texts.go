package portal

// View helpers for texts that depend on a rule or a count: plural forms,
// deadlines, the password rule's limits, who offered a document.

import (
	"fmt"
	"time"

	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/domain/timesheet"
)

// TN is T for a count: key+".one" when n is 1 (and the catalogue has it),
// else key, with n filled in ("Er wacht 1 urenbriefje", "Er wachten 2").
func (v *view) TN(key string, n int) string {
	if _, ok := lookup(v.Lang, key+".one"); ok && n == 1 {
		return v.T(key+".one", n)
	}
	return v.T(key, n)
}

// Deadline is DateTime for a deadline: one at midnight reads as the end of
// the day before ("maandag 02-02-2026 24:00"), not as during the next day.
func (v *view) Deadline(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(timesheet.Location())
	if l.Hour() != 0 || l.Minute() != 0 {
		return v.DateTime(t)
	}
	prev := l.AddDate(0, 0, -1)
	wd := v.T(fmt.Sprintf("day.long.%d", (int(prev.Weekday())+6)%7))
	return fmt.Sprintf("%s %s 24:00", wd, v.Date(timesheet.DateOf(prev)))
}

// Uploader names who offered a document: the bureau for its own staff and
// the system (the demo seed), not "systeem"; otherwise the role. (The
// documents read model keeps the uploader's role only.)
func (v *view) Uploader(r domain.Role) string {
	if r == domain.RoleSystem || r == domain.RoleBackoffice {
		return v.T("app.name")
	}
	return v.Role(r)
}

// IsRole reports whether the logged-in user has role r ("client", …).
func (v *view) IsRole(r string) bool { return v.User != nil && v.User.Actor.Role == domain.Role(r) }

// MinPasswordLen and MaxPasswordLen are the password rule's limits
// (commands/auth), so the hint and the input's limits say what the rule
// checks.
func (v *view) MinPasswordLen() int { return auth.MinPasswordLen }

// MaxPasswordLen: see MinPasswordLen.
func (v *view) MaxPasswordLen() int { return auth.MaxPasswordLen }
