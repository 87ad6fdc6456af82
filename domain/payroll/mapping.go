package payroll

import (
	"fmt"
	"slices"
	"strings"

	"backoffice/domain"
)

// SourceKind is what a mapping entry maps.
//
// WARNING: stored in events; never rename a value.
type SourceKind string

const (
	SourceHours     SourceKind = "hours"     // an agreed hour type, code "100"; quantity in minutes
	SourceExpense   SourceKind = "expense"   // an expense type: travel_km (kilometres), parking, other (cents)
	SourceAllowance SourceKind = "allowance" // an automatic allowance: per_day, per_hour (cents)
)

// Target is a payroll package an export is made for.
//
// WARNING: stored in events; never rename a value.
type Target string

const (
	TargetLoket    Target = "loket"
	TargetNmbrs    Target = "nmbrs"
	TargetEasyflex Target = "easyflex"
	TargetAFAS     Target = "afas"
)

// Targets lists the payroll packages.
var Targets = []Target{TargetLoket, TargetNmbrs, TargetEasyflex, TargetAFAS}

// Mapping maps one source (hour type, expense type or allowance) to its
// payroll component in each target package; a target left empty is not
// mapped for that package.
type Mapping struct {
	Kind SourceKind `json:"kind"`
	Code string     `json:"code"`
	// Loket is the Loket.nl component number ("import variabele gegevens").
	Loket string `json:"loket,omitempty"`
	// Nmbrs is the Nmbrs hour code or wage code (a column of the import sheet).
	Nmbrs string `json:"nmbrs,omitempty"`
	// Easyflex is the Easyflex looncomponent.
	Easyflex string `json:"easyflex,omitempty"`
	// AFAS is the AFAS wage component.
	AFAS string `json:"afas,omitempty"`
}

// Component returns the entry's component in target ("" when unmapped).
func (m Mapping) Component(t Target) string {
	switch t {
	case TargetLoket:
		return m.Loket
	case TargetNmbrs:
		return m.Nmbrs
	case TargetEasyflex:
		return m.Easyflex
	case TargetAFAS:
		return m.AFAS
	}
	return ""
}

// Unit is the unit of the entry's quantities: "minutes", "km" or "cents".
func (m Mapping) Unit() string {
	switch {
	case m.Kind == SourceHours:
		return "minutes"
	case m.Kind == SourceExpense && m.Code == "travel_km":
		return "km"
	}
	return "cents"
}

// MaxMappings caps the entries of one mapping.
const MaxMappings = 100

var expenseCodes = []string{"travel_km", "parking", "other"}
var allowanceCodes = []string{"per_day", "per_hour"}

// normalizeMappings checks a complete mapping and returns its canonical
// form, sorted by kind and code (the order of file columns). Every code is
// one the domain knows for its kind: an hour type of the client's
// agreements (hourTypes), an expense type, an allowance.
func normalizeMappings(in []Mapping, hourTypes []string) ([]Mapping, error) {
	if len(in) == 0 {
		return nil, domain.Invalid("mapping_required", "entries", "name at least one mapping entry",
			"Geef minstens één koppeling op.")
	}
	if len(in) > MaxMappings {
		return nil, domain.Invalid("too_many_mappings", "entries", "too many mapping entries", "Te veel koppelingen.")
	}
	out := make([]Mapping, 0, len(in))
	seen := map[string]bool{}
	for i, m := range in {
		field := fmt.Sprintf("entries[%d]", i)
		m.Code = strings.TrimSpace(m.Code)
		switch m.Kind {
		case SourceHours:
			m.Code = strings.ToUpper(m.Code)
			if m.Code == "" || len(m.Code) > 10 || strings.Trim(m.Code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
				return nil, domain.Invalid("hour_type_code", field+".code",
					"an hour type code has at most 10 letters, digits, - or _",
					"Een uursoortcode heeft hoogstens 10 letters, cijfers, - of _.")
			}
			if !slices.Contains(hourTypes, m.Code) {
				return nil, &domain.Error{Kind: domain.KindRule, Code: "hour_type_not_agreed", Field: field + ".code",
					Message:   fmt.Sprintf("hour type %s is not in any agreement of this client", domain.Quote(m.Code)),
					MessageNL: fmt.Sprintf("Uursoort %s staat in geen enkele afspraak met deze opdrachtgever.", domain.Quote(m.Code))}
			}
		case SourceExpense:
			if !slices.Contains(expenseCodes, m.Code) {
				return nil, domain.Invalid("expense_type_invalid", field+".code",
					"the expense type is travel_km, parking or other", "De onkostensoort is travel_km, parking of other.")
			}
		case SourceAllowance:
			if !slices.Contains(allowanceCodes, m.Code) {
				return nil, domain.Invalid("allowance_invalid", field+".code",
					"the allowance is per_day or per_hour", "De vergoeding is per_day of per_hour.")
			}
		default:
			return nil, domain.Invalid("mapping_kind", field+".kind",
				"the kind is hours, expense or allowance", "De soort is hours, expense of allowance.")
		}
		key := string(m.Kind) + "|" + m.Code
		if seen[key] {
			return nil, domain.Invalid("duplicate_mapping", field, "each source is mapped once",
				"Elke uursoort of onkostensoort wordt één keer gekoppeld.")
		}
		seen[key] = true
		var err error
		if m.Loket, err = component(field+".loket", m.Loket, true); err != nil {
			return nil, err
		}
		if m.Nmbrs, err = component(field+".nmbrs", m.Nmbrs, false); err != nil {
			return nil, err
		}
		if m.Easyflex, err = component(field+".easyflex", m.Easyflex, false); err != nil {
			return nil, err
		}
		if m.AFAS, err = component(field+".afas", m.AFAS, false); err != nil {
			return nil, err
		}
		if m.Loket == "" && m.Nmbrs == "" && m.Easyflex == "" && m.AFAS == "" {
			return nil, domain.Invalid("component_required", field,
				"map the source to a component of at least one payroll package",
				"Koppel de soort aan een looncomponent van minstens één salarispakket.")
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Mapping) int {
		return strings.Compare(string(a.Kind)+"|"+a.Code, string(b.Kind)+"|"+b.Code)
	})
	return out, nil
}

// component checks a payroll component code: Loket's is a number, the
// others codes of letters, digits, space, '.', '_' or '-' that start with a
// letter or digit (so no CSV separator, quote or formula prefix can enter a
// file).
func component(field, s string, numeric bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if numeric {
		if len(s) > 10 || strings.Trim(s, "0123456789") != "" {
			return "", domain.Invalid("component_invalid", field, "a Loket component is a number of at most 10 digits",
				"Een Loket-looncomponent is een nummer van hoogstens 10 cijfers.")
		}
		return s, nil
	}
	if !codeChars(s, 40, true) {
		return "", domain.Invalid("component_invalid", field,
			"a component code has at most 40 letters, digits, spaces, '.', '_' or '-', and starts with a letter or digit",
			"Een looncomponent heeft hoogstens 40 letters, cijfers, spaties, '.', '_' of '-' en begint met een letter of cijfer.")
	}
	return s, nil
}

// codeChars reports whether s is 1..max ASCII letters, digits, '_' or '-'
// (and ' ' and '.' when loose), starting with a letter or digit and not
// ending in a space.
func codeChars(s string, max int, loose bool) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		switch {
		case alnum:
		case i > 0 && (c == '_' || c == '-'):
		case i > 0 && loose && (c == ' ' || c == '.'):
		default:
			return false
		}
	}
	return s[len(s)-1] != ' '
}
