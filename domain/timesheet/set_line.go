package timesheet

import (
	"errors"
	"strings"
	"time"

	"backoffice/domain"
)

// SetLine sets the minutes per day (Monday first) of the line of an hour
// type, adding the line when it is new. Only hour types of the agreement in
// force that week may be booked; per day all lines together stay within 24
// hours; days outside the placement period stay empty. In time registration
// mode the normal hour type's line comes from the entries and cannot be set.
// Setting a line to the minutes it already has records nothing. It is
// SetLines with one line, its errors naming the day ("mon") or the
// hour_type as before.
func (t *Timesheet) SetLine(actor domain.Actor, terms Terms, hourType string, minutes [7]Minutes, now time.Time) ([]domain.Event, error) {
	events, err := t.SetLines(actor, terms, []LineInput{{HourType: hourType, Minutes: minutes}}, now)
	return events, oneLineField(err, hourType)
}

// oneLineField turns SetLines' field naming the line back into SetLine's:
// "lines.<code>.mon" is "mon", "lines.<code>" is "hour_type".
func oneLineField(err error, hourType string) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	rest, ok := strings.CutPrefix(de.Field, "lines."+hourType)
	if !ok {
		return err
	}
	out := *de
	out.Field = strings.TrimPrefix(rest, ".")
	if out.Field == "" {
		out.Field = "hour_type"
	}
	return &out
}

// AddLine adds an empty line of another hour type (toevoegen).
func (t *Timesheet) AddLine(actor domain.Actor, terms Terms, hourType string, now time.Time) ([]domain.Event, error) {
	if _, ok := t.lines[hourType]; ok {
		if _, err := t.beginEdit(actor, terms, now); err != nil {
			return nil, err
		}
		return nil, domain.Conflict("line_exists", "there already is a line of this hour type",
			"Er is al een urenregel van deze uursoort.")
	}
	return t.SetLine(actor, terms, hourType, [7]Minutes{}, now)
}

func lineHourType(terms Terms, code string) (HourType, error) {
	ht, ok := terms.hourType(code)
	if !ok {
		return HourType{}, domain.Rule("hour_type_not_agreed", "hour_type",
			"this hour type is not part of the agreement for this week",
			"Deze uursoort hoort niet bij de afspraken voor deze week.")
	}
	if terms.TimeRegistration && code == terms.NormalHourType {
		return HourType{}, domain.Rule("line_from_time_registration", "hour_type",
			"with time registration the normal hours come from the entered start and end times",
			"Bij tijdregistratie volgen de normale uren uit de ingevulde begin- en eindtijden.")
	}
	return ht, nil
}
