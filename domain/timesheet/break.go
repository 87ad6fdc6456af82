package timesheet

import (
	"errors"
	"strconv"
	"strings"

	"backoffice/domain"
)

// ParseBreak reads a break as people type it in the time registration
// form: a whole number is minutes ("30", "45"), "h:mm" is hours and
// minutes ("0:30", "1:00"), a decimal is hours ("0,5", "1.25"); "" is no
// break. A break of a whole day or more is refused like an hour value
// ("hours_over_24h"); anything else unreadable is "hours_invalid".
func ParseBreak(s string) (Minutes, error) {
	t := strings.TrimSpace(s)
	if t == "" || strings.ContainsAny(t, ":,.") || strings.HasPrefix(t, "-") {
		m, err := ParseHours(s)
		return m, breakErr(s, err)
	}
	if len(t) > 4 || strings.TrimLeft(t, "0123456789") != "" {
		return 0, hoursErr("hours_invalid", s, "not a break (e.g. 30 minutes or 0:30)",
			"geen geldige pauze (bijvoorbeeld 30 minuten of 0:30).")
	}
	n, err := strconv.Atoi(t)
	if err != nil {
		return 0, hoursErr("hours_invalid", s, "not a break (e.g. 30 minutes or 0:30)",
			"geen geldige pauze (bijvoorbeeld 30 minuten of 0:30).")
	}
	if Minutes(n) > MinutesPerDay {
		return 0, hoursErr("hours_over_24h", s, "more than 24 hours", "meer dan 24 uur.")
	}
	return Minutes(n), nil
}

// breakErr words ParseHours' refusal of s as one of a break (its code
// stays): "-5" is a negative break, "0:75" no break, not "no hours".
func breakErr(s string, err error) error {
	var de *domain.Error
	if err == nil || !errors.As(err, &de) {
		return err
	}
	switch de.Code {
	case "hours_negative":
		return hoursErr(de.Code, s, "a break cannot be negative", "een pauze kan niet negatief zijn.")
	case "hours_over_24h":
		return err
	}
	return hoursErr(de.Code, s, "not a break (e.g. 30 minutes or 0:30)", "geen geldige pauze (bijvoorbeeld 30 minuten of 0:30).")
}
