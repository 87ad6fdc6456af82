package timesheet

import (
	"backoffice/domain"
)

// ExpenseType is the kind of a claimed expense.
//
// WARNING: stored in events; never rename a value.
type ExpenseType string

const (
	ExpenseTravelKm ExpenseType = "travel_km" // kilometres travelled
	ExpenseParking  ExpenseType = "parking"   // amount in cents
	ExpenseOther    ExpenseType = "other"     // amount in cents, description required
)

// Limits on expense input.
const (
	MaxExpenseCents      int64 = 1_000_000 // € 10.000 per expense
	MaxExpenseKilometres       = 5_000
	MaxDescriptionLength       = 200
	MaxRemarkLength            = 1000
	MaxReasonLength            = 1000
)

// Expense is a claimed expense (onkosten). Automatic allowances are not
// expenses; see ComputeAllowances.
type Expense struct {
	ID          int         `json:"id"`
	Type        ExpenseType `json:"type"`
	Date        Date        `json:"date"`
	AmountCents int64       `json:"amount_cents,omitempty"` // parking, other
	Kilometres  int         `json:"kilometres,omitempty"`   // travel_km
	Description string      `json:"description,omitempty"`
}

// ExpenseInput is what the user enters for an expense.
type ExpenseInput struct {
	Type        ExpenseType
	Date        Date
	AmountCents int64
	Kilometres  int
	Description string
}

func (in ExpenseInput) validate() (ExpenseInput, error) {
	desc, err := descriptionText(in.Description)
	if err != nil {
		return in, err
	}
	in.Description = desc
	switch in.Type {
	case ExpenseTravelKm:
		if in.AmountCents != 0 {
			return in, domain.Invalid("expense_amount_not_allowed", "amount", "travel is claimed in kilometres, not an amount",
				"Reiskosten worden opgegeven in kilometers, niet als bedrag.")
		}
		if in.Kilometres <= 0 || in.Kilometres > MaxExpenseKilometres {
			return in, domain.Invalid("expense_kilometres_invalid", "kilometres", "kilometres must be between 1 and 5000",
				"Het aantal kilometers moet tussen 1 en 5000 liggen.")
		}
	case ExpenseParking, ExpenseOther:
		if in.Kilometres != 0 {
			return in, domain.Invalid("expense_kilometres_not_allowed", "kilometres", "only travel is claimed in kilometres",
				"Alleen reiskosten worden in kilometers opgegeven.")
		}
		if in.AmountCents < 0 {
			return in, domain.Invalid("expense_amount_invalid", "amount", "an expense amount cannot be negative",
				"Een bedrag kan niet negatief zijn.")
		}
		if in.AmountCents == 0 || in.AmountCents > MaxExpenseCents {
			return in, domain.Invalid("expense_amount_invalid", "amount", "the amount must be between € 0,01 and € 10.000",
				"Het bedrag moet tussen € 0,01 en € 10.000 liggen.")
		}
		if in.Type == ExpenseOther && in.Description == "" {
			return in, domain.Invalid("expense_description_required", "description", "describe the expense",
				"Geef een omschrijving van de onkosten.")
		}
	default:
		return in, domain.Invalid("expense_type_invalid", "type", "unknown expense type", "Onbekende soort onkosten.")
	}
	return in, nil
}

// Remark is a remark added before offering, with the role of its author.
type Remark struct {
	Text string      `json:"text"`
	By   domain.Role `json:"by"`
}
