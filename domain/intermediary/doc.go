// Package intermediary is the Intermediary aggregate (stream
// "intermediary-<id>"): an agency between the bureau and its clients, which
// controls and approves its clients' hours.
//
// The contact person's name and e-mail address are in events: the e-mail is
// the username of the account created for the contact and both are shown on
// screens. The contact's mobile number is personal data and is stored by the
// command layer in the personal-data table, never in an event.
package intermediary
