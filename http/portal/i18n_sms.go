package portal

// Texts of the signing link and the mobile number (TAN by SMS), kept in a
// block of their own and merged into the catalogue at start-up.
var smsTexts = map[string]map[string]string{
	"nl": {
		"document.sign_by_link": "Open de link in de e-mail „u dient een document goed te keuren” om te ondertekenen.",
		"sign.need_link":        "Ondertekenen kan alleen via de unieke link in de e-mail die u van Backofficebureau heeft ontvangen. Open die link; de verificatiecode staat in de e-mail of is per sms verstuurd.",
		"profile.title":         "Mijn gegevens",
		"profile.mobile":        "Mobiel nummer",
		"profile.mobile_hint":   "Hierheen sturen wij per sms de verificatiecode (TAN) als u een document moet ondertekenen. Laat leeg om de code in de e-mail te ontvangen.",
		"nav.profile":           "Mijn gegevens",
		"flash.profile_saved":   "Uw gegevens zijn opgeslagen.",
		"sign.tan_sent_sms":     "De code is per sms verstuurd naar %s.",
		"settings.mobile_link":  "Uw mobiele nummer voor de verificatiecode (TAN) per sms staat bij",
		"sign.tan_sent_email":   "De code staat in de e-mail met de link, verstuurd aan %s.",
	},
	"en": {
		"document.sign_by_link": "Open the link in the e-mail “u dient een document goed te keuren” to sign.",
		"sign.need_link":        "You can only sign through the unique link in the e-mail Backofficebureau sent you. Open that link; the verification code is in the e-mail or was sent by text message.",
		"profile.title":         "My details",
		"profile.mobile":        "Mobile number",
		"profile.mobile_hint":   "We send the verification code (TAN) to this number by text message when you are asked to sign a document. Leave it empty to get the code in the e-mail.",
		"nav.profile":           "My details",
		"flash.profile_saved":   "Your details have been saved.",
		"sign.tan_sent_sms":     "The code was sent by text message to %s.",
		"settings.mobile_link":  "Your mobile number for the verification code (TAN) by text message is under",
		"sign.tan_sent_email":   "The code is in the e-mail with the link, sent to %s.",
	},
}

func init() {
	for lang, texts := range smsTexts {
		for k, v := range texts {
			if _, dup := catalogue[lang][k]; dup {
				panic("portal: text defined twice: " + k)
			}
			catalogue[lang][k] = v
		}
	}
}
