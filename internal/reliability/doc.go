// Package reliability holds the kill -9 loop (killloop_test.go): it builds
// the real binary, runs `serve` on the embedded PostgreSQL, drives
// timesheet commands with Idempotency-Keys, kills serve and, separately,
// the postmaster with SIGKILL while requests are in flight, retries every
// unanswered request with its key, and then checks that no acknowledged
// write was lost or stored twice, that the read models equal a rebuild,
// that nothing panicked and that the database came back by itself.
// writes_test.go does the same for every other kind of write (registration,
// activation, password reset, tokens, uploads, signing with the TAN by SMS,
// payroll export and reopen, ending a placement), aiming each kill at one
// kind of request, and kills a projection rebuild and an audit replay
// mid-way. docs/reliability.md has the figures and how to run the long
// version.
package reliability
