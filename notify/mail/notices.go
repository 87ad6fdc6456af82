package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"text/template"
	"time"
)

// Kinds of the timesheet notices and reminders. Stored in
// mail_deliveries.kind: never rename.
const (
	KindTimesheetOffered  = "timesheet_offered"
	KindTimesheetRejected = "timesheet_rejected"
	KindTimesheetApproved = "timesheet_approved"
	KindTimesheetReopened = "timesheet_reopened"
	KindReminderEntry     = "reminder_entry"
	KindReminderMissing   = "reminder_missing"
	KindReminderApproval  = "reminder_approval"
)

// notice is the one layout of the timesheet mails: a greeting, paragraphs,
// an optional quote (a rejection reason), an optional list with links and
// one call to action. Rendered as plain text and as HTML (html/template
// escapes every value; the link is the portal's).
type notice struct {
	Lang, Subject, Greeting string
	Paragraphs              []string
	// Highlight is set apart after the paragraphs (a TAN code).
	Highlight             string
	Quote                 string
	Items                 []noticeItem
	Action, Link, Closing string
	// After are paragraphs after the call to action (help with the link).
	After []string
	// Regards and Signature end the mail ("Met vriendelijke groet,",
	// "Backofficebureau"); the signature defaults to the portal's name.
	Regards, Signature string
}

type noticeItem struct{ Text, Link string }

var (
	noticeText = template.Must(template.New("text").ParseFS(templateFS, "templates/notice/text.tmpl"))
	noticeHTML = htmltemplate.Must(htmltemplate.New("html").ParseFS(templateFS, "templates/notice/html.tmpl"))
)

func (n notice) message(to, kind string) Message {
	if n.Signature == "" {
		n.Signature = "Backofficebureau Digitaal"
	}
	var text, html bytes.Buffer
	// Fixed templates over strings: only a programming error fails, which
	// the template tests catch.
	if err := noticeText.ExecuteTemplate(&text, "text", n); err != nil {
		panic(fmt.Sprintf("mail: render %s text: %v", kind, err))
	}
	if err := noticeHTML.ExecuteTemplate(&html, "html", n); err != nil {
		panic(fmt.Sprintf("mail: render %s html: %v", kind, err))
	}
	return Message{To: to, Subject: n.Subject, TextBody: text.String(), HTMLBody: html.String(), Language: n.Lang, Kind: kind}
}

// greet is "Beste name," / "Dear name,", or without a name the given Dutch
// or English salutation.
func greet(lang, name, nlNoName, enNoName string) string {
	switch {
	case name == "" && lang == LangEN:
		return enNoName
	case name == "":
		return nlNoName
	case lang == LangEN:
		return "Dear " + name + ","
	}
	return "Beste " + name + ","
}

// greeting greets a relation of the bureau, by name when known.
func greeting(lang, name string) string {
	return greet(lang, name, "Beste relatie,", "Dear Sir or Madam,")
}

func closing(lang string) string {
	if lang == LangEN {
		return "You receive this mail because you work with timesheets in the portal. Settings: Instellingen in the portal."
	}
	return "U ontvangt deze mail omdat u met urenbriefjes werkt in de portal. Instellingen: menu Instellingen in de portal."
}

// TimesheetRef names one timesheet in a mail: the worker, the ISO week
// ("2026-W10") and the portal link to it.
type TimesheetRef struct {
	Worker string
	Week   string
	Link   string
	// Note is an optional addition: "te laat", "wacht op de opdrachtgever".
	Note string
}

func weekLabel(lang, week string) string {
	y, w, ok := strings.Cut(week, "-W")
	if !ok {
		return week
	}
	w = strings.TrimLeft(w, "0")
	if lang == LangEN {
		return "week " + w + " of " + y
	}
	return "week " + w + " van " + y
}

func (r TimesheetRef) text(lang string) string {
	s := r.Worker + ", " + weekLabel(lang, r.Week)
	if r.Note != "" {
		s += " (" + r.Note + ")"
	}
	return s
}

