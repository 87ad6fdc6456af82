package app

import (
	"backoffice/http/api/notifyapi"
	"backoffice/notify/audience"
	"backoffice/notify/mail"
	"backoffice/notify/reactors"
	"backoffice/notify/reminders"
	"backoffice/readmodel/missingweeks"
)

// addNotify wires notify/: the timesheet mailer (a projector), the weekly
// reminders (a background loop under an advisory lock) and the API slice
// (settings, missing-hours overview, failed mails).
func (f *features) addNotify(o Options, disp *mail.Dispatcher) error {
	links := audience.NewLinks(o.PublicURL)
	mailer, err := reactors.NewTimesheetMailer(reactors.TimesheetMailerConfig{Store: o.Store, Mail: disp, Links: links,
		Now: o.Clock, Log: o.Log.With("component", "notify.mail")})
	if err != nil {
		return err
	}
	runner, err := reminders.New(reminders.Config{Pool: o.Pool, Mail: disp, Links: links, Plan: o.Reminders,
		Now: o.Clock, Log: o.Log.With("component", "notify.reminders")})
	if err != nil {
		return err
	}
	feature, err := notifyapi.New(notifyapi.Deps{Pool: o.Pool, Mail: disp, SMS: f.smsQueue, Clock: o.Clock})
	if err != nil {
		return err
	}
	f.projectors = append(f.projectors, mailer)
	f.background = append(f.background, runner.Run)
	f.reminders = runner
	f.api = append(f.api, feature)
	// The missing-hours overview's read model and its weekly roll-over.
	f.projectors = append(f.projectors, missingweeks.Projectors()...)
	f.background = append(f.background, missingweeks.RollOver(o.Pool, o.Clock, o.Log.With("component", "missingweeks")))
	return nil
}
