package portal

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Dutch left in an English text (or English in a Dutch one) is found here
// for every text, including those of screens the browser walk does not
// show (TestBrowserLanguagesComplete checks the rendered pages).
var (
	dutchInEnglish = regexp.MustCompile(`(?i)(^|[^\p{L}])(het|een|niet|voor|naar|geen|wordt|uw|deze|uren|opslaan|terug|bekijken|wijzigen|annuleren|` +
		`goedgekeurd|afgekeurd|ingediend|werknemers?|opdrachtgevers?|urenbriefjes?|wachtwoord|gegevens|instellingen|ondertekenen|` +
		`maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|januari|februari|maart|mei|juni|juli|augustus|oktober)($|[^\p{L}])`)
	englishInDutch = regexp.MustCompile(`(?i)(^|[^\p{L}])(the|and|your|you|please|save|cancel|delete|approved|rejected|submitted|workers?|` +
		`clients?|hours|settings|password|timesheets?|invoices|monday|tuesday|wednesday|thursday|friday|saturday|sunday)($|[^\p{L}])`)
)

func TestCatalogueHasNoOtherLanguage(t *testing.T) {
	for _, c := range []struct {
		lang string
		re   *regexp.Regexp
	}{{"en", dutchInEnglish}, {"nl", englishInDutch}} {
		keys := keysOf(c.lang)
		slices.Sort(keys)
		for _, k := range keys {
			msg := catalogue[c.lang][k]
			if m := c.re.FindStringSubmatch(msg); m != nil {
				t.Errorf("%s/%s has %q: %s", c.lang, k, strings.TrimSpace(m[2]), msg)
			}
		}
	}
}

func TestCatalogueWordCheckFindsOtherLanguage(t *testing.T) {
	if !dutchInEnglish.MatchString("Open the e-mail “u dient een document goed te keuren”") || dutchInEnglish.MatchString("Open the e-mail") {
		t.Error("dutchInEnglish does not tell Dutch from English")
	}
	if !englishInDutch.MatchString("Sla je timesheet op") || englishInDutch.MatchString("Sla het urenbriefje op") {
		t.Error("englishInDutch does not tell English from Dutch")
	}
}
