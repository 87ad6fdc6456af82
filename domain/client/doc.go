// Package client is the Client aggregate (stream "client-<id>"): a company
// (opdrachtgever) where workers are placed, with its intermediary and its
// agreement: the hour types it may book, who enters hours, the approval
// chain, time registration, automatic allowances and billing rates.
//
// Agreements change over time: every change applies from a Monday, so one
// ISO week (one timesheet) always falls under exactly one agreement.
// AgreementOn returns the agreement in force on a date.
//
// The company's address and the contact person's name and e-mail are in
// events (the e-mail is the contact's username). The contact's mobile number
// is personal data: ContactPersonalData, kept out of events.
package client
