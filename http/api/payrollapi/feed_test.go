package payrollapi_test

import (
	"net/url"
	"strings"
	"testing"

	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	rm "backoffice/readmodel/payroll"
)

var week = [7]ts.Minutes{480, 450, 480, 480, 420, 0, 0} // 38:30

func weeksOf(p rm.Page) []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.Placement + "/" + it.Week
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFeedOrderAndPaging: only approved timesheets appear, in the order of
// their approval, with the approved content; the cursor pages through them
// strictly after the last item seen.
func TestFeedOrderAndPaging(t *testing.T) {
	e := newEnv(t)
	// Approved out of week order and across tenants; the feed follows the
	// approvals, not the weeks.
	e.approve("p1", 3, week)
	e.approve("p2", 4, [7]ts.Minutes{600, 600, 0, 0, 0, 0, 0})
	e.approve("p1", 5, week)
	e.approve("p1", 4, week)
	e.offer("p1", 6) // offered, not approved: not in the feed
	pos := e.last
	want := []string{"p1/2026-W03", "p2/2026-W04", "p1/2026-W05", "p1/2026-W04"}

	for _, who := range []string{"payroll", "backoffice"} {
		all := e.feed(who, pos, "")
		if got := weeksOf(all); !equal(got, want) {
			t.Fatalf("feed as %s = %v, want %v", who, got, want)
		}
		if all.HasMore || all.NextCursor != all.Items[3].Cursor {
			t.Fatalf("feed as %s: has_more %v, next_cursor %q, want the last item's %q", who, all.HasMore, all.NextCursor, all.Items[3].Cursor)
		}
	}
	all := e.feed("payroll", pos, "")
	for i := 1; i < len(all.Items); i++ {
		prev, err1 := rm.ParseCursor(all.Items[i-1].Cursor)
		cur, err2 := rm.ParseCursor(all.Items[i].Cursor)
		if err1 != nil || err2 != nil || !cur.After(prev) {
			t.Fatalf("feed positions not increasing: %s then %s", all.Items[i-1].Cursor, all.Items[i].Cursor)
		}
	}

	// The approved content.
	it := all.Items[1]
	if it.WorkerID != "w2" || it.ClientID != "c2" || it.IntermediaryID != "i2" || it.WeekStart != "2026-01-19" || it.WeekEnd != "2026-01-25" ||
		it.Round != 1 || it.Hash == "" || it.TotalMinutes != 1200 || it.DayTotals != [7]int{600, 600} || it.Imported || it.ImportBatch != "" ||
		it.ImportedAt != nil || !it.ApprovedAt.Equal(now) || it.ApprovalDeadline.IsZero() || len(it.Expenses) != 0 {
		t.Fatalf("feed item = %+v", it)
	}
	if len(it.Lines) != 1 || it.Lines[0] != (rm.Line{HourType: "100", Name: "Normale uren", Percentage: 100,
		Minutes: [7]int{600, 600}, TotalMinutes: 1200}) {
		t.Fatalf("lines = %+v", it.Lines)
	}
	if it.Allowances.DaysWorked != 2 || it.Allowances.MinutesWorked != 1200 {
		t.Fatalf("allowances = %+v", it.Allowances)
	}
	if a := all.Items[0]; a.Lines[0].TotalMinutes != 2310 || a.Lines[0].Minutes != [7]int{480, 450, 480, 480, 420} || !a.Late {
		// Week 3 was approved on 2 February, after its approval deadline.
		t.Fatalf("week 3 = %+v", a)
	}

	// Paging: three, then one, then none; the cursor stays put on an empty
	// page so polling can go on from it.
	p1 := e.feed("payroll", pos, "limit=3")
	if got := weeksOf(p1); !equal(got, want[:3]) || !p1.HasMore || p1.NextCursor != p1.Items[2].Cursor {
		t.Fatalf("page 1 = %v, has_more %v, next %q", got, p1.HasMore, p1.NextCursor)
	}
	p2 := e.feed("payroll", pos, "limit=3&after="+url.QueryEscape(p1.NextCursor))
	if got := weeksOf(p2); !equal(got, want[3:]) || p2.HasMore {
		t.Fatalf("page 2 = %v, has_more %v", got, p2.HasMore)
	}
	p3 := e.feed("payroll", pos, "after="+url.QueryEscape(p2.NextCursor))
	if len(p3.Items) != 0 || p3.HasMore || p3.NextCursor != p2.NextCursor {
		t.Fatalf("page 3 = %+v, want empty with the same cursor %q", p3, p2.NextCursor)
	}
	// An item's own cursor reads on after that item.
	if got := weeksOf(e.feed("payroll", pos, "after="+url.QueryEscape(all.Items[1].Cursor))); !equal(got, want[2:]) {
		t.Fatalf("after item 1 = %v", got)
	}

	// A new approval appears after the cursor a poller holds.
	e.approve("p2", 5, week)
	p4 := e.feed("payroll", e.last, "after="+url.QueryEscape(p3.NextCursor))
	if got := weeksOf(p4); !equal(got, []string{"p2/2026-W05"}) {
		t.Fatalf("after a new approval = %v", got)
	}

	// Bad parameters.
	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "after=abc", "include_imported=maybe", "after=" + url.QueryEscape(eventstore.Position{Commit: 1 << 63}.String())} {
		r := e.do("GET", "/payroll/approved?"+q, "payroll", nil)
		if r.Status != 400 {
			t.Fatalf("?%s: status %d: %s", q, r.Status, r.Body)
		}
	}
	if r := e.do("GET", "/payroll/approved?limit=1000", "payroll", nil); r.Status != 200 {
		t.Fatalf("limit=1000: %d %s", r.Status, r.Body)
	}
}

