package portal

// Texts of "Wachtwoord wijzigen" on the settings page, kept in a block of
// their own and merged into the catalogue at start-up (as i18n_sms.go).
var passwordTexts = map[string]map[string]string{
	"nl": {
		"password.change":        "Wachtwoord wijzigen",
		"password.change_intro":  "Na het wijzigen blijft u hier ingelogd; op andere apparaten wordt u uitgelogd.",
		"field.current_password": "Huidig wachtwoord",
		"field.repeat_new":       "Herhaal het nieuwe wachtwoord",
		"password.change_submit": "Wachtwoord wijzigen",
		"flash.password_changed": "Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.",
	},
	"en": {
		"password.change":        "Change password",
		"password.change_intro":  "After the change you stay logged in here; on other devices you are logged out.",
		"field.current_password": "Current password",
		"field.repeat_new":       "Repeat the new password",
		"password.change_submit": "Change password",
		"flash.password_changed": "Your password has been changed. You have been logged out on other devices.",
	},
}

func init() {
	for lang, texts := range passwordTexts {
		for k, v := range texts {
			if _, dup := catalogue[lang][k]; dup {
				panic("portal: text defined twice: " + k)
			}
			catalogue[lang][k] = v
		}
	}
}
