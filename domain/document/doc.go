// Package document is the document aggregate (manual ch. 4 and 5): a file
// offered in the portal ("document aanbieden") or an invoice, and its
// digital signature.
//
// A Document (stream "document-<id>") records that a file was uploaded for
// a client (optionally concerning one worker), and the life cycle of its
// signature requests: the back office asks one client user to sign, that
// user signs ("Akkoord") or declines ("Niet akkoord") with the TAN from the
// mail. At most one request is open at a time; a declined or expired
// request may be replaced by a new one, a signed document is final.
// Invoices are never signed: they are information for the client, not an
// agreement. Nor are ID copies: the signer, a client user, may not open one.
//
// What is deliberately NOT in events: the file's bytes (a PostgreSQL table,
// so a document can be erased and events stay small) and the TAN (only its
// keyed hash, in PostgreSQL). The file's SHA-256 is in the events, so the
// signature names exactly the content that was signed.
//
// The TAN itself is checked by the command layer before Sign or Decline
// runs; the aggregate decides everything else (who, which request, open,
// not expired, "read" confirmed, remark length).
package document
