package payrollapi_test

import (
	"context"
	"errors"
	"testing"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	rm "backoffice/readmodel/payroll"
)

// TestImportOfTamperedApprovalIsRefused is the finding: an approved
// timesheet's 480 minutes changed to 600 with a plain SQL UPDATE. The payroll
// package reports the import with the hash it was given before the change;
// the import is refused with ledger_integrity (500), through the single and
// the bulk endpoint, and the ledger check itself says why.
func TestImportOfTamperedApprovalIsRefused(t *testing.T) {
	e := newEnv(t)
	s := e.approve("p1", 3, week)
	var hash string
	for _, it := range e.feed("payroll", e.last, "").Items {
		hash = it.Hash
	}
	if hash == "" {
		t.Fatal("no approved timesheet in the feed")
	}
	stream := ts.StreamName(s.placement, s.week)
	tag, err := e.pool.Exec(context.Background(), `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only;
		UPDATE eventstore_events SET data = replace(data::text, '480', '600')::json
			WHERE stream = '`+stream+`' AND type = 'timesheet.line_set';
		ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`)
	if err != nil || tag.String() == "" {
		t.Fatal(err)
	}
	ledger, err := rm.NewLedger(e.store)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ledger.Approval(context.Background(), domain.Actor{Role: domain.RolePayroll}, s.placement, s.week); err == nil {
		t.Fatal("the ledger check accepted a tampered approval")
	} else if !isIntegrity(err) {
		t.Fatalf("ledger check: %v, want ErrIntegrity", err)
	}
	r := e.do("POST", s.path()+"/imported", "payroll", map[string]any{"import_batch": "2026-06-a"})
	if code, _ := r.ErrorCode(t); r.Status != 500 || code != "ledger_integrity" {
		t.Fatalf("single import of the tampered timesheet: %d %s", r.Status, r.Body)
	}
	var bulk importResponse
	e.must(200, "POST", "/payroll/imported", "payroll", map[string]any{"batch": "2026-06-b",
		"items": []map[string]string{{"placement": s.placement, "week": s.week.String(), "hash": hash}}}).Decode(t, &bulk)
	if bulk.Imported != 0 || bulk.Failed != 1 || bulk.Results[0].Status != 500 || bulk.Results[0].Error == nil ||
		bulk.Results[0].Error.Code != "ledger_integrity" {
		t.Fatalf("bulk import of the tampered timesheet: %+v", bulk)
	}
}

func isIntegrity(err error) bool {
	var ie *eventstore.IntegrityError
	return errors.As(err, &ie)
}
