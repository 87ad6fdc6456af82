package portal

// The timesheet editor's own texts, kept apart from i18n.go so the
// catalogue's shared file changes little (merged into catalogue at start).
var sheetTexts = map[string]map[string]string{
	"nl": {
		"sheet.day_total_col": "Dagtotaal", "sheet.week_total": "Weektotaal", "sheet.lines": "Urenregels",
		"sheet.my_step_done": "U heeft uw stap geaccordeerd.", "sheet.now_next": "Nu is de %s aan de beurt.",
		"sheet.steps": "Accordering", "sheet.step_done": "geaccordeerd", "sheet.step_by": "door %s",
		"sheet.step_next": "aan de beurt", "sheet.step_waiting": "wacht op de vorige stap",
	},
	"en": {
		"sheet.day_total_col": "Day total", "sheet.week_total": "Week total", "sheet.lines": "Hour lines",
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
