package portal

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

// The timesheet editor's own texts, kept apart from i18n.go so the
// catalogue's shared file changes little (merged into catalogue at start).
var sheetTexts = map[string]map[string]string{
	"nl": {
		"sheet.day_total_col": "Dagtotaal", "sheet.week_total": "Weektotaal", "sheet.lines": "Urenregels",
		"home.waiting.one": "Er wacht %d urenbriefje op u.", "report.km": "Kilometers",
		"weeks.starts":               "De plaatsing begint op %s (week %d): eerdere weken van dit jaar horen er niet bij.",
		"weeks.ends":                 "De plaatsing eindigt op %s (week %d): latere weken van dit jaar horen er niet bij.",
		"weeks.starts_later":         "De plaatsing begint pas op %s (week %d van %d): dit jaar heeft geen weken van deze plaatsing.",
		"weeks.ended_before":         "De plaatsing is geëindigd op %s (week %d van %d): dit jaar heeft geen weken van deze plaatsing.",
		"home.deadline_intermediary": "Accordeer de uren van de vorige week vóór woensdag 10.00 uur.",
		"list.deadline":              "Uiterlijk", "list.enter_before": "invoeren vóór", "list.approve_before": "accorderen vóór",
		"sheet.my_step_done": "U heeft uw stap geaccordeerd.", "sheet.now_next": "Nu is de %s aan de beurt.",
		"sheet.steps": "Accordering", "sheet.step_done": "geaccordeerd", "sheet.step_by": "door %s",
		"sheet.step_next": "aan de beurt", "sheet.step_waiting": "wacht op de vorige stap",
	},
	"en": {
		"sheet.day_total_col": "Day total", "sheet.week_total": "Week total", "sheet.lines": "Hour lines",
		"home.waiting.one": "%d timesheet is waiting for you.", "report.km": "Kilometres",
		"weeks.starts":               "The placement starts on %s (week %d): earlier weeks of this year are not part of it.",
		"weeks.ends":                 "The placement ends on %s (week %d): later weeks of this year are not part of it.",
		"weeks.starts_later":         "The placement only starts on %s (week %d of %d): this year has no weeks of this placement.",
		"weeks.ended_before":         "The placement ended on %s (week %d of %d): this year has no weeks of this placement.",
		"home.deadline_intermediary": "Approve the hours of the previous week before Wednesday 10:00.",
		"list.deadline":              "Deadline", "list.enter_before": "enter before", "list.approve_before": "approve before",
		"sheet.my_step_done": "You have approved your step.", "sheet.now_next": "It is now the %s's turn.",
		"sheet.steps": "Approval", "sheet.step_done": "approved", "sheet.step_by": "by %s",
		"sheet.step_next": "their turn", "sheet.step_waiting": "waiting for the previous step",
	},
}

func init() {
	for lang, texts := range sheetTexts {
		for k, v := range texts {
			if _, dup := catalogue[lang][k]; dup {
				panic("portal: text " + k + " defined twice")
			}
			catalogue[lang][k] = v
		}
	}
}
