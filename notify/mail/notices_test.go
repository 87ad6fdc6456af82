package mail_test

import (
	"strings"
	"testing"
	"time"

	"backoffice/notify/mail"
)

func TestNoticesRenderTextAndEscapedHTML(t *testing.T) {
	ref := mail.TimesheetRef{Worker: "Piet <b>Jansen</b>", Week: "2026-W10", Link: "https://p.test/plaatsingen/p1/weken/2026-W10"}
	deadline := time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC) // 10:00 in Amsterdam
	cases := []struct {
		msg      mail.Message
		subject  string
		contains []string
	}{
		{mail.TimesheetOfferedMail("nl", "a@example.nl", "Anna", ref, deadline),
			"Er staat een urenbriefje voor u klaar: Piet <b>Jansen</b>, week 10 van 2026",
			[]string{"Beste Anna,", "11 maart 2026 om 10:00 uur", ref.Link}},
		{mail.TimesheetOfferedMail("en", "a@example.nl", "", ref, deadline),
			"A timesheet is waiting for you: Piet <b>Jansen</b>, week 10 of 2026",
			[]string{"Dear Sir or Madam,", "11 March 2026 at 10:00"}},
		{mail.TimesheetRejectedMail("nl", "a@example.nl", "Anna", ref, "de opdrachtgever", "Dinsdag <script>x</script> klopt niet"),
			"Urenbriefje afgekeurd: Piet <b>Jansen</b>, week 10 van 2026",
			[]string{"afgekeurd door de opdrachtgever", "Dinsdag <script>x</script> klopt niet"}},
		{mail.TimesheetApprovedMail("en", "a@example.nl", "Anna", ref),
			"Timesheet approved: Piet <b>Jansen</b>, week 10 of 2026", []string{"has been approved"}},
		{mail.ReminderEntryMail("nl", "a@example.nl", "Anna", []mail.TimesheetRef{ref, {Worker: "Kees", Week: "2026-W09", Link: "https://p.test/x"}}, deadline, "https://p.test/urenbriefjes"),
			"Herinnering: uren invullen en aanbieden", []string{"- Piet <b>Jansen</b>, week 10 van 2026", "- Kees, week 9 van 2026", "https://p.test/urenbriefjes"}},
	}
	for _, c := range cases {
		if err := c.msg.Validate(); err != nil {
			t.Fatal(err)
		}
		if c.msg.Subject != c.subject {
			t.Errorf("subject %q, want %q", c.msg.Subject, c.subject)
		}
		for _, s := range c.contains {
			if !strings.Contains(c.msg.TextBody, s) {
				t.Errorf("%s: text lacks %q:\n%s", c.msg.Kind, s, c.msg.TextBody)
			}
		}
		if c.msg.HTMLBody == "" || strings.Contains(c.msg.HTMLBody, "<script>") || strings.Contains(c.msg.HTMLBody, "<b>Jansen") {
			t.Errorf("%s: HTML missing or unescaped:\n%s", c.msg.Kind, c.msg.HTMLBody)
		}
		if !strings.Contains(c.msg.HTMLBody, `href="https://p.test/`) {
			t.Errorf("%s: HTML lacks the portal link", c.msg.Kind)
		}
	}
}
