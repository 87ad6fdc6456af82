// Package payroll holds the payroll aggregates: what the bureau needs to
// hand approved hours to a payroll package (Loket.nl, Nmbrs, Easyflex, AFAS).
//
//   - Client ("payroll-client-<client>"): the client's payroll settings
//     (employer administration, payroll period, target package) and its
//     mapping of agreed hour types and expense types to payroll components
//     per target, each mapping valid from a date.
//   - Worker ("payroll-worker-<worker>"): the worker's personnel number
//     (persnr) per employer administration.
//   - Exports ("payroll-exports-<client>"): the client's export batches.
//     A batch fixes the approved timesheets it exports (their content hash
//     and content, the mapping and settings used) in its events, so its
//     files are a pure function of the events; a timesheet sits in at most
//     one open or confirmed batch (the stream revision guards concurrent
//     creations).
//
// All three are plain Go: command methods validate and return events; one
// Apply per aggregate folds them. See docs/payroll.md.
package payroll
