package timesheet

import (
	"errors"
	"maps"
	"time"

	"backoffice/domain"
)

// LineInput is one line of a SetLines batch: an hour type and its minutes
// per day, Monday first.
type LineInput struct {
	HourType string
	Minutes  [7]Minutes
}

// SetLines sets several hour lines at once, as the editor's grid saves
// them: all lines or none. Each line follows SetLine's rules; the day
// totals are checked on the result of the whole batch, so moving hours from
// one line to another on a full day is allowed. A refusal about one line
// names it in the error's field ("lines.<hour type>.<day>", or
// "lines.<hour type>" for the hour type itself); a day over 24 hours names
// the day ("mon"). Lines that keep their minutes record nothing; the events
// are one LineSet per changed line, in the order given, appended together.
func (t *Timesheet) SetLines(actor domain.Actor, terms Terms, lines []LineInput, now time.Time) ([]domain.Event, error) {
	prelude, err := t.beginEdit(actor, terms, now)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, domain.Invalid("lines_required", "lines", "no lines to set", "Er zijn geen urenregels om op te slaan.")
	}
	after := maps.Clone(t.lines)
	if after == nil {
		after = map[string]Line{}
	}
	seen := make(map[string]bool, len(lines))
	var changed []Line
	for _, in := range lines {
		if seen[in.HourType] {
			return nil, atLine(in.HourType, "", domain.Invalid("line_repeated", "hour_type",
				"the same hour type is given twice", "Dezelfde uursoort staat er twee keer in."))
		}
		seen[in.HourType] = true
		ht, err := lineHourType(terms, in.HourType)
		if err != nil {
			return nil, atLine(in.HourType, "", err)
		}
		for i, m := range in.Minutes {
			if m < 0 {
				return nil, atLine(in.HourType, dayFields[i], domain.Invalid("hours_negative", dayFields[i],
					"hours cannot be negative", "Uren kunnen niet negatief zijn."))
			}
		}
		if err := checkDays(terms, [7]Minutes{}, in.Minutes, [7]Minutes{}); err != nil {
			return nil, atLine(in.HourType, fieldOf(err), err)
		}
		if err := checkNotFuture(terms.Week, in.Minutes, now); err != nil {
			return nil, atLine(in.HourType, fieldOf(err), err)
		}
		line := Line{HourType: ht, Minutes: in.Minutes}
		if old, ok := t.lines[in.HourType]; ok && old == line {
			continue
		}
		after[in.HourType] = line
		changed = append(changed, line)
	}
	if err := checkDays(terms, t.dayTotalsWith(after, t.normalLine.Minutes), [7]Minutes{}, clockGained(terms.Week, t.worked)); err != nil {
		return nil, err
	}
	if len(changed) == 0 {
		return nil, nil
	}
	// Each event carries the day totals after it, as a single SetLine's would.
	running := maps.Clone(t.lines)
	if running == nil {
		running = map[string]Line{}
	}
	events := prelude
	for _, l := range changed {
		running[l.HourType.Code] = l
		events = append(events, &LineSet{Line: l, DayTotals: t.dayTotalsWith(running, t.normalLine.Minutes)})
	}
	return t.record(events...), nil
}

// atLine returns a copy of the domain error err with its field naming the
// line (and the day, when given).
func atLine(hourType, day string, err error) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	out := *de
	out.Field = "lines." + hourType
	if day != "" {
		out.Field += "." + day
	}
	return &out
}

func fieldOf(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Field
	}
	return ""
}
