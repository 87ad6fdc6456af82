package timesheets

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	ts "backoffice/domain/timesheet"
)

// How a sheet is stored (migration 0312): every part of the detail is a
// typed column of ts_timesheets, the repeating parts as parallel arrays in
// display order (element i of line_hour_types, line_names, ... is line i;
// line_minutes holds seven minutes per line, Monday first). The columns
// come in groups; an event marks the groups it changes (sheet.touch), and
// the projector's UPDATE of a stored row sets the head and those groups
// only. A new row (almost every row of a rebuild) is written whole by COPY.
// Nothing is JSON-encoded or decoded as a whole per event: the arrays are
// sent and read in PostgreSQL's binary format.

// part is a group of columns an event may change.
type part uint16

const (
	partOpened    part = 1 << iota // who and when: set by timesheet.opened
	partTotals                     // day_totals, total_minutes
	partOffer                      // round, hash, offered/approved/imported, import_batch
	partRejection                  // rejected_*
	partLines                      // line_*, hour_totals
	partEntries                    // entry_*
	partExpenses                   // expense_*, expenses_cents, expense_km
	partRemarks                    // remark_*
	partSteps                      // step_*
)

// column is one stored column: its name, its value from a sheet for pgx
// (an UPDATE) and its binary COPY field appended straight from the sheet
// (copyrows.go), without the boxing of value; both come from one function
// of the sheet, and a test holds the COPY field to pgx's encoding of the
// value.
type column struct {
	name  string
	value func(s *sheet) any
	copy  func(b []byte, s *sheet) []byte
}

// scalar is a column of one value f gives, which enc appends as a COPY
// field.
func scalar[V any](name string, f func(*sheet) V, enc func([]byte, V) []byte) column {
	return column{name: name,
		value: func(s *sheet) any { return f(s) },
		copy:  func(b []byte, s *sheet) []byte { return enc(b, f(s)) }}
}

func textCol(name string, f func(*sheet) string) column { return scalar(name, f, appendText) }
func int4Col(name string, f func(*sheet) int32) column  { return scalar(name, f, appendInt4) }
func int8Col(name string, f func(*sheet) int64) column  { return scalar(name, f, appendInt8) }
func boolCol(name string, f func(*sheet) bool) column   { return scalar(name, f, appendBool) }
func instantCol(name string, f func(*sheet) time.Time) column {
	return scalar(name, f, appendTimestamptz)
}

// optTextCol is a text column that is NULL for "".
func optTextCol(name string, f func(*sheet) string) column {
	return column{name: name,
		value: func(s *sheet) any { return nonEmpty(f(s)) },
		copy: func(b []byte, s *sheet) []byte {
			if v := f(s); v != "" {
				return appendText(b, v)
			}
			return appendNull(b)
		}}
}

// optInstantCol is a timestamptz column that is NULL for nil.
func optInstantCol(name string, f func(*sheet) *time.Time) column {
	return column{name: name,
		value: func(s *sheet) any { return orNil(f(s)) },
		copy: func(b []byte, s *sheet) []byte {
			if t := f(s); t != nil {
				return appendTimestamptz(b, *t)
			}
			return appendNull(b)
		}}
}

// group is the columns of one part (head: part 0, written on every change).
type group struct {
	part part
	cols []column
}

func orNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// sheetGroups are every stored column but the key (stream), by group.
var sheetGroups = []group{
	{0, []column{
		textCol("status", func(s *sheet) string { return s.Status }),
		optTextCol("next_party", (*sheet).nextParty),
		{name: "next_step", value: func(s *sheet) any {
			if n, ok := s.nextStep(); ok {
				return int32(n)
			}
			return nil
		}, copy: func(b []byte, s *sheet) []byte {
			if n, ok := s.nextStep(); ok {
				return appendInt4(b, int32(n))
			}
			return appendNull(b)
		}},
		optTextCol("offered_hash", (*sheet).offeredHash),
		boolCol("offered_late", func(s *sheet) bool { return s.OfferedLate }),
		boolCol("approved_late", func(s *sheet) bool { return s.ApprovedLate }),
		int8Col("revision", func(s *sheet) int64 { return s.revision }),
		instantCol("updated_at", func(s *sheet) time.Time { return s.UpdatedAt }),
	}},
	{partOpened, []column{
		textCol("placement_id", func(s *sheet) string { return s.PlacementID }),
		int4Col("iso_year", func(s *sheet) int32 { return int32(s.isoYear) }),
		int4Col("iso_week", func(s *sheet) int32 { return int32(s.isoWeek) }),
		{name: "week_start", value: func(s *sheet) any { return dateOf(s.WeekStart) }, copy: func(b []byte, s *sheet) []byte {
			d, err := time.Parse(time.DateOnly, s.WeekStart)
			if err != nil {
				return appendNull(b) // refused by the NOT NULL constraint, naming the column
			}
			return appendDate(b, d)
		}},
		textCol("worker_id", func(s *sheet) string { return s.WorkerID }),
		textCol("client_id", func(s *sheet) string { return s.ClientID }),
		textCol("intermediary_id", func(s *sheet) string { return s.IntermediaryID }),
		textCol("entered_by", func(s *sheet) string { return s.EnteredBy }),
		boolCol("time_registration", func(s *sheet) bool { return s.TimeRegistration }),
		instantCol("entry_deadline", func(s *sheet) time.Time { return s.EntryDeadline }),
		instantCol("approval_deadline", func(s *sheet) time.Time { return s.ApprovalDeadline }),
	}},
	{partTotals, []column{
		{name: "day_totals", value: func(s *sheet) any { return int32s(s.DayTotals[:]) }, copy: func(b []byte, s *sheet) []byte {
			return appendArrayN(b, oidInt4, len(s.DayTotals), func(b []byte) []byte {
				for _, m := range s.DayTotals {
					b = appendInt4(b, int32(m))
				}
				return b
			})
		}},
		int4Col("total_minutes", func(s *sheet) int32 { return int32(s.TotalMinutes) }),
	}},
	{partOffer, []column{
		int4Col("round", func(s *sheet) int32 { return int32(s.Round) }),
		textCol("hash", func(s *sheet) string { return s.Hash }),
		optInstantCol("offered_at", func(s *sheet) *time.Time { return s.OfferedAt }),
		optInstantCol("approved_at", func(s *sheet) *time.Time { return s.ApprovedAt }),
		optInstantCol("imported_at", func(s *sheet) *time.Time { return s.ImportedAt }),
		textCol("import_batch", func(s *sheet) string { return s.ImportBatch }),
	}},
	{partRejection, []column{
		optInstantCol("rejected_at", func(s *sheet) *time.Time {
			if s.Rejection == nil {
				return nil
			}
			return &s.Rejection.At
		}),
		int4Col("rejected_round", func(s *sheet) int32 { return int32(rejectionOf(s).Round) }),
		int4Col("rejected_step", func(s *sheet) int32 { return int32(rejectionOf(s).Step) }),
		textCol("rejected_party", func(s *sheet) string { return rejectionOf(s).Party }),
		textCol("rejected_role", func(s *sheet) string { return rejectionOf(s).By.Role }),
		textCol("rejected_account", func(s *sheet) string { return rejectionOf(s).By.AccountID }),
		textCol("rejected_reason", func(s *sheet) string { return rejectionOf(s).Reason }),
	}},
	{partLines, []column{
		texts("line_hour_types", linesOf, func(l Line) string { return l.HourType }),
		texts("line_names", linesOf, func(l Line) string { return l.Name }),
		int4s("line_percentages", linesOf, func(l Line) int32 { return int32(l.Percentage) }),
		bools("line_absences", linesOf, func(l Line) bool { return l.Absence }),
		bools("line_from_time_registration", linesOf, func(l Line) bool { return l.FromTimeRegistration }),
		{name: "line_minutes", value: func(s *sheet) any {
			if len(s.Lines) == 0 {
				return []int32(nil)
			}
			out := make([]int32, 0, 7*len(s.Lines))
			for _, l := range s.Lines {
				out = append(out, int32s(l.Minutes[:])...)
			}
			return out
		}, copy: func(b []byte, s *sheet) []byte {
			if len(s.Lines) == 0 {
				return appendNull(b)
			}
			return appendArrayN(b, oidInt4, 7*len(s.Lines), func(b []byte) []byte {
				for _, l := range s.Lines {
					for _, m := range l.Minutes {
						b = appendInt4(b, int32(m))
					}
				}
				return b
			})
		}},
		{name: "hour_totals", value: func(s *sheet) any { return s.hourTotals() }, copy: func(b []byte, s *sheet) []byte {
			return appendText(b, s.hourTotals())
		}},
	}},
	{partEntries, []column{
		int4s("entry_ids", entriesOf, func(e Entry) int32 { return int32(e.ID) }),
		texts("entry_dates", entriesOf, func(e Entry) string { return e.Date }),
		texts("entry_starts", entriesOf, func(e Entry) string { return e.Start }),
		texts("entry_ends", entriesOf, func(e Entry) string { return e.End }),
		int4s("entry_breaks", entriesOf, func(e Entry) int32 { return int32(e.BreakMinutes) }),
		bools("entry_continuous", entriesOf, func(e Entry) bool { return e.Continuous }),
		// Worked instants keep their zone offset (as the domain computed
		// them, shown so): RFC 3339 text, not timestamptz.
		texts("entry_worked_from", entriesOf, func(e Entry) string { return instant(e.WorkedFrom) }),
		texts("entry_worked_until", entriesOf, func(e Entry) string { return instant(e.WorkedUntil) }),
		int4s("entry_worked_minutes", entriesOf, func(e Entry) int32 { return int32(e.WorkedMinutes) }),
	}},
	{partExpenses, []column{
		int4s("expense_ids", expensesOf, func(e Expense) int32 { return int32(e.ID) }),
		texts("expense_types", expensesOf, func(e Expense) string { return e.Type }),
		texts("expense_dates", expensesOf, func(e Expense) string { return e.Date }),
		int8s("expense_amounts", expensesOf, func(e Expense) int64 { return e.AmountCents }),
		int4s("expense_kilometres", expensesOf, func(e Expense) int32 { return int32(e.Kilometres) }),
		texts("expense_descriptions", expensesOf, func(e Expense) string { return e.Description }),
		int8Col("expenses_cents", func(s *sheet) int64 {
			var n int64
			for _, e := range s.Expenses {
				n += e.AmountCents
			}
			return n
		}),
		int4Col("expense_km", func(s *sheet) int32 {
			var n int32
			for _, e := range s.Expenses {
				n += int32(e.Kilometres)
			}
			return n
		}),
	}},
	{partRemarks, []column{
		texts("remark_texts", remarksOf, func(r Remark) string { return r.Text }),
		texts("remark_roles", remarksOf, func(r Remark) string { return r.By.Role }),
		texts("remark_accounts", remarksOf, func(r Remark) string { return r.By.AccountID }),
		instants("remark_ats", remarksOf, func(r Remark) time.Time { return r.At }),
	}},
	{partSteps, []column{
		texts("step_parties", stepsOf, func(st Step) string { return st.Party }),
		bools("step_approved", stepsOf, func(st Step) bool { return st.Approved }),
		texts("step_roles", stepsOf, func(st Step) string { return byOf(st).Role }),
		texts("step_accounts", stepsOf, func(st Step) string { return byOf(st).AccountID }),
		arrayOf("step_ats", oidTimestamptz, stepsOf, func(st Step) pgtype.Timestamptz {
			if st.At == nil {
				return pgtype.Timestamptz{}
			}
			return pgtype.Timestamptz{Time: *st.At, Valid: true}
		}, func(b []byte, t pgtype.Timestamptz) []byte {
			if !t.Valid {
				return appendNull(b)
			}
			return appendTimestamptz(b, t.Time)
		}),
	}},
}

