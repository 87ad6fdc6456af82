// Package identity holds the commands of the identity feature: registering
// intermediaries, clients and workers (each with a login account created
// automatically), agreements, placements, integration tokens, activation and
// password-reset links, the first back-office user, and the encrypted
// personal-data vault.
//
// Who may log in lives in two places that must agree: the account event
// streams (account-<id>, the audit trail and the source of the read models)
// and the credentials table of commands/auth (password hashes, single-use
// link tokens, sessions). A handler claims the e-mail address in the
// credentials table (unique index, committed at once) BEFORE it appends the
// aggregate's and the account's events, and releases the claim when the
// aggregate's append fails, so two registrations with one address cannot
// both succeed and nobody waits on a lock while holding a connection.
//
// Activation and reset links: the commands/auth token table is the only
// place tokens are issued and checked; events never carry token hashes.
// notify/reactors.ActivationMailer, a side-effect projector, issues the first link when it
// sees account.created and queues the mail in its own transaction.
// Links asked for later (password reset, a new activation link) are
// notify/linkmail's.
//
// Personal data (BSN, IBAN, date of birth, address, mobile) is stored in the
// Vault, encrypted with a per-person key; it never enters an event or a log.
package identity
