// Package timesheets is the read side of the timesheets (urenbriefjes): two
// projectors and the typed queries of the screens built on their tables.
//
//   - Placements (projector "timesheet_placements") keeps ts_placements: the
//     tenant IDs and period of every placement, from placement.started and
//     placement.ended, for the week colours (fillable weeks) and scope checks.
//   - Timesheets (projector "timesheets") keeps ts_timesheets, one row per
//     timesheet stream with the filterable fields and the whole detail as
//     narrow typed columns folded from the events, and ts_status_counts, the
//     pre-aggregated status counts per scope (everything, an intermediary, a
//     client, a worker) behind the home screen's status overview.
//
// ts_timesheets also carries the per-hour-type minutes and expense sums of
// each timesheet as small columns, for the hours report (report.go).
//
// The detail is stored as columns, not as one document (store.go, migration
// 0312): scalars as their own columns, the repeating parts (lines with their
// seven day minutes, time entries, expenses, remarks, approval steps) as
// parallel typed arrays in display order, in the same row. An event marks
// the column groups it changes (sheet.touch); the UPDATE of a stored row sets
// the head (status, revision, ...) and those groups only, and the arrays
// travel in PostgreSQL's binary format, so no event encodes or decodes a
// whole JSON document. Arrays in the row rather than child tables keyed by
// (stream, index): a rebuild COPYs one row per timesheet as before, not a
// row per line, expense and remark with an index entry each, and the
// detail screen is still one key lookup (docs/BENCHMARKS.md §5,
// 2026-12-05 narrow).
//
// Both are batch projectors: a catch-up batch loads every touched row once,
// folds its events in memory and writes the rows it created with one COPY,
// the others with one UPDATE each in one round trip, and the counts with one
// statement. Writes are idempotent: a row remembers the last stream revision
// it applied, an event at or below it is skipped (and counts only move with
// rows that changed), and an event that skips a revision is refused so a
// gap is never papered over.
//
// Every query takes the actor and derives its scope with account.ScopeOf; a
// row outside the scope is indistinguishable from a missing one. Late flags
// and fillable weeks are computed against the injected clock at query time,
// on top of the late flags the events recorded.
package timesheets
