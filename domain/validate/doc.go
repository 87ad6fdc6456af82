// Package validate holds the input checks shared by the aggregates: Dutch
// identifiers (BSN, KvK, postal code), IBAN, e-mail and phone numbers, IDs,
// names and calendar dates.
//
// Every check returns a *domain.Error of KindInvalid with the input field
// name and an English and Dutch message, so the HTTP layer can show it next to
// the field. The Normalize* variants also return the canonical form that is
// stored; a canonical form always validates again.
//
// Error messages never echo the rejected value: a mistyped BSN or IBAN is
// still personal data and must not end up in logs.
package validate
