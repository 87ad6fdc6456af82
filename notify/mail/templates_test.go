package mail_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"backoffice/notify/mail"
)

var linkRE = regexp.MustCompile(`https://p\.test/\S+`)

func TestTemplates(t *testing.T) {
	expires := time.Date(2026, 1, 5, 13, 30, 0, 0, time.UTC) // 14:30 in Amsterdam
	tests := []struct {
		name        string
		msg         mail.Message
		subject     string
		contains    []string
		notContains []string
	}{
		{
			name:     "activation nl",
			msg:      mail.ActivationMail("", "jan@example.nl", "Jan", "jan.devries", "https://p.test/a?t=1", expires),
			subject:  "Uw inloggegevens voor Backofficebureau Digitaal",
			contains: []string{"Beste Jan,", "Uw gebruikersnaam: jan.devries", "https://p.test/a?t=1", "5 januari 2026 om 14:30 uur"},
		},
		{
			name:     "activation en",
			msg:      mail.ActivationMail("en-GB", "jan@example.nl", "", "jan.devries", "https://p.test/a?t=1", expires),
			subject:  "Your login details for Backofficebureau Digitaal",
			contains: []string{"Dear Sir or Madam,", "Your username: jan.devries", "5 January 2026 at 14:30"},
		},
		{
			name:     "reset nl",
			msg:      mail.PasswordResetMail("nl", "jan@example.nl", "Jan", "https://p.test/r?t=2", expires),
			subject:  "Wachtwoord opnieuw instellen voor Backofficebureau Digitaal",
			contains: []string{"https://p.test/r?t=2", "geldig tot 5 januari 2026 om 14:30 uur"},
		},
		{
			name:     "reset en",
			msg:      mail.PasswordResetMail("en", "jan@example.nl", "Jan", "https://p.test/r?t=2", expires),
			subject:  "Reset your password for Backofficebureau Digitaal",
			contains: []string{"Dear Jan,", "https://p.test/r?t=2"},
		},
		{
			name:    "sign nl via sms",
			msg:     mail.SignRequestMail("nl", "klant@example.nl", "", "https://p.test/d/1", ""),
			subject: "u dient een document goed te keuren",
			contains: []string{"Beste klant,",
				"In uw portal staat een document klaar om door u te worden ondertekend.",
				"die u ontvangen heeft op uw mobiele telefoon.",
				"Klik hier voor het goedkeuren van uw document:",
				"Werkt de link niet? Kopieer dan de volgende link in de adresbalk van uw browser:",
				"Met vriendelijke groet,\n\nBackofficebureau"},
			notContains: []string{"TAN-code:", "in deze e-mail staat"},
		},
		{
			name:     "sign en with tan",
			msg:      mail.SignRequestMail("en", "klant@example.nl", "", "https://p.test/d/1", "WXYZ"),
			subject:  "you are asked to approve a document",
			contains: []string{"Your TAN code: WXYZ", "https://p.test/d/1"},
		},
		{
			name:    "sign nl after a failed sms",
			msg:     mail.SignRequestSMSFailedMail("nl", "klant@example.nl", "Kees", "https://p.test/d/1", "QRST"),
			subject: "u dient een document goed te keuren",
			contains: []string{"Beste Kees,", "De sms met uw TAN-code kon niet worden verstuurd.", "Uw TAN-code: QRST",
				"die in deze e-mail staat.", "https://p.test/d/1"},
			notContains: []string{"ontvangen heeft op uw mobiele telefoon"},
		},
		{
			name:     "sign en after a failed sms",
			msg:      mail.SignRequestSMSFailedMail("en", "klant@example.nl", "", "https://p.test/d/1", "QRST"),
			subject:  "you are asked to approve a document",
			contains: []string{"We could not send the text message with your TAN code", "Your TAN code: QRST", "https://p.test/d/1"},
		},
		{
			name:    "sign declined nl",
			msg:     mail.SignDeclinedMail("nl", "beheer@bureau.nl", "Overeenkomst 2026", "Bakkerij B.V.", "kees@bakkerij.nl", "Bedrag klopt niet", "https://p.test/documenten/d1"),
			subject: "Document niet akkoord: Overeenkomst 2026",
			contains: []string{"kees@bakkerij.nl (Bakkerij B.V.) heeft het verzoek om het document \"Overeenkomst 2026\" te ondertekenen beantwoord met \"Niet akkoord\".",
				"Opmerking:\n\n    Bedrag klopt niet", "https://p.test/documenten/d1"},
			notContains: []string{"Er is geen opmerking"},
		},
		{
			name:        "sign declined en without remark",
			msg:         mail.SignDeclinedMail("en", "beheer@bureau.nl", "Contract", "", "kees@bakkerij.nl", "", "https://p.test/documenten/d1"),
			subject:     "Document declined: Contract",
			contains:    []string{"kees@bakkerij.nl answered", "No remark was added.", "See the document in the portal:\nhttps://p.test/documenten/d1"},
			notContains: []string{"Remark:", "()"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.msg.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", tt.msg.Subject, tt.subject)
			}
			for _, s := range tt.contains {
				if !strings.Contains(tt.msg.TextBody, s) {
					t.Errorf("body lacks %q:\n%s", s, tt.msg.TextBody)
				}
			}
			for _, s := range tt.notContains {
				if strings.Contains(tt.msg.TextBody, s) {
					t.Errorf("body has %q:\n%s", s, tt.msg.TextBody)
				}
			}
			if strings.Contains(strings.ToLower(tt.msg.TextBody), "<no value>") {
				t.Errorf("unfilled field in body:\n%s", tt.msg.TextBody)
			}
			// Every mail is multipart: the HTML of the one notice layout,
			// in the mail's language, with the same link as a button.
			if !strings.HasPrefix(tt.msg.HTMLBody, "<!DOCTYPE html>") || !strings.Contains(tt.msg.HTMLBody, `<html lang="`+tt.msg.Language+`">`) {
				t.Errorf("no HTML part in the mail's language:\n%s", tt.msg.HTMLBody)
			}
			for _, l := range linkRE.FindAllString(tt.msg.TextBody, -1) {
				if !strings.Contains(tt.msg.HTMLBody, `href="`+l+`"`) {
					t.Errorf("HTML lacks the link %s", l)
				}
			}
			if err := tt.msg.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestAccountMailsEscapeHTML: names, titles and remarks come from users;
// in the HTML part they are text, never markup.
func TestAccountMailsEscapeHTML(t *testing.T) {
	evil := `<img src=x onerror=alert(1)>`
	for name, m := range map[string]mail.Message{
		"activation":    mail.ActivationMail("nl", "a@example.nl", evil, "a@example.nl", "https://p.test/a", time.Now()),
		"sign request":  mail.SignRequestMail("en", "a@example.nl", evil, "https://p.test/d", "ABCD"),
		"sign declined": mail.SignDeclinedMail("nl", "a@example.nl", evil, evil, evil, evil, "https://p.test/d"),
	} {
		if strings.Contains(m.HTMLBody, "<img") || !strings.Contains(m.HTMLBody, "&lt;img src=x onerror=alert(1)&gt;") {
			t.Errorf("%s: user text not escaped in the HTML:\n%s", name, m.HTMLBody)
		}
	}
}
