// Package document holds the command handlers of documents and invoices
// (manual ch. 4) and digital signing (ch. 5), one file per command, and
// TANIssuer, which issues each request's TAN and signing link and records
// document.tan_issued for the side-effect projector that sends them
// (notify/reactors.SignMailer).
//
// Every handler loads the document's stream (and, where a rule needs them,
// the client, worker or signer account streams: decisions rest on the
// ledger alone), checks that the actor may see the document (outside the
// actor's scope it does not exist: domain.ErrNotFound), lets the aggregate
// decide and appends with the loaded revision.
//
// The signing mail carries a unique link (signlink.go: a random token,
// stored hashed, bound to request and signer; OpenSignLink checks it for
// the portal) and, unless it went by SMS (notify/reactors, notify/sms), the
// TAN; document.tan_issued records the channel and the masked address
// (issue.go).
//
// Two things never enter an event: the file (table document_files, keyed
// by document and checksum, written before document.uploaded is appended;
// the row of an upload that lost the race for its ID is removed again) and
// the TAN (table document_tans holds an HMAC-SHA256 of it under a key
// derived from the master key). Sign and Decline check the TAN in a short
// transaction that locks its row, count wrong attempts there (blocking the
// request after MaxTANAttempts) and claim the right TAN; the answer is
// appended after that transaction, so no connection is held while the
// append waits for one. A claimed TAN cannot be used by a second tab, and
// both decided on the same revision: only one answer is recorded.
package document
