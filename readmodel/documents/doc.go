// Package documents is the read side of documents and invoices (manual
// ch. 4 and 5): the projector "documents" keeps one row per document
// stream with its latest signature request, and the typed queries of the
// list, the detail and the file.
//
// Writes are idempotent: a row remembers the last stream revision it
// applied; an event at or below it is skipped and one that skips a
// revision is refused, so a gap is never papered over. Reset truncates the
// table; the files (document_files) and TANs (document_tans) belong to the
// command side and survive a rebuild.
//
// Every query takes the actor: the bureau and the auditor see all
// documents (the auditor no signer's address), a client
// user their company's, an intermediary its clients', a worker those that
// concern them, anyone else nothing (document.CanSee). ID copies are
// listed as Restricted for everyone but the bureau and the worker
// concerned, and their file is refused to them (document.CanReadFile).
package documents
