package portal

// The timesheet editor's own texts, kept apart from i18n.go so the
// catalogue's shared file changes little (merged into catalogue at start).
var sheetTexts = map[string]map[string]string{
	"nl": {
		"sheet.day_total_col": "Dagtotaal", "sheet.week_total": "Weektotaal", "sheet.lines": "Urenregels",
		"home.waiting.one": "Er wacht %d urenbriefje op u.", "report.km": "Kilometers",
		"weeks.starts":               "De plaatsing begint op %s (week %d): eerdere weken van dit jaar horen er niet bij.",
		"weeks.ends":                 "De plaatsing eindigt op %s (week %d): latere weken van dit jaar horen er niet bij.",
		"weeks.starts_later":         "De plaatsing begint pas op %s (week %d van %d): dit jaar heeft geen weken van deze plaatsing.",
		"weeks.ended_before":         "De plaatsing is geëindigd op %s (week %d van %d): dit jaar heeft geen weken van deze plaatsing.",
		"home.deadline_intermediary": "Accordeer de uren van de vorige week vóór woensdag 10.00 uur.",
		"list.deadline":              "Uiterlijk", "list.enter_before": "invoeren vóór", "list.approve_before": "accorderen vóór",
		"sheet.my_step_done": "U heeft uw stap geaccordeerd.", "sheet.now_next": "Nu is de %s aan de beurt.",
		"sheet.steps": "Accordering", "sheet.step_done": "geaccordeerd", "sheet.step_by": "door %s",
		"sheet.step_next": "aan de beurt", "sheet.step_waiting": "wacht op de vorige stap",
	},
	"en": {
		"sheet.day_total_col": "Day total", "sheet.week_total": "Week total", "sheet.lines": "Hour lines",
		"home.waiting.one": "%d timesheet is waiting for you.", "report.km": "Kilometres",
		"weeks.starts":               "The placement starts on %s (week %d): earlier weeks of this year are not part of it.",
		"weeks.ends":                 "The placement ends on %s (week %d): later weeks of this year are not part of it.",
		"weeks.starts_later":         "The placement only starts on %s (week %d of %d): this year has no weeks of this placement.",
		"weeks.ended_before":         "The placement ended on %s (week %d of %d): this year has no weeks of this placement.",
		"home.deadline_intermediary": "Approve the hours of the previous week before Wednesday 10:00.",
		"list.deadline":              "Deadline", "list.enter_before": "enter before", "list.approve_before": "approve before",
		"sheet.my_step_done": "You have approved your step.", "sheet.now_next": "It is now the %s's turn.",
		"sheet.steps": "Approval", "sheet.step_done": "approved", "sheet.step_by": "by %s",
		"sheet.step_next": "their turn", "sheet.step_waiting": "waiting for the previous step",
	},
}

func init() {
	for lang, texts := range sheetTexts {
		for k, v := range texts {
			if _, dup := catalogue[lang][k]; dup {
				panic("portal: text " + k + " defined twice")
			}
			catalogue[lang][k] = v
		}
	}
}
