package timesheet_test

import (
	"fmt"
	"strings"
	"testing"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// The 201st remark is refused with too_many_remarks; the 200th is fine.
func TestRemarksCap(t *testing.T) {
	terms := baseTerms()
	a := &ts.Timesheet{}
	for i := range ts.MaxRemarks {
		evs, err := a.AddRemark(worker, terms, fmt.Sprintf("opmerking %d", i+1), now)
		if err != nil {
			t.Fatalf("remark %d: %v", i+1, err)
		}
		if len(evs) == 0 {
			t.Fatalf("remark %d recorded nothing", i+1)
		}
	}
	evs, err := a.AddRemark(worker, terms, "nog een", now)
	wantErr(t, err, "too_many_remarks", domain.KindRule)
	if len(evs) != 0 || len(a.Remarks()) != ts.MaxRemarks {
		t.Fatalf("refused remark recorded %d events, %d remarks", len(evs), len(a.Remarks()))
	}
	if de := err.(*domain.Error); de.Field != "text" || !strings.Contains(de.MessageNL, "200 opmerkingen") {
		t.Fatalf("error = %+v", de)
	}
}

// Multi-line texts keep their line breaks (normalised to \n); one-line
// texts collapse them; the import batch refuses them.
func TestTimesheetTextForms(t *testing.T) {
	terms := baseTerms()
	a := &ts.Timesheet{}
	evs, err := a.AddRemark(worker, terms, " regel 1\r\nregel 2\tmet tab 🙂 ", now)
	if err != nil {
		t.Fatal(err)
	}
	if got := evs[len(evs)-1].(*ts.RemarkAdded).Remark.Text; got != "regel 1\nregel 2\tmet tab 🙂" {
		t.Fatalf("remark = %q", got)
	}
	evs, err = a.AddExpense(worker, terms, ts.ExpenseInput{Type: ts.ExpenseOther, Date: week.Day(0), AmountCents: 100,
		Description: "lunch\nmet klant"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := evs[0].(*ts.ExpenseAdded).Expense.Description; got != "lunch met klant" {
		t.Fatalf("description = %q", got)
	}
	b := &ts.Timesheet{}
	for _, c := range importedH[:4] {
		if _, err := c(b); err != nil {
			t.Fatal(err)
		}
	}
	_, err = b.MarkImported(payroll, now, "batch\n1")
	wantErr(t, err, "text_encoding", domain.KindRule)
	_, err = b.MarkImported(payroll, now, strings.Repeat("b", ts.MaxImportBatchLength+1))
	wantErr(t, err, "too_long", domain.KindRule)
}
