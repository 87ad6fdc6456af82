package portal

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/domain/client"
	rmid "backoffice/readmodel/identity"
)

// The agreement form: the hour types as rows (ht.<i>.code, .name,
// .percentage, .absence, .rate), who enters, the approval chain as three
// steps, time registration, the allowances, and the date it applies from.
// The rules are the domain's (client.Agreement.Normalize); the form only
// reads numbers and dates, and puts each error of the domain at its input.

// agreementRows is how many hour-type rows the form offers beyond the
// agreement's own (an empty row is skipped).
const agreementRows = 3

// agreementFields are the inputs outside the hour-type rows.
var agreementFields = []string{"from", "normal_hour_type", "entered_by", "chain.1", "chain.2", "chain.3",
	"time_registration", "allowance.day", "allowance.hour"}

// htField is the input name of a column of hour-type row i.
func htField(i int, col string) string { return fmt.Sprintf("ht.%d.%s", i, col) }

var htColumns = []string{"code", "name", "percentage", "absence", "rate"}

// hourTypeRow is one parsed row and where it came from.
type hourTypeRow struct {
	index int
	ht    client.HourType
	rate  *int64
}

// parseAgreement reads the agreement part of the form. Unreadable numbers
// and dates get an error at their input in v.Errors.
func parseAgreement(r *http.Request, v *view, rowCount int) (client.Agreement, []hourTypeRow, time.Time) {
	f := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	for _, k := range agreementFields {
		v.Form.Set(k, r.PostForm.Get(k))
	}
	var ag client.Agreement
	var rows []hourTypeRow
	for i := range rowCount {
		for _, c := range htColumns {
			v.Form.Set(htField(i, c), r.PostForm.Get(htField(i, c)))
		}
		code, name, pct, rate := f(htField(i, "code")), f(htField(i, "name")), f(htField(i, "percentage")), f(htField(i, "rate"))
		if code == "" && name == "" && pct == "" && rate == "" {
			continue
		}
		row := hourTypeRow{index: i, ht: client.HourType{Code: code, Name: name, Absence: f(htField(i, "absence")) != ""}}
		if pct == "" {
			v.Errors[htField(i, "percentage")] = v.T("register.required")
		} else if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(pct, "%")), " ")); err != nil {
			v.Errors[htField(i, "percentage")] = v.T("admin.whole_number")
		} else {
			row.ht.Percentage = n
		}
		if rate != "" {
			if c, err := domain.ParseEuro(rate); err != nil {
				v.Errors[htField(i, "rate")] = v.T("admin.amount_invalid")
			} else {
				cents := int64(c)
				row.rate = &cents
			}
		}
		rows = append(rows, row)
		ag.HourTypes = append(ag.HourTypes, row.ht)
		if row.rate != nil {
			if ag.BillingRates == nil {
				ag.BillingRates = map[string]int64{}
			}
			ag.BillingRates[code] = *row.rate
		}
	}
	ag.NormalHourType = f("normal_hour_type")
	ag.EnteredBy = domain.Role(f("entered_by"))
	for _, k := range []string{"chain.1", "chain.2", "chain.3"} {
		if s := f(k); s != "" {
			ag.ApprovalChain = append(ag.ApprovalChain, domain.Role(s))
		}
	}
	ag.TimeRegistration = f("time_registration") != ""
	euro := func(k string) int64 {
		s := f(k)
		if s == "" {
			return 0
		}
		c, err := domain.ParseEuro(s)
		if err != nil {
			v.Errors[k] = v.T("admin.amount_invalid")
		}
		return int64(c)
	}
	ag.Allowances = client.Allowances{PerDayCents: euro("allowance.day"), PerHourCents: euro("allowance.hour")}
	var from time.Time
	if s := f("from"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil || t.IsZero() { // 0001-01-01 would read as "missing" further on
			v.Errors["from"] = v.T("register.date_invalid")
		}
		from = t
	}
	return ag, rows, from
}

