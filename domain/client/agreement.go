package client

import (
	"maps"
	"slices"
	"strings"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// HourType is an hour type a client may book: code "100" normal hours,
// "125" and "150" overtime, "NACHT" a night allowance. Percentage is the
// pay percentage of the normal wage (100, 125, 150; 0..500, where a pure
// allowance type like a night premium may be 20).
type HourType struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Percentage int    `json:"percentage"`
	// Absence marks paid hours not worked (leave, sickness, public
	// holidays): they earn no per-day or per-hour allowances. Same meaning
	// as timesheet.HourType.Absence.
	Absence bool `json:"absence,omitempty"`
}

// Allowances are computed automatically, never entered: an amount per day
// worked and per hour worked, in euro cents.
type Allowances struct {
	PerDayCents  int64 `json:"per_day_cents"`
	PerHourCents int64 `json:"per_hour_cents"`
}

// Agreement is what the bureau agreed with a client.
type Agreement struct {
	HourTypes      []HourType `json:"hour_types"`
	NormalHourType string     `json:"normal_hour_type"` // code of the default line on a new timesheet
	// EnteredBy is who enters the hours: RoleWorker or RoleClient.
	EnteredBy domain.Role `json:"entered_by"`
	// ApprovalChain is who approves, in order, after the enterer offers the
	// timesheet: e.g. [client], [client intermediary] when the worker
	// enters; [worker intermediary] or [intermediary] when the client does.
	ApprovalChain    []domain.Role `json:"approval_chain"`
	TimeRegistration bool          `json:"time_registration"` // start, end and break per line required
	Allowances       Allowances    `json:"allowances"`
	// BillingRates maps hour type code to the billed rate in cents per hour.
	// An hour type without a rate is not invoiced.
	BillingRates map[string]int64 `json:"billing_rates,omitempty"`
}

// Limits of an agreement.
const (
	MaxHourTypes     = 30
	MaxPercentage    = 500
	MaxAllowance     = 100_00   // cents: €100 per day or hour is surely a typo
	MaxBillingRate   = 1_000_00 // cents per hour
	maxHourTypeCode  = 10
	maxHourTypeName  = 60
	maxApprovalSteps = 3
)

// HourType returns the hour type with a code.
func (a Agreement) HourType(code string) (HourType, bool) {
	for _, h := range a.HourTypes {
		if h.Code == code {
			return h, true
		}
	}
	return HourType{}, false
}

// Approves reports whether role is a step of the approval chain.
func (a Agreement) Approves(role domain.Role) bool { return slices.Contains(a.ApprovalChain, role) }

// NextApprover returns the approver after the given step, the first when
// after is "" (just offered); ok is false when after was the last step.
func (a Agreement) NextApprover(after domain.Role) (domain.Role, bool) {
	if after == "" {
		if len(a.ApprovalChain) == 0 {
			return "", false
		}
		return a.ApprovalChain[0], true
	}
	i := slices.Index(a.ApprovalChain, after)
	if i < 0 || i+1 >= len(a.ApprovalChain) {
		return "", false
	}
	return a.ApprovalChain[i+1], true
}

// Clone returns a deep copy, so callers cannot change aggregate state.
func (a Agreement) Clone() Agreement {
	a.HourTypes = slices.Clone(a.HourTypes)
	a.ApprovalChain = slices.Clone(a.ApprovalChain)
	a.BillingRates = maps.Clone(a.BillingRates)
	return a
}

