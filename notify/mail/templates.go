package mail

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
	"time"

	"backoffice/domain"
)

//go:embed templates/*/*.tmpl
var templateFS embed.FS

// templates[lang][kind], parsed once at start-up: a broken template fails
// the program's start, not a registration.
var templates = mustParseTemplates()

var amsterdam = domain.Amsterdam

func mustParseTemplates() map[string]map[string]*template.Template {
	out := map[string]map[string]*template.Template{}
	for _, lang := range []string{LangNL, LangEN} {
		out[lang] = map[string]*template.Template{}
		for _, kind := range []string{KindActivation, KindPasswordReset, KindSignRequest, KindSignDeclined} {
			name := "templates/" + lang + "/" + kind + ".tmpl"
			t := template.Must(template.New(kind).Option("missingkey=error").ParseFS(templateFS, name))
			for _, part := range []string{"subject", "text"} {
				if t.Lookup(part) == nil {
					panic(fmt.Sprintf("mail: template %s lacks %q", name, part))
				}
			}
			out[lang][kind] = t
		}
	}
	return out
}

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

type templateData struct {
	Name, Username, Link, Expires, TAN string
	// Of a declined signature: the document, its client, who declined
	// and their remark.
	Title, Client, Signer, Remark string
}

func render(lang, kind, to string, data templateData) Message {
	lang = normLang(lang)
	t := templates[lang][kind]
	var subj, text bytes.Buffer
	// The templates are fixed and the data are strings: execution cannot
	// fail except by a programming error, which the template tests catch.
	if err := t.ExecuteTemplate(&subj, "subject", data); err != nil {
		panic(fmt.Sprintf("mail: render %s/%s subject: %v", lang, kind, err))
	}
	if err := t.ExecuteTemplate(&text, "text", data); err != nil {
		panic(fmt.Sprintf("mail: render %s/%s text: %v", lang, kind, err))
	}
	return Message{
		To:       to,
		Subject:  strings.TrimSpace(subj.String()),
		TextBody: strings.TrimLeft(text.String(), "\n"),
		Language: lang,
		Kind:     kind,
	}
}

// ActivationMail is the "your login details" mail for a new account: the
// username and a single-use link to choose a password. It never carries a
// password. lang is "nl" (default) or "en"; name may be empty.
func ActivationMail(lang, to, name, username, link string, expires time.Time) Message {
	lang = normLang(lang)
	return render(lang, KindActivation, to, templateData{
		Name: name, Username: username, Link: link, Expires: formatExpiry(lang, expires),
	})
}

// PasswordResetMail carries a single-use link to choose a new password.
func PasswordResetMail(lang, to, name, link string, expires time.Time) Message {
	lang = normLang(lang)
	return render(lang, KindPasswordReset, to, templateData{
		Name: name, Link: link, Expires: formatExpiry(lang, expires),
	})
}

// SignRequestMail asks a client to sign a document (manual §5.1). tan is
// the 4-letter TAN when it is not sent by SMS, empty otherwise; name may
// be empty ("Beste klant,").
func SignRequestMail(lang, to, name, link, tan string) Message {
	return render(lang, KindSignRequest, to, templateData{Name: name, Link: link, TAN: tan})
}

// KindSignDeclined is the mail to the back office when a client declines
// to sign ("Niet akkoord", manual §5.2). Stored in mail_deliveries.kind:
// never rename.
const KindSignDeclined = "sign_declined"

// SignDeclinedMail tells a back-office user that signer declined to sign
// the document title of client, with the signer's remark (may be empty)
// and a link to the document.
func SignDeclinedMail(lang, to, title, client, signer, remark, link string) Message {
	return render(lang, KindSignDeclined, to, templateData{Title: title, Client: client, Signer: signer, Remark: remark, Link: link})
}
