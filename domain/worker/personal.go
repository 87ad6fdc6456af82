package worker

import (
	"errors"
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
// E.164. today is the current date (validate.Today(now)). Every field is
// checked: the error holds one *domain.Error per wrong field (errors.Join
// when more than one), so a form shows them all at once.
func (p PersonalData) Normalize(today time.Time) (PersonalData, error) {
	var out PersonalData
	var errs fieldErrors
	var err error
	out.BSN, err = validate.NormalizeBSN(p.BSN)
	errs.add(err)
	out.IBAN, err = validate.NormalizeIBAN(p.IBAN)
	errs.add(err)
	if out.DateOfBirth, err = validate.Date("date_of_birth", p.DateOfBirth); err != nil {
		errs.add(err)
	} else if today = validate.Day(today); !out.DateOfBirth.Before(today) {
		errs.add(domain.Invalid("date_of_birth_future", "date_of_birth",
			"The date of birth must be in the past.",
			"De geboortedatum moet in het verleden liggen."))
	} else if validate.YearsBetween(out.DateOfBirth, today) > MaximumAge {
		errs.add(domain.Invalid("date_of_birth_implausible", "date_of_birth",
			"Check the date of birth.",
			"Controleer de geboortedatum."))
	}
	out.Address, err = p.Address.Normalize("address")
	errs.add(err)
	out.Mobile, err = validate.NormalizeMobile("mobile", p.Mobile)
	errs.add(err)
	if err := errs.err(); err != nil {
		return PersonalData{}, err
	}
	return out, nil
}

// fieldErrors collects the errors of independent field checks.
type fieldErrors []error

func (f *fieldErrors) add(err error) {
	if err != nil {
		*f = append(*f, err)
	}
}

// err is nil, the one error, or all of them joined (the first decides the
// status and code of an API answer).
func (f fieldErrors) err() error {
	switch len(f) {
	case 0:
		return nil
	case 1:
		return f[0]
	}
	return errors.Join(f...)
}
