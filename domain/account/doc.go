// Package account holds who may log in and what they may see.
//
// The Account aggregate (stream "account-<id>") records that a login exists,
// its role and tenant, and the life cycle of its single-use tokens:
// activation after creation and password reset. The integration Token
// aggregate (stream "token-<id>") records API tokens for the payroll package
// and for auditors.
//
// What is deliberately NOT in events (the command layer keeps it in
// PostgreSQL tables): password hashes, sessions, the hashed secret of an
// integration token, and the mapping from an activation or reset token hash to
// its account for look-up. An activation or reset token's SHA-256 hash IS in
// the event: it reveals nothing about the token (≥128 random bits), and having
// it in the aggregate lets the domain itself enforce "single use" and "expires
// after 72 hours" under optimistic concurrency. The plaintext token only ever
// exists in the e-mail, so the mail is written to the outbox by the command
// handler that generated it, not by a projector.
//
// The e-mail address is in events: it is the username and needed to log in
// and to address mail. Erasing a person therefore also needs the erasure
// procedure of the read models; see worker.PersonalData for the fields that
// never reach an event at all.
//
// policy.go is the authorization policy: which actor may see which tenant's
// rows and which personal fields. Commands and the query layer both use it.
package account
