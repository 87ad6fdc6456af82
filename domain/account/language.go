package account

import (
	"strings"
	"time"

	"backoffice/domain"
)

// ChangeLanguage records the language the account's user reads the portal
// and their mail in. The account itself may change it, and so may the
// bureau (staff); lang is "nl" or "en" (case and surrounding space are
// ignored). Choosing the current language records nothing.
func (a *Account) ChangeLanguage(actor domain.Actor, lang string, now time.Time) ([]domain.Event, error) {
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	if !IsStaff(actor) && (actor.AccountID == "" || actor.AccountID != a.id) {
		return nil, Forbidden
	}
	lang = strings.ToLower(strings.TrimSpace(lang))
	if lang != "nl" && lang != "en" {
		// validate.Language would default "" to Dutch: a change must name
		// the language.
		return nil, errLanguage
	}
	if lang == a.language {
		return nil, nil
	}
	return []domain.Event{&LanguageChanged{AccountID: a.id, Language: lang}}, nil
}

var errLanguage = domain.Invalid("language", "language",
	"The language must be Dutch (nl) or English (en).",
	"De taal moet Nederlands (nl) of Engels (en) zijn.")
