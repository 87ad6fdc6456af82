package timesheet

import (
	"strings"
	"time"
	"unicode/utf8"

	"backoffice/domain"
)

// AddRemark adds a remark before offering.
func (t *Timesheet) AddRemark(actor domain.Actor, terms Terms, text string, now time.Time) ([]domain.Event, error) {
	prelude, err := t.beginEdit(actor, terms, now)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return nil, domain.Invalid("remark_empty", "remark", "the remark is empty", "De opmerking is leeg.")
	case !utf8.ValidString(text):
		return nil, domain.Invalid("remark_invalid", "remark", "the remark is not valid text", "De opmerking is geen geldige tekst.")
	case utf8.RuneCountInString(text) > MaxRemarkLength:
		return nil, domain.Invalid("remark_too_long", "remark", "the remark is too long (max 1000 characters)",
			"De opmerking is te lang (maximaal 1000 tekens).")
	}
	return t.record(append(prelude, &RemarkAdded{Remark: Remark{Text: text, By: actor.Role}})...), nil
}
