// Package payroll is the read side of the payroll import: the projection
// feed through which the payroll package (salarisadministratie) takes over
// approved hours, and the ledger check behind a bulk import report.
//
//   - Feed (projector "payroll.feed") keeps payroll_feed, one row per final
//     approval (timesheet.approved), keyed by the timesheet stream and
//     ordered by the approval event's global log position (commit,
//     prepare). A row carries what payroll needs: placement, week, worker,
//     client and intermediary, the approved hour lines per hour type with
//     minutes per day and totals, the expenses, the computed allowances, the
//     content hash, the approval time and late flag, and the import batch
//     once timesheet.imported is recorded. payroll_timesheets keeps the
//     placement, week and tenant IDs of every timesheet.opened for the
//     approval row to copy.
//   - Queries.Feed pages through the feed strictly after a cursor (the
//     opaque form of a feed position), by default only what is not imported
//     yet.
//   - Ledger.Approval reads a timesheet's approval from the event store
//     itself, so an import report is checked against the ledger, never
//     against a read model that may lag.
//
// Writes are idempotent: a stream's row remembers the last stream revision
// the projector applied and events at or below it are skipped; the feed row
// is upserted by stream. Only the payroll and back-office roles read the
// feed; for everyone else it does not exist (domain.ErrNotFound).
package payroll
