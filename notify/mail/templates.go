package mail

import (
	"embed"
	"fmt"
	"strings"
	"time"

	"backoffice/domain"
)

//go:embed templates/notice/*.tmpl
var templateFS embed.FS

var amsterdam = domain.Amsterdam

// normLang maps a language preference to a template language; Dutch is the default.
func normLang(lang string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en") {
		return LangEN
	}
	return LangNL
}

var monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// formatExpiry renders a moment in Amsterdam time in the mail's language.
func formatExpiry(lang string, t time.Time) string {
	t = t.In(amsterdam)
	if lang == LangEN {
		return t.Format("2 January 2006 at 15:04") + " (Amsterdam time)"
	}
	return fmt.Sprintf("%d %s %d om %s uur", t.Day(), monthsNL[t.Month()-1], t.Year(), t.Format("15:04"))
}

// The account and signing mails below use the notice layout of the
// timesheet mails (notices.go): HTML and plain text, Dutch or English.
// Their wording is the manual's (§5.1 for the signing request).

// ActivationMail is the "your login details" mail for a new account: the
// username and a single-use link to choose a password. It never carries a
// password. lang is "nl" (default) or "en"; name may be empty.
func ActivationMail(lang, to, name, username, link string, expires time.Time) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Link: link, Signature: "Backofficebureau"}
	if lang == LangEN {
		n.Subject = "Your login details for Backofficebureau Digitaal"
		n.Greeting = formalGreeting(lang, name)
		n.Paragraphs = []string{
			"An account has been created for you in the Backofficebureau Digitaal portal.",
			"Your username: " + username,
			"Use the link below to choose your own password and activate your account. The link can be used once and is valid until " + formatExpiry(lang, expires) + ".",
		}
		n.Action = "Choose your password"
		n.After = []string{
			"Link not working? Copy it into the address bar of your browser.",
			`Has the link expired? Request a new one with "Forgot password" on the login page.`,
			"We will never send you a password by e-mail, nor ask you for one.",
		}
		n.Regards = "Kind regards,"
	} else {
		n.Subject = "Uw inloggegevens voor Backofficebureau Digitaal"
		n.Greeting = formalGreeting(lang, name)
		n.Paragraphs = []string{
			"Er is een account voor u aangemaakt in de portal van Backofficebureau Digitaal.",
			"Uw gebruikersnaam: " + username,
			"Via de onderstaande link kiest u zelf uw wachtwoord en activeert u uw account. De link is één keer te gebruiken en geldig tot " + formatExpiry(lang, expires) + ".",
		}
		n.Action = "Wachtwoord kiezen"
		n.After = []string{
			"Werkt de link niet? Kopieer dan de link in de adresbalk van uw browser.",
			`Is de link verlopen? Vraag dan op de inlogpagina via "Wachtwoord vergeten" een nieuwe link aan.`,
			"Wij sturen u nooit een wachtwoord per e-mail en vragen u er ook nooit om.",
		}
		n.Regards = "Met vriendelijke groet,"
	}
	return n.message(to, KindActivation)
}

// formalGreeting greets by name, or formally without one.
func formalGreeting(lang, name string) string {
	return greet(lang, name, "Geachte heer/mevrouw,", "Dear Sir or Madam,")
}

// PasswordResetMail carries a single-use link to choose a new password.
func PasswordResetMail(lang, to, name, link string, expires time.Time) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Greeting: formalGreeting(lang, name), Link: link, Signature: "Backofficebureau"}
	if lang == LangEN {
		n.Subject = "Reset your password for Backofficebureau Digitaal"
		n.Paragraphs = []string{
			"Someone asked to reset the password of your account in the Backofficebureau Digitaal portal.",
			"Use the link below to choose a new password. The link can be used once and is valid until " + formatExpiry(lang, expires) + ".",
		}
		n.Action = "Choose a new password"
		n.After = []string{
			"Link not working? Copy it into the address bar of your browser.",
			"Did you not ask for this? Then you can ignore this e-mail: your password stays unchanged.",
		}
		n.Regards = "Kind regards,"
	} else {
		n.Subject = "Wachtwoord opnieuw instellen voor Backofficebureau Digitaal"
		n.Paragraphs = []string{
			"Er is gevraagd om het wachtwoord van uw account in de portal van Backofficebureau Digitaal opnieuw in te stellen.",
			"Via de onderstaande link kiest u een nieuw wachtwoord. De link is één keer te gebruiken en geldig tot " + formatExpiry(lang, expires) + ".",
		}
		n.Action = "Nieuw wachtwoord kiezen"
		n.After = []string{
			"Werkt de link niet? Kopieer dan de link in de adresbalk van uw browser.",
			"Heeft u dit niet zelf gevraagd? Dan kunt u deze e-mail negeren: uw wachtwoord blijft ongewijzigd.",
		}
		n.Regards = "Met vriendelijke groet,"
	}
	return n.message(to, KindPasswordReset)
}