// TimesheetOfferedMail tells the next party in the approval chain that a
// timesheet waits for them.
func TimesheetOfferedMail(lang, to, name string, ts TimesheetRef, deadline time.Time) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Greeting: greeting(lang, name), Link: ts.Link, Closing: closing(lang)}
	if lang == LangEN {
		n.Subject = "A timesheet is waiting for you: " + ts.text(lang)
		n.Paragraphs = []string{
			fmt.Sprintf("The timesheet of %s for %s has been offered and is waiting for your approval.", ts.Worker, weekLabel(lang, ts.Week)),
			"Please approve or reject it before " + formatExpiry(lang, deadline) + ".",
		}
		n.Action = "Open the timesheet"
	} else {
		n.Subject = "Er staat een urenbriefje voor u klaar: " + ts.text(lang)
		n.Paragraphs = []string{
			fmt.Sprintf("Er staat een urenbriefje voor u klaar: de uren van %s over %s zijn aangeboden ter goedkeuring.", ts.Worker, weekLabel(lang, ts.Week)),
			"Accordeer of keur het urenbriefje af vóór " + formatExpiry(lang, deadline) + ".",
		}
		n.Action = "Urenbriefje openen"
	}
	return n.message(to, KindTimesheetOffered)
}

// TimesheetRejectedMail tells the one who enters the hours that a timesheet
// was rejected, by whom and why.
func TimesheetRejectedMail(lang, to, name string, ts TimesheetRef, by, reason string) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Greeting: greeting(lang, name), Link: ts.Link, Quote: reason, Closing: closing(lang)}
	if lang == LangEN {
		n.Subject = "Timesheet rejected: " + ts.text(lang)
		n.Paragraphs = []string{
			fmt.Sprintf("The timesheet of %s for %s was rejected by %s and is open for changes again.", ts.Worker, weekLabel(lang, ts.Week), by),
			"The reason given:",
		}
		n.Action = "Correct the timesheet"
	} else {
		n.Subject = "Urenbriefje afgekeurd: " + ts.text(lang)
		n.Paragraphs = []string{
			fmt.Sprintf("Het urenbriefje van %s over %s is afgekeurd door %s en staat weer voor u open.", ts.Worker, weekLabel(lang, ts.Week), by),
			"De opgegeven reden:",
		}
		n.Action = "Urenbriefje aanpassen"
	}
	return n.message(to, KindTimesheetRejected)
}

// TimesheetApprovedMail tells the one who entered the hours that the
// timesheet is finally approved (geaccordeerd).
func TimesheetApprovedMail(lang, to, name string, ts TimesheetRef) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Greeting: greeting(lang, name), Link: ts.Link, Closing: closing(lang)}
	if lang == LangEN {
		n.Subject = "Timesheet approved: " + ts.text(lang)
		n.Paragraphs = []string{fmt.Sprintf("The timesheet of %s for %s has been approved. No action is needed.", ts.Worker, weekLabel(lang, ts.Week))}
		n.Action = "View the timesheet"
	} else {
		n.Subject = "Urenbriefje geaccordeerd: " + ts.text(lang)
		n.Paragraphs = []string{fmt.Sprintf("Het urenbriefje van %s over %s is geaccordeerd. U hoeft niets meer te doen.", ts.Worker, weekLabel(lang, ts.Week))}
		n.Action = "Urenbriefje bekijken"
	}
	return n.message(to, KindTimesheetApproved)
}