// Normalize checks the agreement and returns its canonical form (codes in
// upper case, names trimmed). Rules:
//   - 1..30 hour types, unique codes of at most 10 characters [A-Z0-9_-],
//     a name, a percentage 0..500; the normal hour type is one of them;
//   - the hours are entered by the worker or the client;
//   - the approval chain has 1..3 distinct steps from client, intermediary
//     and worker; the enterer is not in it (nobody approves their own
//     hours), and the intermediary, who controls hours before payroll, is
//     the last step when present;
//   - allowances and billing rates are non-negative and plausible; billing
//     rates only for hour types of the agreement.
func (a Agreement) Normalize() (Agreement, error) {
	out := Agreement{
		TimeRegistration: a.TimeRegistration,
		EnteredBy:        a.EnteredBy,
		Allowances:       a.Allowances,
	}
	if len(a.HourTypes) == 0 {
		return Agreement{}, domain.Invalid("hour_types_required", "agreement.hour_types",
			"At least one hour type is required.",
			"Er is minstens één uursoort nodig.")
	}
	if len(a.HourTypes) > MaxHourTypes {
		return Agreement{}, domain.Invalid("too_many_hour_types", "agreement.hour_types",
			"Too many hour types.",
			"Te veel uursoorten.")
	}
	for _, h := range a.HourTypes {
		code, err := hourTypeCode("agreement.hour_types.code", h.Code)
		if err != nil {
			return Agreement{}, err
		}
		if _, dup := out.HourType(code); dup {
			return Agreement{}, domain.Invalid("duplicate_hour_type", "agreement.hour_types.code",
				"Each hour type code may occur only once.",
				"Elke uursoortcode mag maar één keer voorkomen.")
		}
		name, err := validate.Text("agreement.hour_types.name", h.Name, maxHourTypeName)
		if err != nil {
			return Agreement{}, err
		}
		if h.Percentage < 0 || h.Percentage > MaxPercentage {
			return Agreement{}, domain.Invalid("percentage_range", "agreement.hour_types.percentage",
				"The percentage must be between 0 and 500.",
				"Het percentage moet tussen 0 en 500 liggen.")
		}
		out.HourTypes = append(out.HourTypes, HourType{Code: code, Name: name, Percentage: h.Percentage, Absence: h.Absence})
	}
	normal := strings.ToUpper(strings.TrimSpace(a.NormalHourType))
	if _, ok := out.HourType(normal); !ok {
		return Agreement{}, domain.Invalid("normal_hour_type", "agreement.normal_hour_type",
			"The normal hour type must be one of the hour types.",
			"De normale uursoort moet een van de uursoorten zijn.")
	}
	out.NormalHourType = normal

	if a.EnteredBy != domain.RoleWorker && a.EnteredBy != domain.RoleClient {
		return Agreement{}, domain.Invalid("entered_by", "agreement.entered_by",
			"Hours are entered by the worker or by the client.",
			"Uren worden ingevoerd door de werknemer of door de opdrachtgever.")
	}
	if err := checkChain(a.EnteredBy, a.ApprovalChain); err != nil {
		return Agreement{}, err
	}
	out.ApprovalChain = slices.Clone(a.ApprovalChain)

	if a.Allowances.PerDayCents < 0 || a.Allowances.PerDayCents > MaxAllowance ||
		a.Allowances.PerHourCents < 0 || a.Allowances.PerHourCents > MaxAllowance {
		return Agreement{}, domain.Invalid("allowance_range", "agreement.allowances",
			"An allowance must be between €0 and €100.",
			"Een vergoeding moet tussen €0 en €100 liggen.")
	}
	if len(a.BillingRates) > 0 {
		out.BillingRates = make(map[string]int64, len(a.BillingRates))
		for code, cents := range a.BillingRates {
			code = strings.ToUpper(strings.TrimSpace(code))
			if _, ok := out.HourType(code); !ok {
				return Agreement{}, domain.Invalid("billing_rate_hour_type", "agreement.billing_rates",
					"A billing rate is for an hour type of the agreement.",
					"Een tarief hoort bij een uursoort uit de afspraken.")
			}
			if _, dup := out.BillingRates[code]; dup {
				return Agreement{}, domain.Invalid("duplicate_hour_type", "agreement.billing_rates",
					"Each hour type may have only one rate.",
					"Elke uursoort mag maar één tarief hebben.")
			}
			if cents < 0 || cents > MaxBillingRate {
				return Agreement{}, domain.Invalid("billing_rate_range", "agreement.billing_rates",
					"A billing rate must be between €0 and €1000 per hour.",
					"Een tarief moet tussen €0 en €1000 per uur liggen.")
			}
			out.BillingRates[code] = cents
		}
	}
	return out, nil
}

func hourTypeCode(field, s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if c == "" {
		return "", domain.Invalid("required", field,
			"The hour type code is required.",
			"De uursoortcode is verplicht.")
	}
	ok := len(c) <= maxHourTypeCode
	for i := 0; ok && i < len(c); i++ {
		ch := c[i]
		ok = ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-'
	}
	if !ok {
		return "", domain.Invalid("hour_type_code", field,
			"An hour type code has at most 10 letters, digits, - or _.",
			"Een uursoortcode heeft hoogstens 10 letters, cijfers, - of _.")
	}
	return c, nil
}

func checkChain(enteredBy domain.Role, chain []domain.Role) error {
	const field = "agreement.approval_chain"
	if len(chain) == 0 || len(chain) > maxApprovalSteps {
		return domain.Invalid("approval_chain_length", field,
			"The approval chain has one to three steps.",
			"De goedkeuringsvolgorde heeft één tot drie stappen.")
	}
	for i, r := range chain {
		switch r {
		case domain.RoleClient, domain.RoleIntermediary, domain.RoleWorker:
		default:
			return domain.Invalid("approval_chain_role", field,
				"Only the client, the intermediary or the worker can approve.",
				"Alleen de opdrachtgever, de intermediair of de werknemer kan accorderen.")
		}
		if slices.Contains(chain[:i], r) {
			return domain.Invalid("approval_chain_duplicate", field,
				"Each party approves at most once.",
				"Elke partij accordeert hoogstens één keer.")
		}
		if r == enteredBy {
			return domain.Invalid("approval_chain_self", field,
				"Whoever enters the hours cannot also approve them.",
				"Wie de uren invoert, kan ze niet ook accorderen.")
		}
		if r == domain.RoleIntermediary && i != len(chain)-1 {
			return domain.Invalid("approval_chain_order", field,
				"The intermediary is the last to approve.",
				"De intermediair accordeert als laatste.")
		}
	}
	return nil
}
