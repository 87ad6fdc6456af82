// Package document holds the command handlers of documents and invoices
// (manual ch. 4) and digital signing (ch. 5), one file per command, and
// SignMailer, the side-effect projector that issues the TAN and mails it.
//
// Every handler loads the document's stream (and, where a rule needs them,
// the client, worker or signer account streams: decisions rest on the
// ledger alone), checks that the actor may see the document (outside the
// actor's scope it does not exist: domain.ErrNotFound), lets the aggregate
// decide and appends with the loaded revision.
//
// Two things never enter an event: the file (table document_files, written
// before document.uploaded is appended and removed again when the append
// fails) and the TAN (table document_tans holds an HMAC-SHA256 of it under
// a key derived from the master key). Sign and Decline check the TAN in a
// transaction that locks its row, count wrong attempts there and block the
// request after MaxTANAttempts; the signature is appended while the lock is
// held, so two tabs cannot both sign.
package document
