package validate

import (
	"strings"

	"golang.org/x/text/language"

	"backoffice/domain"
)

// Address is a postal address. For a worker it is personal data and never
// goes into an event; a company's address may.
type Address struct {
	Street      string `json:"street"`
	HouseNumber string `json:"house_number"` // with addition: "12", "12-A", "12 bis"
	PostalCode  string `json:"postal_code"`
	City        string `json:"city"`
	Country     string `json:"country"` // ISO 3166-1 alpha-2, "NL" when empty
}

// Normalize checks the address and returns it in canonical form. Field
// names in errors are prefixed ("address.street"). A Dutch postal code
// must have the form 1234 AB; other countries get a length check only.
func (a Address) Normalize(prefix string) (Address, error) {
	f := func(name string) string {
		if prefix == "" {
			return name
		}
		return prefix + "." + name
	}
	var out Address
	var err error
	out.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	if out.Country == "" {
		out.Country = "NL"
	}
	if len(out.Country) != 2 || !allUpper(out.Country) || !isCountry(out.Country) {
		return Address{}, domain.Invalid("country_format", f("country"),
			"Use a two-letter country code (NL, BE, DE, ...).",
			"Gebruik een landcode van twee letters (NL, BE, DE, ...).")
	}
	if out.Street, err = Text(f("street"), a.Street, 100); err != nil {
		return Address{}, err
	}
	if out.HouseNumber, err = Text(f("house_number"), a.HouseNumber, 16); err != nil {
		return Address{}, err
	}
	if out.HouseNumber[0] < '0' || out.HouseNumber[0] > '9' {
		return Address{}, domain.Invalid("house_number_format", f("house_number"),
			"The house number must start with a digit.",
			"Het huisnummer moet met een cijfer beginnen.")
	}
	if out.City, err = Text(f("city"), a.City, 80); err != nil {
		return Address{}, err
	}
	if out.Country == "NL" {
		out.PostalCode, err = NormalizePostalCodeNL(f("postal_code"), a.PostalCode)
	} else {
		out.PostalCode, err = Text(f("postal_code"), strings.ToUpper(a.PostalCode), 12)
	}
	if err != nil {
		return Address{}, err
	}
	return out, nil
}

// isCountry reports whether code is an ISO 3166-1 country (CLDR's list):
// "ZZ", "XX", "EU" and the other private-use or group codes have the
// form but are no country.
func isCountry(code string) bool {
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry()
}
