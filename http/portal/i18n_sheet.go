package portal

// The timesheet editor's own texts, kept apart from i18n.go so the
// catalogue's shared file changes little (merged into catalogue at start).
var sheetTexts = map[string]map[string]string{
	"nl": {
		"sheet.day_total_col": "Dagtotaal", "sheet.week_total": "Weektotaal", "sheet.lines": "Urenregels",
	},
	"en": {
		"sheet.day_total_col": "Day total", "sheet.week_total": "Week total", "sheet.lines": "Hour lines",
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