// each maps a part's elements to one array column; an empty part is NULL
// (a nil slice), which costs a row nothing: most timesheets have no time
// entries, expenses or remarks, and no steps before their offer.
func each[T, V any](in []T, f func(T) V) []V {
	if len(in) == 0 {
		return nil
	}
	out := make([]V, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}

// arrayOf is an array column of a part's elements mapped by f: its value
// for pgx (an UPDATE) and its binary COPY field, encoded element by
// element with enc (an empty part NULL in both).
func arrayOf[T, V any](name string, oid uint32, part func(*sheet) []T, f func(T) V, enc func([]byte, V) []byte) column {
	return column{name: name,
		value: func(s *sheet) any { return each(part(s), f) },
		copy: func(b []byte, s *sheet) []byte {
			xs := part(s)
			if len(xs) == 0 {
				return appendNull(b)
			}
			return appendArrayN(b, oid, len(xs), func(b []byte) []byte {
				for _, x := range xs {
					b = enc(b, f(x))
				}
				return b
			})
		}}
}

func texts[T any](name string, part func(*sheet) []T, f func(T) string) column {
	return arrayOf(name, oidText, part, f, appendText)
}

func int4s[T any](name string, part func(*sheet) []T, f func(T) int32) column {
	return arrayOf(name, oidInt4, part, f, appendInt4)
}

func int8s[T any](name string, part func(*sheet) []T, f func(T) int64) column {
	return arrayOf(name, oidInt8, part, f, appendInt8)
}

func bools[T any](name string, part func(*sheet) []T, f func(T) bool) column {
	return arrayOf(name, oidBool, part, f, appendBool)
}

func instants[T any](name string, part func(*sheet) []T, f func(T) time.Time) column {
	return arrayOf(name, oidTimestamptz, part, f, appendTimestamptz)
}

// The repeating parts of a sheet, for arrayOf.
func linesOf(s *sheet) []Line       { return s.Lines }
func entriesOf(s *sheet) []Entry    { return s.Entries }
func expensesOf(s *sheet) []Expense { return s.Expenses }
func remarksOf(s *sheet) []Remark   { return s.Remarks }
func stepsOf(s *sheet) []Step       { return s.Steps }

func int32s(in []int) []int32 { return each(in, func(v int) int32 { return int32(v) }) }

func rejectionOf(s *sheet) Rejection {
	if s.Rejection == nil {
		return Rejection{}
	}
	return *s.Rejection
}

func byOf(st Step) Actor {
	if st.By == nil {
		return Actor{}
	}
	return *st.By
}

func instant(t time.Time) string { return t.Format(time.RFC3339Nano) }

func dateOf(s string) any {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil // refused by the NOT NULL constraint, naming the column
	}
	return d
}