// TestImportReports: an import reported through the single endpoint or the
// bulk one takes the timesheet out of the default feed; the bulk report
// refuses a hash that is not the approved content, and repeating a report
// with the same batch changes nothing.
func TestImportReports(t *testing.T) {
	e := newEnv(t)
	s3 := e.approve("p1", 3, week)
	s4 := e.approve("p2", 4, week)
	s5 := e.approve("p1", 5, week)
	e.offer("p1", 6)
	hashes := map[string]string{}
	for _, it := range e.feed("payroll", e.last, "").Items {
		hashes[it.Placement+"/"+it.Week] = it.Hash
	}
	hash := func(s sheet) string { return hashes[s.placement+"/"+s.week.String()] }

	// The existing single report, with the payroll token.
	var single struct {
		Position string `json:"position"`
	}
	e.must(200, "POST", s3.path()+"/imported", "payroll", map[string]any{"import_batch": "2026-06-a"}).Decode(t, &single)
	if got := weeksOf(e.feed("payroll", single.Position, "")); !equal(got, []string{"p2/2026-W04", "p1/2026-W05"}) {
		t.Fatalf("default feed after the single import = %v", got)
	}
	withImported := e.feed("payroll", single.Position, "include_imported=true")
	if got := weeksOf(withImported); !equal(got, []string{"p1/2026-W03", "p2/2026-W04", "p1/2026-W05"}) {
		t.Fatalf("feed with imported = %v", got)
	}
	if it := withImported.Items[0]; !it.Imported || it.ImportBatch != "2026-06-a" || it.ImportedAt == nil || !it.ImportedAt.Equal(now) {
		t.Fatalf("imported item = %+v", it)
	}

	// The bulk report: one right hash, one wrong.
	bulk := func(who, batch string, items ...map[string]string) importResponse {
		t.Helper()
		var r importResponse
		e.must(200, "POST", "/payroll/imported", who, map[string]any{"batch": batch, "items": items}).Decode(t, &r)
		return r
	}
	item := func(s sheet, hash string) map[string]string {
		return map[string]string{"placement": s.placement, "week": s.week.String(), "hash": hash}
	}
	r := bulk("payroll", "2026-06-b", item(s4, hash(s4)), item(s5, "0000"+hash(s5)[4:]))
	if r.Imported != 1 || r.Failed != 1 || len(r.Results) != 2 || r.Position == "" || r.Position != r.Results[0].Position {
		t.Fatalf("bulk = %+v", r)
	}
	if res := r.Results[0]; res.Status != 200 || res.Outcome != "imported" || res.Placement != "p2" || res.Week != "2026-W04" {
		t.Fatalf("bulk item 0 = %+v", res)
	}
	if res := r.Results[1]; res.Status != 422 || res.Error == nil || res.Error.Code != "hash_mismatch" || res.Error.Field != "items[1].hash" {
		t.Fatalf("bulk item 1 = %+v", res)
	}
	if got := weeksOf(e.feed("payroll", r.Position, "")); !equal(got, []string{"p1/2026-W05"}) {
		t.Fatalf("default feed after the bulk import = %v (the refused item must stay)", got)
	}
	if it := e.feed("payroll", r.Position, "include_imported=true").Items[1]; it.ImportBatch != "2026-06-b" {
		t.Fatalf("bulk-imported item = %+v", it)
	}

	// Idempotent re-import: the same batch again changes nothing (also for
	// the one imported through the single endpoint); another batch is a
	// conflict.
	again := bulk("payroll", "2026-06-b", item(s4, hash(s4)))
	if again.AlreadyImported != 1 || again.Imported != 0 || again.Failed != 0 || again.Results[0].Status != 200 ||
		again.Results[0].Outcome != "already_imported" || again.Position != eventstore.Start.String() {
		t.Fatalf("re-import = %+v", again)
	}
	e.must(200, "POST", s3.path()+"/imported", "payroll", map[string]any{"import_batch": "2026-06-a"})
	if r := bulk("payroll", "2026-06-a", item(s3, hash(s3))); r.AlreadyImported != 1 {
		t.Fatalf("re-import of the single report = %+v", r)
	}
	if r := bulk("payroll", "2026-06-c", item(s4, hash(s4))); r.Failed != 1 || r.Results[0].Status != 409 || r.Results[0].Error.Code != "already_imported" {
		t.Fatalf("import in another batch = %+v", r)
	}

	// Not approved, unknown placement: the command's answers, per item. The
	// hash is hexadecimal: in upper case it is the same hash.
	offered := sheet{placement: "p1", week: ts.ISOWeek{Year: 2026, Week: 6}}
	r = bulk("backoffice", "2026-06-d", item(offered, "abc"), item(sheet{placement: "nope", week: s3.week}, "abc"), item(s5, strings.ToUpper(hash(s5))))
	if r.Results[0].Status != 409 || r.Results[0].Error.Code != "not_approved" || r.Results[1].Status != 404 ||
		r.Results[2].Status != 200 || r.Results[2].Outcome != "imported" || r.Imported != 1 || r.Failed != 2 {
		t.Fatalf("bulk with unapproved and unknown = %+v", r)
	}
	if p := e.feed("payroll", r.Position, ""); len(p.Items) != 0 {
		t.Fatalf("default feed after importing everything = %v", weeksOf(p))
	}

	// The list itself is checked before anything runs.
	for name, body := range map[string]any{
		"no batch":    map[string]any{"items": []any{item(s5, hash(s5))}},
		"no items":    map[string]any{"batch": "x", "items": []any{}},
		"no hash":     map[string]any{"batch": "x", "items": []any{item(s5, "")}},
		"bad week":    map[string]any{"batch": "x", "items": []any{map[string]string{"placement": "p1", "week": "2026-54", "hash": "h"}}},
		"duplicate":   map[string]any{"batch": "x", "items": []any{item(s5, "h"), item(s5, "h")}},
		"two batches": map[string]any{"batch": "x", "import_batch": "y", "items": []any{item(s5, "h")}},
		"unknown":     map[string]any{"batch": "x", "items": []any{item(s5, "h")}, "extra": 1},
	} {
		if r := e.do("POST", "/payroll/imported", "payroll", body); r.Status != 400 {
			t.Fatalf("%s: status %d: %s", name, r.Status, r.Body)
		}
	}
}

