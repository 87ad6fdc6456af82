package portal

import "fmt"

// The texts of the notify screens (Instellingen, Ontbrekende uren), kept
// apart from i18n.go so the catalogue grows by blocks; init refuses a key
// that is already there.
var catalogueNotify = map[string]map[string]string{
	"nl": {
		"nav.settings":   "Instellingen",
		"settings.title": "Instellingen",
		"settings.intro": "Kies welke e-mails u van de portal ontvangt en in welke taal.",
		"settings.mails": "E-mails over urenbriefjes", "settings.language": "Taal van de portal en de e-mails",
		"settings.reminders":      "Wekelijkse herinneringen",
		"settings.reminders_hint": "Maandag: uren die u nog moet invullen; dinsdag: ontbrekende uren; woensdag: urenbriefjes die op uw goedkeuring wachten.",
		"settings.approved":       "E-mail als een urenbriefje definitief is geaccordeerd",
		"settings.approved_hint":  "Voor wie de uren invult.",
		"settings.always":         "E-mails waarop u moet handelen (een urenbriefje dat voor u klaarstaat, een afgekeurd urenbriefje, een document om te ondertekenen) ontvangt u altijd.",
		"settings.lang_required":  "Kies Nederlands of English.",
		"flash.settings_saved":    "Uw instellingen zijn opgeslagen.",

		"missing.title":     "Ontbrekende uren",
		"missing.intro":     "Lopende plaatsingen waarvan de uren van een afgelopen week nog niet zijn aangeboden, met de termijn (vóór dinsdag 00.00 uur) en hoe laat ze zijn.",
		"missing.all_weeks": "Alle %d afgelopen weken", "missing.all_clients": "Alle opdrachtgevers",
		"missing.count": "%d urenbriefjes ontbreken.", "missing.none": "Er ontbreken geen uren in deze selectie.",
		"missing.truncated": "Alleen de eerste %d staan hieronder; de CSV bevat ze allemaal.",
		"missing.group":     "%d ontbrekend, het oudste %s", "missing.entered_by": "Vult in",
		"missing.deadline": "Termijn", "missing.late": "Te laat",
		"missing.not_late": "nog niet te laat", "missing.late_hours": "%d uur te laat", "missing.late_days": "%d dagen te laat",
		"missing.status.missing": "Niets ingevuld", "missing.status.open": "Open, niet aangeboden", "missing.status.rejected": "Afgekeurd, niet opnieuw aangeboden",
		"missing.summary":      "%d urenbriefjes bij %d opdrachtgevers ontbreken (%s).",
		"missing.summary_late": "Het oudste: %s.", "missing.summary_none": "Er ontbreken geen uren (%s).",
		"missing.last_weeks": "de afgelopen %d weken", "missing.open": "Overzicht ontbrekende uren",
	},
	"en": {
		"nav.settings":   "Settings",
		"settings.title": "Settings",
		"settings.intro": "Choose which e-mails the portal sends you and in which language.",
		"settings.mails": "E-mails about timesheets", "settings.language": "Language of the portal and the e-mails",
		"settings.reminders":      "Weekly reminders",
		"settings.reminders_hint": "Monday: hours you still have to enter; Tuesday: missing hours; Wednesday: timesheets waiting for your approval.",
		"settings.approved":       "E-mail when a timesheet is finally approved",
		"settings.approved_hint":  "For whoever enters the hours.",
		"settings.always":         "E-mails that ask you to act (a timesheet waiting for you, a rejected timesheet, a document to sign) are always sent.",
		"settings.lang_required":  "Choose Nederlands or English.",
		"flash.settings_saved":    "Your settings have been saved.",

		"missing.title":     "Missing hours",
		"missing.intro":     "Active placements whose hours of a past week have not been offered yet, with the deadline (before Tuesday 00:00) and how late they are.",
		"missing.all_weeks": "All %d past weeks", "missing.all_clients": "All clients",
		"missing.count": "%d timesheets are missing.", "missing.none": "No hours are missing in this selection.",
		"missing.truncated": "Only the first %d are shown below; the CSV has them all.",
		"missing.group":     "%d missing, the oldest %s", "missing.entered_by": "Entered by",
		"missing.deadline": "Deadline", "missing.late": "Late",
		"missing.not_late": "not late yet", "missing.late_hours": "%d hours late", "missing.late_days": "%d days late",
		"missing.status.missing": "Nothing entered", "missing.status.open": "Open, not offered", "missing.status.rejected": "Rejected, not offered again",
		"missing.summary":      "%d timesheets at %d clients are missing (%s).",
		"missing.summary_late": "The oldest: %s.", "missing.summary_none": "No hours are missing (%s).",
		"missing.last_weeks": "the past %d weeks", "missing.open": "Missing-hours overview",
	},
}

func init() {
	for lang, msgs := range catalogueNotify {
		for k, m := range msgs {
			if _, dup := catalogue[lang][k]; dup {
				panic(fmt.Sprintf("portal: catalogue key %s/%s twice", lang, k))
			}
			catalogue[lang][k] = m
		}
	}
}
