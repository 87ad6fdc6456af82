// Package timesheet is the timesheet aggregate (urenbriefje): the hours of
// one placement for one ISO week, kept as an event stream named
// timesheet-<placement>-<YYYY>W<WW>.
//
// The aggregate is plain Go: its state is a fold of events through one
// transition switch (Apply), and every command method validates against that
// state and the Terms the caller built from the client's agreement and the
// placement, then records and returns new events. Nothing here does I/O;
// the clock is passed in as now.
//
// What the package decides, beyond the issue text:
//
//   - Hour input (ParseHours) accepts "8", "7,5", "7.5", "7:30", ",5" and
//     the empty string (0). It never rounds: a decimal value that is not a
//     whole number of minutes (7,33 h = 439,8 min) is refused, as is more
//     than two decimals, a negative value, more than 24 hours or anything
//     else.
//   - Time registration: a shift whose end is at or before its start ends on
//     the next day. A continuous shift (doorlopende dienst) runs until the
//     start of the next entry by start instant; when no entry follows it ends
//     at its own end time, so the last entry of the week is never open-ended.
//     Wall times that do not exist (the skipped hour of the spring clock
//     change) are refused; wall times that occur twice (the autumn repeat
//     hour) mean the first occurrence (summer time). Worked time is booked on
//     the normal hour type of the day the shift starts; in time registration
//     mode that line is derived from the entries and cannot be set by hand.
//   - Entries may not overlap; a break longer than the shift is refused.
//     Nor may a shift overlap one of the placement's previous or next week
//     (a Sunday night shift ends on the next week's Monday): the caller
//     passes those weeks' computed intervals as AdjacentWeeks, and only the
//     shifts a command adds or changes are checked against them.
//   - Days outside the placement period cannot hold hours, entries or
//     expenses.
//   - Editing a rejected timesheet keeps the status "rejected" (with the
//     reason) until it is offered again.
//   - A command that changes nothing (setting a line to the values it
//     already has) records no events.
package timesheet