// agreementErrorFields maps the domain's agreement fields to the form's.
var agreementErrorFields = map[string]string{
	"agreement_from": "from", "effective_from": "from",
	"agreement.hour_types": "hour_types", "agreement.normal_hour_type": "normal_hour_type",
	"agreement.entered_by": "entered_by", "agreement.approval_chain": "approval_chain",
	"agreement.allowances": "allowances", "agreement.billing_rates": "hour_types",
}

// agreementError puts a domain error at its input. An error about one hour
// type (the domain names the column, not the row) goes to the row that
// causes it: the first row the domain refuses on its own, or the second of
// two rows with one code.
func agreementError(v *view, err error, rows []hourTypeRow, fields map[string]string) bool {
	var de *domain.Error
	if errors.As(err, &de) {
		col, isRow := strings.CutPrefix(de.Field, "agreement.hour_types.")
		if de.Field == "agreement.billing_rates" && de.Code == "billing_rate_range" {
			col, isRow = "rate", true
		}
		if isRow {
			if i, ok := offendingRow(rows, de.Code); ok {
				fields = copyFields(fields)
				fields[de.Field] = htField(i, col)
			}
		}
	}
	return v.formError(err, fields)
}

func copyFields(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, x := range m {
		out[k] = x
	}
	return out
}

// offendingRow finds the row behind a domain error of code.
func offendingRow(rows []hourTypeRow, code string) (int, bool) {
	seen := map[string]bool{}
	for _, row := range rows {
		c := strings.ToUpper(strings.TrimSpace(row.ht.Code))
		if code == "duplicate_hour_type" {
			if seen[c] {
				return row.index, true
			}
			seen[c] = true
			continue
		}
		single := client.Agreement{HourTypes: []client.HourType{row.ht}, NormalHourType: row.ht.Code,
			EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient}}
		if row.rate != nil {
			single.BillingRates = map[string]int64{row.ht.Code: *row.rate}
		}
		var de *domain.Error
		if _, err := single.Normalize(); errors.As(err, &de) && de.Code == code {
			return row.index, true
		}
	}
	return 0, false
}

// fillAgreement puts an agreement into the form, as the start of a new
// version.
func fillAgreement(v *view, a *rmid.Agreement) int {
	if a == nil {
		v.Form.Set("entered_by", string(domain.RoleClient))
		v.Form.Set("chain.1", string(domain.RoleIntermediary))
		v.Form.Set(htField(0, "code"), "100")
		v.Form.Set(htField(0, "name"), v.T("admin.normal_hours"))
		v.Form.Set(htField(0, "percentage"), "100")
		v.Form.Set("normal_hour_type", "100")
		return 1
	}
	for i, h := range a.HourTypes {
		v.Form.Set(htField(i, "code"), h.Code)
		v.Form.Set(htField(i, "name"), h.Name)
		v.Form.Set(htField(i, "percentage"), strconv.Itoa(h.Percentage))
		if h.Absence {
			v.Form.Set(htField(i, "absence"), "1")
		}
		if c, ok := a.BillingRates[h.Code]; ok {
			v.Form.Set(htField(i, "rate"), euroInput(c))
		}
	}
	v.Form.Set("normal_hour_type", a.NormalHourType)
	v.Form.Set("entered_by", a.EnteredBy)
	for i, r := range a.ApprovalChain {
		v.Form.Set(fmt.Sprintf("chain.%d", i+1), r)
	}
	if a.TimeRegistration {
		v.Form.Set("time_registration", "1")
	}
	if a.Allowances.PerDayCents != 0 {
		v.Form.Set("allowance.day", euroInput(a.Allowances.PerDayCents))
	}
	if a.Allowances.PerHourCents != 0 {
		v.Form.Set("allowance.hour", euroInput(a.Allowances.PerHourCents))
	}
	return len(a.HourTypes)
}

// euroInput is an amount as a form shows it for editing ("2,50"), which
// domain.ParseEuro reads back.
func euroInput(cents int64) string {
	return strings.TrimPrefix(domain.Cents(cents).Format(), "€ ")
}
