package timesheetapi

import (
	"errors"
	"fmt"
	"strings"

	"backoffice/domain"
)

// The domain names fields as the portal's forms do ("break", "amount",
// "mon"); an API error names the input of the endpoint the caller sent
// ("break_minutes", "amount_cents", "hours[0]"). These tables translate,
// per endpoint; a field not listed is already an input name.
var (
	entryFields   = withDays(map[string]string{"break": "break_minutes"}, func(int) string { return "date" })
	expenseFields = map[string]string{"amount": "amount_cents"}
	remarkFields  = map[string]string{"remark": "text"}
	// A removal refused for what it does to another shift (a continuous
	// one that would run on further) names the entry being removed: the
	// endpoint's only input.
	removeEntryFields = withDays(map[string]string{}, func(int) string { return "id" })
)

// lineFields names the days of a line by the array the caller sent.
func lineFields(b lineBody) map[string]string {
	form := b.form()
	return withDays(map[string]string{}, func(i int) string { return fmt.Sprintf("%s[%d]", form, i) })
}

func withDays(m map[string]string, name func(i int) string) map[string]string {
	for i, d := range dayFields {
		m[d] = name(i)
	}
	return m
}

// inputFields renames err's field by names.
func inputFields(err error, names map[string]string) error {
	var de *domain.Error
	if err == nil || !errors.As(err, &de) {
		return err
	}
	if n, ok := names[de.Field]; ok {
		c := *de
		c.Field = n
		return &c
	}
	return err
}

// prefixField puts prefix before err's field (a line's own input).
func prefixField(err error, prefix string) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	c := *de
	c.Field = prefix + strings.TrimPrefix(c.Field, prefix)
	return &c
}