// TestOtherRolesNotFound: for every role but payroll and back office the
// payroll endpoints do not exist, and a refused report records nothing.
func TestOtherRolesNotFound(t *testing.T) {
	e := newEnv(t)
	s := e.approve("p1", 3, week)
	items := e.feed("payroll", e.last, "").Items
	if len(items) != 1 {
		t.Fatalf("feed = %v", weeksOf(rm.Page{Items: items}))
	}
	body := map[string]any{"batch": "b", "items": []any{map[string]string{"placement": "p1", "week": s.week.String(), "hash": items[0].Hash}}}
	for _, who := range []string{"client1", "worker1", "inter1"} {
		rs := []response{
			e.do("GET", "/payroll/approved", who, nil),
			e.do("GET", "/payroll/approved?include_imported=true&limit=5", who, nil),
			e.do("POST", "/payroll/imported", who, body),
		}
		for _, r := range rs {
			if code, _ := r.ErrorCode(t); r.Status != 404 || code != "no_such_endpoint" {
				t.Fatalf("%s: status %d: %s", who, r.Status, r.Body)
			}
		}
	}
	// The auditor reads the feed of approved hours (no personal data; as
	// it is now and as of a moment: docs/audit.md §6), not the rest of
	// payroll, and reports nothing.
	if got := e.feed("auditor", e.last, ""); len(got.Items) != 1 || got.Items[0].Hash != items[0].Hash {
		t.Fatalf("the auditor's feed: %+v", got)
	}
	if got := e.feed("auditor", e.last, "as_of="+e.last); len(got.Items) != 1 || got.Items[0].Hash != items[0].Hash {
		t.Fatalf("the auditor's feed as of %s: %+v", e.last, got)
	}
	if r := e.do("GET", "/payroll/clients/c1", "auditor", nil); r.Status != 404 || r.Code() != "no_such_endpoint" {
		t.Fatalf("auditor's payroll settings: status %d: %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/payroll/imported", "auditor", body); r.Status != 403 || r.Code() != "forbidden" {
		t.Fatalf("auditor's import report: status %d: %s", r.Status, r.Body)
	}
	if r := e.do("GET", "/payroll/approved", "", nil); r.Status != 401 {
		t.Fatalf("anonymous: status %d", r.Status)
	}
	if got := e.feed("payroll", e.last, ""); len(got.Items) != 1 || got.Items[0].Imported {
		t.Fatalf("feed after refused reports = %+v", got)
	}
}

// TestCursorBeyondTheLogIsRefused: a cursor after the last event in the
// log was never handed out by this feed (forged, mistyped, or kept from
// another installation). Accepted, it answered an empty page with that
// cursor as next_cursor, and the poller silently skipped every approval
// until the log passed it. It is refused (400 cursor_invalid); the
// cursor of the feed's last row and an empty page at the end still work.
func TestCursorBeyondTheLogIsRefused(t *testing.T) {
	e := newEnv(t)
	e.approve("p1", 3, week)
	all := e.feed("payroll", e.last, "")
	last := all.Items[len(all.Items)-1].Cursor
	if p := e.feed("payroll", e.last, "after="+url.QueryEscape(last)); len(p.Items) != 0 || p.NextCursor != last {
		t.Fatalf("after the last row: %+v", p)
	}
	lastPos, err := rm.ParseCursor(last)
	if err != nil {
		t.Fatal(err)
	}
	for _, beyond := range []eventstore.Position{{Commit: lastPos.Commit + 1_000_000, Prepare: 0}, {Commit: 1 << 62, Prepare: 1}} {
		r := e.do("GET", "/payroll/approved?after="+url.QueryEscape(beyond.String()), "payroll", nil)
		if r.Status != 400 || !strings.Contains(string(r.Body), `"cursor_invalid"`) {
			t.Fatalf("after=%s: %d %s", beyond, r.Status, r.Body)
		}
	}
	// A new approval after a poller's cursor still shows.
	e.approve("p1", 4, week)
	if got := weeksOf(e.feed("payroll", e.last, "after="+url.QueryEscape(last))); !equal(got, []string{"p1/2026-W04"}) {
		t.Fatalf("after a new approval: %v", got)
	}
}