// SignRequestMail asks a client to sign a document (manual §5.1). tan is
// the 4-letter TAN when it is not sent by SMS, empty otherwise; name may
// be empty ("Beste klant,").
func SignRequestMail(lang, to, name, link, tan string) Message {
	return signRequest(lang, to, name, link, tan, false)
}

// SignRequestSMSFailedMail is the sign request mail again, with the TAN,
// for a signer whose TAN text message could not be sent (the SMS gateway
// refused it or stayed unreachable): it says why a second mail came.
func SignRequestSMSFailedMail(lang, to, name, link, tan string) Message {
	return signRequest(lang, to, name, link, tan, true)
}

func signRequest(lang, to, name, link, tan string, smsFailed bool) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Link: link, Signature: "Backofficebureau", Greeting: greet(lang, name, "Beste klant,", "Dear client,")}
	if lang == LangEN {
		n.Subject = "you are asked to approve a document"
		how := "you received on your mobile phone"
		if tan != "" {
			how = "given in this e-mail"
			n.Highlight = "Your TAN code: " + tan
		}
		n.Paragraphs = []string{"A document is waiting in your portal for your signature. You can sign it by clicking the link below and then entering the TAN code " + how + "."}
		if smsFailed {
			n.Paragraphs = append([]string{"We could not send the text message with your TAN code, so here it is in this e-mail; the code in a text message you may still receive is the same."}, n.Paragraphs...)
		}
		n.Action = "Click here to approve your document"
		n.After = []string{"Link not working? Copy the following link into the address bar of your browser:", link}
		n.Regards = "Kind regards,"
	} else {
		n.Subject = "u dient een document goed te keuren"
		how := "u ontvangen heeft op uw mobiele telefoon"
		if tan != "" {
			how = "in deze e-mail staat"
			n.Highlight = "Uw TAN-code: " + tan
		}
		n.Paragraphs = []string{"In uw portal staat een document klaar om door u te worden ondertekend. U kunt dit document ondertekenen door op onderstaande link te klikken en daarna de TAN-code te gebruiken die " + how + "."}
		if smsFailed {
			n.Paragraphs = append([]string{"De sms met uw TAN-code kon niet worden verstuurd. Daarom staat de code in deze e-mail; een sms die u alsnog ontvangt, bevat dezelfde code."}, n.Paragraphs...)
		}
		n.Action = "Klik hier voor het goedkeuren van uw document"
		n.After = []string{"Werkt de link niet? Kopieer dan de volgende link in de adresbalk van uw browser:", link}
		n.Regards = "Met vriendelijke groet,"
	}
	return n.message(to, KindSignRequest)
}

// KindSignDeclined is the mail to the back office when a client declines
// to sign ("Niet akkoord", manual §5.2). Stored in mail_deliveries.kind:
// never rename.
const KindSignDeclined = "sign_declined"

// SignDeclinedMail tells a back-office user that signer declined to sign
// the document title of client, with the signer's remark (may be empty)
// and a link to the document.
func SignDeclinedMail(lang, to, title, client, signer, remark, link string) Message {
	lang = normLang(lang)
	n := notice{Lang: lang, Link: link, Quote: remark}
	who := signer
	if client != "" {
		who += " (" + client + ")"
	}
	if lang == LangEN {
		n.Subject = "Document declined: " + title
		n.Greeting = "Dear colleague,"
		n.Paragraphs = []string{who + ` answered the request to sign the document "` + title + `" with "Niet akkoord" (declined).`}
		if remark != "" {
			n.Paragraphs = append(n.Paragraphs, "Remark:")
		} else {
			n.Paragraphs = append(n.Paragraphs, "No remark was added.")
		}
		n.Action = "See the document in the portal"
		n.After = []string{"Ask for a signature again if needed."}
	} else {
		n.Subject = "Document niet akkoord: " + title
		n.Greeting = "Beste collega,"
		n.Paragraphs = []string{who + ` heeft het verzoek om het document "` + title + `" te ondertekenen beantwoord met "Niet akkoord".`}
		if remark != "" {
			n.Paragraphs = append(n.Paragraphs, "Opmerking:")
		} else {
			n.Paragraphs = append(n.Paragraphs, "Er is geen opmerking geplaatst.")
		}
		n.Action = "Bekijk het document in de portal"
		n.After = []string{"Vraag zo nodig opnieuw om een handtekening."}
	}
	return n.message(to, KindSignDeclined)
}