// hourTotals is hour_totals (the hours report's column): totalsByCode,
// encoded as encoding/json encodes []hourTotal (a test holds it to that),
// without its reflection: a rebuild writes it for every row. Small, and
// written only when the lines change.
func (s *sheet) hourTotals() string {
	return encodeHourTotals(s.totalsByCode())
}

// totalsByCode sums the minutes per hour type code over all lines (a time
// registration line and an entered line may share a code), by code.
func (s *sheet) totalsByCode() []hourTotal {
	totals := make([]hourTotal, 0, len(s.Lines))
	for _, l := range s.Lines {
		i := slices.IndexFunc(totals, func(h hourTotal) bool { return h.Code == l.HourType })
		if i < 0 {
			totals = append(totals, hourTotal{Code: l.HourType, Name: l.Name, Percentage: l.Percentage, Absence: l.Absence})
			i = len(totals) - 1
		}
		totals[i].Minutes += l.Total
	}
	slices.SortFunc(totals, func(a, b hourTotal) int { return cmp.Compare(a.Code, b.Code) })
	return totals
}

// encodeHourTotals writes totals as encoding/json writes them.
func encodeHourTotals(totals []hourTotal) string {
	b := make([]byte, 0, 2+80*len(totals))
	b = append(b, '[')
	for i, h := range totals {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(append(b, `{"code":`...), h.Code)
		b = appendJSONString(append(b, `,"name":`...), h.Name)
		b = strconv.AppendInt(append(b, `,"percentage":`...), int64(h.Percentage), 10)
		if h.Absence {
			b = append(b, `,"absence":true`...)
		}
		b = strconv.AppendInt(append(b, `,"minutes":`...), int64(h.Minutes), 10)
		b = append(b, '}')
	}
	return string(append(b, ']'))
}

