package mail

import (
	"slices"
	"strings"
	"testing"
)

// TestGreetings: every mail's salutation by name, and without one the
// mail's own (relation, formal, client), in Dutch and English.
func TestGreetings(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{greeting("nl", "Jan"), "Beste Jan,"},
		{greeting(LangEN, "Jan"), "Dear Jan,"},
		{greeting("nl", ""), "Beste relatie,"},
		{greeting(LangEN, ""), "Dear Sir or Madam,"},
		{formalGreeting("nl", "Jan"), "Beste Jan,"},
		{formalGreeting(LangEN, "Jan"), "Dear Jan,"},
		{formalGreeting("nl", ""), "Geachte heer/mevrouw,"},
		{formalGreeting(LangEN, ""), "Dear Sir or Madam,"},
		{SignRequestMail("nl", "k@x.nl", "", "l", "").TextBody, "Beste klant,"},
		{SignRequestMail(LangEN, "k@x.nl", "", "l", "").TextBody, "Dear client,"},
		{SignRequestMail("nl", "k@x.nl", "Kees", "l", "").TextBody, "Beste Kees,"},
		{SignRequestMail(LangEN, "k@x.nl", "Kees", "l", "").TextBody, "Dear Kees,"},
	} {
		if !slices.Contains(strings.Split(tt.got, "\n"), tt.want) {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
