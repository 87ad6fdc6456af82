package worker

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// Age limits at registration.
const (
	MinimumAge = 15  // at the first working day
	MaximumAge = 100 // today: anything older is a typo
)

// Address is a home address: personal data.
type Address = validate.Address

// PersonalData is the part of a worker that never goes into an event; the
// command layer stores it encrypted under the worker ID. Clients and
// intermediaries never receive BSN or IBAN (account.CanSeePersonalField).
//
// The String method hides everything, so an accidental log line or %v does
// not leak it.
type PersonalData struct {
	BSN         string    `json:"bsn"`
	IBAN        string    `json:"iban"`
	DateOfBirth time.Time `json:"date_of_birth"`
	Address     Address   `json:"address"`
	Mobile      string    `json:"mobile"`
}

// String never prints the data.
func (PersonalData) String() string { return "worker.PersonalData{…}" }

// GoString never prints the data (for %#v).
func (PersonalData) GoString() string { return "worker.PersonalData{…}" }

// Normalize checks the data and returns its canonical form: BSN (11-proef),
// IBAN (mod 97, electronic form), date of birth in the past and at most
// MaximumAge years before today, a full address, and a mobile number in
// E.164. today is the current date (validate.Today(now)).
func (p PersonalData) Normalize(today time.Time) (PersonalData, error) {
	var out PersonalData
	var err error
	if out.BSN, err = validate.NormalizeBSN(p.BSN); err != nil {
		return PersonalData{}, err
	}
	if out.IBAN, err = validate.NormalizeIBAN(p.IBAN); err != nil {
		return PersonalData{}, err
	}
	if out.DateOfBirth, err = validate.Date("date_of_birth", p.DateOfBirth); err != nil {
		return PersonalData{}, err
	}
	today = validate.Day(today)
	if !out.DateOfBirth.Before(today) {
		return PersonalData{}, domain.Invalid("date_of_birth_future", "date_of_birth",
			"The date of birth must be in the past.",
			"De geboortedatum moet in het verleden liggen.")
	}
	if validate.YearsBetween(out.DateOfBirth, today) > MaximumAge {
		return PersonalData{}, domain.Invalid("date_of_birth_implausible", "date_of_birth",
			"Check the date of birth.",
			"Controleer de geboortedatum.")
	}
	if out.Address, err = p.Address.Normalize("address"); err != nil {
		return PersonalData{}, err
	}
	if out.Mobile, err = validate.NormalizeMobile("mobile", p.Mobile); err != nil {
		return PersonalData{}, err
	}
	return out, nil
}