// TimesheetReopenedMail tells the one who enters the hours that the bureau
// reopened an imported timesheet for a correction, with its reason.
func TimesheetReopenedMail(lang, to, name string, ts TimesheetRef, reason string) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Greeting: greeting(lang, name), Link: ts.Link, Quote: reason, Closing: closing(lang)}
	if lang == LangEN {
		n.Subject = "Timesheet reopened for a correction: " + ts.text(lang)
		n.Paragraphs = []string{
			fmt.Sprintf("The timesheet of %s for %s was already processed for payroll. Backofficebureau Digitaal reopened it for a correction: change the hours and offer it again.", ts.Worker, weekLabel(lang, ts.Week)),
			"The reason given:",
		}
		n.Action = "Correct the timesheet"
	} else {
		n.Subject = "Urenbriefje heropend voor correctie: " + ts.text(lang)
		n.Paragraphs = []string{
			fmt.Sprintf("Het urenbriefje van %s over %s was al verwerkt voor de salarisadministratie. Backofficebureau Digitaal heeft het heropend voor een correctie: pas de uren aan en bied het opnieuw aan.", ts.Worker, weekLabel(lang, ts.Week)),
			"De opgegeven reden:",
		}
		n.Action = "Urenbriefje aanpassen"
	}
	return n.message(to, KindTimesheetReopened)
}

func items(lang string, refs []TimesheetRef) []noticeItem {
	out := make([]noticeItem, len(refs))
	for i, r := range refs {
		out[i] = noticeItem{Text: r.text(lang), Link: r.Link}
	}
	return out
}

// ReminderEntryMail (Monday) asks whoever enters the hours to enter and
// offer the listed weeks before the entry deadline.
func ReminderEntryMail(lang, to, name string, refs []TimesheetRef, deadline time.Time, link string) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Greeting: greeting(lang, name), Items: items(lang, refs), Link: link, Closing: closing(lang)}
	if lang == LangEN {
		n.Subject = "Reminder: please enter and offer your hours"
		n.Paragraphs = []string{"The hours of these weeks have not been offered yet. Please enter and offer them before " + formatExpiry(lang, deadline) + "."}
		n.Action = "Go to the timesheets"
	} else {
		n.Subject = "Herinnering: uren invullen en aanbieden"
		n.Paragraphs = []string{"De uren van deze weken zijn nog niet aangeboden. Vul ze in en bied ze aan vóór " + formatExpiry(lang, deadline) + "."}
		n.Action = "Naar de urenbriefjes"
	}
	return n.message(to, KindReminderEntry)
}

// ReminderMissingMail (Tuesday) tells an intermediary or client which
// hours are still missing or were offered late.
func ReminderMissingMail(lang, to, name string, refs []TimesheetRef, link string) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Greeting: greeting(lang, name), Items: items(lang, refs), Link: link, Closing: closing(lang)}
	if lang == LangEN {
		n.Subject = fmt.Sprintf("Missing hours: %d timesheet(s) not offered", len(refs))
		n.Paragraphs = []string{"The entry deadline has passed. These timesheets have not been offered yet:"}
		n.Action = "Open the missing-hours overview"
	} else {
		n.Subject = fmt.Sprintf("Ontbrekende uren: %d urenbriefje(s) niet aangeboden", len(refs))
		n.Paragraphs = []string{"De termijn om uren in te vullen is verstreken. Deze urenbriefjes zijn nog niet aangeboden:"}
		n.Action = "Overzicht ontbrekende uren openen"
	}
	return n.message(to, KindReminderMissing)
}

// ReminderApprovalMail (Wednesday) tells an approver what waits for them
// before the approval deadline.
func ReminderApprovalMail(lang, to, name string, refs []TimesheetRef, deadline time.Time, link string) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Greeting: greeting(lang, name), Items: items(lang, refs), Link: link, Closing: closing(lang)}
	if lang == LangEN {
		n.Subject = fmt.Sprintf("%d timesheet(s) waiting for your approval", len(refs))
		n.Paragraphs = []string{"Please approve or reject these timesheets before " + formatExpiry(lang, deadline) + ":"}
		n.Action = "Go to the timesheets"
	} else {
		n.Subject = fmt.Sprintf("%d urenbriefje(s) wachten op uw goedkeuring", len(refs))
		n.Paragraphs = []string{"Accordeer of keur deze urenbriefjes af vóór " + formatExpiry(lang, deadline) + ":"}
		n.Action = "Naar de urenbriefjes"
	}
	return n.message(to, KindReminderApproval)
}