// appendJSONString appends s as a JSON string, as encoding/json writes it:
// plain ASCII as is, anything it escapes through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string cannot fail
			return append(b, q...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// sheetColumns are the columns of a new row, for COPY: the key, then
// sheetGroups' columns in order.
var sheetColumns = func() []string {
	out := []string{"stream"}
	for _, g := range sheetGroups {
		for _, c := range g.cols {
			out = append(out, c.name)
		}
	}
	return out
}()

// updateOf is the UPDATE of a stored row that sets the head and the
// groups the batch changed. The revision guard keeps it idempotent. Its
// text depends only on the groups (a handful of prepared statements), so
// it is built once per set of groups (updateSQLs) rather than with a
// Fprintf per column on every live batch.
func updateOf(s *sheet) (string, []any) {
	args := make([]any, 1, 2+len(sheetColumns))
	args[0] = s.stream
	var groups part
	for _, g := range sheetGroups {
		if g.part != 0 && s.touched&g.part == 0 {
			continue
		}
		groups |= g.part
		for _, c := range g.cols {
			args = append(args, c.value(s))
		}
	}
	args = append(args, s.revision)
	if sql, ok := updateSQLs.Load(groups); ok {
		return sql.(string), args
	}
	var b strings.Builder
	b.WriteString("UPDATE ts_timesheets SET ")
	n := 1
	for _, g := range sheetGroups {
		if g.part != 0 && groups&g.part == 0 {
			continue
		}
		for _, c := range g.cols {
			n++
			if n > 2 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s = $%d", c.name, n)
		}
	}
	fmt.Fprintf(&b, " WHERE stream = $1 AND revision < $%d", n+1)
	sql := b.String()
	updateSQLs.Store(groups, sql)
	return sql, args
}

// updateSQLs is updateOf's text by the groups it sets (at most one per
// subset of the parts).
var updateSQLs sync.Map

// sheetSelect reads a stored sheet; scanSheet scans it.
const sheetSelect = `SELECT stream, revision, status, placement_id, iso_year, iso_week, week_start,
	worker_id, client_id, intermediary_id, entered_by, time_registration, entry_deadline, approval_deadline,
	offered_late, approved_late, updated_at, next_step, day_totals, total_minutes,
	round, hash, offered_at, approved_at, imported_at, import_batch,
	rejected_at, rejected_round, rejected_step, rejected_party, rejected_role, rejected_account, rejected_reason,
	line_hour_types, line_names, line_percentages, line_absences, line_from_time_registration, line_minutes,
	entry_ids, entry_dates, entry_starts, entry_ends, entry_breaks, entry_continuous,
	entry_worked_from, entry_worked_until, entry_worked_minutes,
	expense_ids, expense_types, expense_dates, expense_amounts, expense_kilometres, expense_descriptions,
	remark_texts, remark_roles, remark_accounts, remark_ats,
	step_parties, step_approved, step_roles, step_accounts, step_ats
	FROM ts_timesheets`

// stored is a row of sheetSelect as scanned.
type stored struct {
	stream, status, placementID, workerID, clientID, intermediaryID, enteredBy string
	revision                                                                   int64
	isoYear, isoWeek, totalMinutes, round                                      int32
	weekStart, entryDL, approvalDL, updatedAt                                  time.Time
	timeRegistration, offeredLate, approvedLate                                bool
	nextStep                                                                   *int32
	dayTotals                                                                  []int32
	hash, importBatch                                                          string
	offeredAt, approvedAt, importedAt                                          *time.Time
	rejectedAt                                                                 *time.Time
	rejRound, rejStep                                                          int32
	rejParty, rejRole, rejAccount, rejReason                                   string

	lineTypes, lineNames []string
	linePcts, lineMins   []int32
	lineAbs, lineTR      []bool

	entryIDs, entryBreaks, entryWorked   []int32
	entryDates, entryStarts, entryEnds   []string
	entryCont                            []bool
	entryFrom, entryUntil                []string
	expIDs, expKm                        []int32
	expTypes, expDates, expDescs         []string
	expAmounts                           []int64
	remTexts, remRoles, remAccounts      []string
	remAts                               []time.Time
	stepParties, stepRoles, stepAccounts []string
	stepApproved                         []bool
	stepAts                              []pgtype.Timestamptz
}

func (r *stored) dest() []any {
	return []any{&r.stream, &r.revision, &r.status, &r.placementID, &r.isoYear, &r.isoWeek, &r.weekStart,
		&r.workerID, &r.clientID, &r.intermediaryID, &r.enteredBy, &r.timeRegistration, &r.entryDL, &r.approvalDL,
		&r.offeredLate, &r.approvedLate, &r.updatedAt, &r.nextStep, &r.dayTotals, &r.totalMinutes,
		&r.round, &r.hash, &r.offeredAt, &r.approvedAt, &r.importedAt, &r.importBatch,
		&r.rejectedAt, &r.rejRound, &r.rejStep, &r.rejParty, &r.rejRole, &r.rejAccount, &r.rejReason,
		&r.lineTypes, &r.lineNames, &r.linePcts, &r.lineAbs, &r.lineTR, &r.lineMins,
		&r.entryIDs, &r.entryDates, &r.entryStarts, &r.entryEnds, &r.entryBreaks, &r.entryCont,
		&r.entryFrom, &r.entryUntil, &r.entryWorked,
		&r.expIDs, &r.expTypes, &r.expDates, &r.expAmounts, &r.expKm, &r.expDescs,
		&r.remTexts, &r.remRoles, &r.remAccounts, &r.remAts,
		&r.stepParties, &r.stepApproved, &r.stepRoles, &r.stepAccounts, &r.stepAts}
}

func utcOrNil(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// sheet is the stored row as the fold's state.
func (r *stored) sheet() (*sheet, error) {
	bad := func(what string) error {
		return fmt.Errorf("timesheets: %s: stored %s have unequal lengths", r.stream, what)
	}
	s := &sheet{
		stream: r.stream, isoYear: int(r.isoYear), isoWeek: int(r.isoWeek), revision: r.revision, oldRevision: r.revision,
		oldState: r.status, opened: true,
		PlacementID: r.placementID, Week: ts.ISOWeek{Year: int(r.isoYear), Week: int(r.isoWeek)}.String(),
		WeekStart: r.weekStart.Format(time.DateOnly), WeekEnd: r.weekStart.AddDate(0, 0, 6).Format(time.DateOnly),
		WorkerID: r.workerID, ClientID: r.clientID, IntermediaryID: r.intermediaryID, EnteredBy: r.enteredBy,
		TimeRegistration: r.timeRegistration, Status: r.status, Round: int(r.round), Hash: r.hash,
		TotalMinutes: int(r.totalMinutes), EntryDeadline: r.entryDL.UTC(), ApprovalDeadline: r.approvalDL.UTC(),
		OfferedAt: utcOrNil(r.offeredAt), ApprovedAt: utcOrNil(r.approvedAt), ImportedAt: utcOrNil(r.importedAt),
		OfferedLate: r.offeredLate, ApprovedLate: r.approvedLate, ImportBatch: r.importBatch, UpdatedAt: r.updatedAt.UTC(),
	}
	for i := range min(7, len(r.dayTotals)) {
		s.DayTotals[i] = int(r.dayTotals[i])
	}
	if r.rejectedAt != nil {
		s.Rejection = &Rejection{Round: int(r.rejRound), Step: int(r.rejStep), Party: r.rejParty,
			By: Actor{Role: r.rejRole, AccountID: r.rejAccount}, Reason: r.rejReason, At: r.rejectedAt.UTC()}
	}
	n := len(r.lineTypes)
	if len(r.lineNames) != n || len(r.linePcts) != n || len(r.lineAbs) != n || len(r.lineTR) != n || len(r.lineMins) != 7*n {
		return nil, bad("lines")
	}
	s.Lines = make([]Line, n)
	for i := range n {
		l := Line{HourType: r.lineTypes[i], Name: r.lineNames[i], Percentage: int(r.linePcts[i]), Absence: r.lineAbs[i],
			FromTimeRegistration: r.lineTR[i]}
		for d := range 7 {
			l.Minutes[d] = int(r.lineMins[7*i+d])
			l.Total += l.Minutes[d]
		}
		s.Lines[i] = l
	}
	if n := len(r.entryIDs); n > 0 {
		if len(r.entryDates) != n || len(r.entryStarts) != n || len(r.entryEnds) != n || len(r.entryBreaks) != n ||
			len(r.entryCont) != n || len(r.entryFrom) != n || len(r.entryUntil) != n || len(r.entryWorked) != n {
			return nil, bad("entries")
		}
		s.Entries = make([]Entry, n)
		for i := range n {
			from, err1 := time.Parse(time.RFC3339Nano, r.entryFrom[i])
			until, err2 := time.Parse(time.RFC3339Nano, r.entryUntil[i])
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("timesheets: %s: stored worked time of entry %d: %w", r.stream, r.entryIDs[i], cmp.Or(err1, err2))
			}
			s.Entries[i] = Entry{ID: int(r.entryIDs[i]), Date: r.entryDates[i], Start: r.entryStarts[i], End: r.entryEnds[i],
				BreakMinutes: int(r.entryBreaks[i]), Continuous: r.entryCont[i], WorkedFrom: from, WorkedUntil: until,
				WorkedMinutes: int(r.entryWorked[i])}
		}
	}
	if n := len(r.expIDs); n > 0 {
		if len(r.expTypes) != n || len(r.expDates) != n || len(r.expAmounts) != n || len(r.expKm) != n || len(r.expDescs) != n {
			return nil, bad("expenses")
		}
		s.Expenses = make([]Expense, n)
		for i := range n {
			s.Expenses[i] = Expense{ID: int(r.expIDs[i]), Type: r.expTypes[i], Date: r.expDates[i], AmountCents: r.expAmounts[i],
				Kilometres: int(r.expKm[i]), Description: r.expDescs[i]}
		}
	}
	if n := len(r.remTexts); n > 0 {
		if len(r.remRoles) != n || len(r.remAccounts) != n || len(r.remAts) != n {
			return nil, bad("remarks")
		}
		s.Remarks = make([]Remark, n)
		for i := range n {
			s.Remarks[i] = Remark{Text: r.remTexts[i], By: Actor{Role: r.remRoles[i], AccountID: r.remAccounts[i]}, At: r.remAts[i].UTC()}
		}
	}
	if n := len(r.stepParties); n > 0 {
		if len(r.stepApproved) != n || len(r.stepRoles) != n || len(r.stepAccounts) != n || len(r.stepAts) != n {
			return nil, bad("steps")
		}
		s.Steps = make([]Step, n)
		for i := range n {
			st := Step{Index: i, Party: r.stepParties[i], Approved: r.stepApproved[i]}
			if st.Approved {
				st.By = &Actor{Role: r.stepRoles[i], AccountID: r.stepAccounts[i]}
			}
			if r.stepAts[i].Valid {
				at := r.stepAts[i].Time.UTC()
				st.At = &at
			}
			s.Steps[i] = st
		}
	}
	// next_step is stored only while a step is pending; otherwise the
	// cursor past the chain (offered) or 0 behave alike for every reader.
	switch {
	case r.nextStep != nil:
		s.NextStep = int(*r.nextStep)
	case s.Status == string(ts.StatusOffered):
		s.NextStep = len(s.Steps)
	}
	return s, nil
}

// loadStored reads the stored sheets of the rows where picks.
func loadStored(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, where string, args ...any) ([]*sheet, error) {
	rows, err := q.Query(ctx, sheetSelect+" WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	var r stored
	var out []*sheet
	_, err = pgx.ForEachRow(rows, r.dest(), func() error {
		s, err := r.sheet()
		if err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	return out, err
}
