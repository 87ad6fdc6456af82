package validate_test

import (
	"errors"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	"backoffice/domain/validate"
)

// wantErr checks err against a wanted code ("" = no error) on field: an
// invalid input, or a 422 from the text check.
func wantErr(t *testing.T, err error, code, field string) {
	t.Helper()
	var want *domain.Error
	if code != "" {
		want = &domain.Error{Code: code, Kind: domain.KindInvalid, Field: field}
		if code == "text_encoding" || code == "too_long" { // the text check answers 422
			want.Kind = domain.KindRule
		}
	}
	domaintest.WantError(t, err, want)
}

// normalizeCase is one input of a normalizer: the canonical form it
// returns, or the code it refuses with ("" = accepted).
type normalizeCase struct{ in, want, code string }

var bsnCases = []normalizeCase{
	{"111222333", "111222333", ""},
	{"123456782", "123456782", ""},
	{" 1112.22.333 ", "111222333", ""},
	{"111-222-333", "111222333", ""},
	{"", "", "required"},
	{"11122233", "", "bsn_format"},
	{"1112223334", "", "bsn_format"},
	{"11122233a", "", "bsn_format"},
	{"000000000", "", "bsn_zero"},
	{"111222334", "", "bsn_checksum"},
	{"123456789", "", "bsn_checksum"},
}

// TestNormalize: each normalizer returns the canonical form of what it
// accepts and refuses the rest at its field.
func TestNormalize(t *testing.T) {
	withField := func(f func(field, s string) (string, error), field string) func(string) (string, error) {
		return func(s string) (string, error) { return f(field, s) }
	}
	for _, n := range []struct {
		name, field string
		normalize   func(string) (string, error)
		cases       []normalizeCase
	}{
		{"NormalizeBSN", "bsn", validate.NormalizeBSN, bsnCases},
		{"NormalizeIBAN", "iban", validate.NormalizeIBAN, []normalizeCase{
			{"NL91ABNA0417164300", "NL91ABNA0417164300", ""},
			{"nl91 abna 0417 1643 00", "NL91ABNA0417164300", ""},
			{"NL20INGB0001234567", "NL20INGB0001234567", ""},
			{"DE89370400440532013000", "DE89370400440532013000", ""},
			{"BE68539007547034", "BE68539007547034", ""},
			{"GB29NWBK60161331926819", "GB29NWBK60161331926819", ""},
			{"FR1420041010050500013M02606", "FR1420041010050500013M02606", ""},
			{"PL61109010140000071219812874", "PL61109010140000071219812874", ""},
			{"", "", "required"},
			{"NL", "", "iban_format"},
			{"1291ABNA0417164300", "", "iban_format"},
			{"XX91ABNA0417164300", "", "iban_country"},
			{"NL91ABNA041716430", "", "iban_length"},
			{"NL91ABNA04171643000", "", "iban_length"},
			{"NL91ABNA041716430!", "", "iban_format"},
			{"NL9112340417164300", "", "iban_format"}, // NL bank code is 4 letters
			{"NL92ABNA0417164300", "", "iban_checksum"},
			{"NL91ABNA0417164301", "", "iban_checksum"},
		}},
		{"NormalizeEmail", "email", withField(validate.NormalizeEmail, "email"), []normalizeCase{
			{"Jan.Jansen@Example.NL", "jan.jansen@example.nl", ""},
			{"  p+tag@sub.bedrijf.nl ", "p+tag@sub.bedrijf.nl", ""},
			{"", "", "required"},
			{"jan", "", "email_format"},
			{"jan@localhost", "", "email_format"},
			{"@example.nl", "", "email_format"},
			{"jan@@example.nl", "", "email_format"},
			{"Jan <jan@example.nl>", "", "email_format"},
			{"jan@example..nl", "", "email_format"},
			{"jan@.example.nl", "", "email_format"},
			{"jan jansen@example.nl", "", "email_format"},
		}},
		{"NormalizeKvK", "kvk", validate.NormalizeKvK, []normalizeCase{
			{"12345678", "12345678", ""},
			{"1234 5678", "12345678", ""},
			{"", "", "required"},
			{"1234567", "", "kvk_format"},
			{"123456789", "", "kvk_format"},
			{"1234567a", "", "kvk_format"},
		}},
		{"NormalizePostalCodeNL", "postal_code", withField(validate.NormalizePostalCodeNL, "postal_code"), []normalizeCase{
			{"1234 AB", "1234 AB", ""},
			{"1234ab", "1234 AB", ""},
			{" 9999  zz ", "9999 ZZ", ""},
			{"", "", "required"},
			{"0123 AB", "", "postal_code_format"},
			{"123 AB", "", "postal_code_format"},
			{"1234 A1", "", "postal_code_format"},
			{"1234 SS", "", "postal_code_format"},
			{"1234 SA", "", "postal_code_format"},
		}},
	} {
		t.Run(n.name, func(t *testing.T) {
			for _, c := range n.cases {
				got, err := n.normalize(c.in)
				wantErr(t, err, c.code, n.field)
				if got != c.want {
					t.Errorf("%s(%q) = %q, want %q", n.name, c.in, got, c.want)
				}
			}
		})
	}
}

// TestBSN: the error-only check answers as the normalizer, in Dutch too.
func TestBSN(t *testing.T) {
	for _, c := range bsnCases {
		wantErr(t, validate.BSN(c.in), c.code, "bsn")
	}
	var de *domain.Error
	errors.As(validate.BSN("111222334"), &de)
	if de.MessageNL != "Het BSN voldoet niet aan de elfproef." {
		t.Errorf("Dutch message = %q", de.MessageNL)
	}
}

func TestFormatIBAN(t *testing.T) {
	if got := validate.FormatIBAN("NL91ABNA0417164300"); got != "NL91 ABNA 0417 1643 00" {
		t.Errorf("FormatIBAN = %q", got)
	}
}

func TestPhoneAndMobile(t *testing.T) {
	tests := []struct {
		in, phone, mobile, mobileNL string // "" = refused
	}{
		{"06-12345678", "+31612345678", "+31612345678", "+31612345678"},
		{"06 1234 5678", "+31612345678", "+31612345678", "+31612345678"},
		{"+31 6 12345678", "+31612345678", "+31612345678", "+31612345678"},
		{"+31 (0)6 12345678", "+31612345678", "+31612345678", "+31612345678"},
		{"0031612345678", "+31612345678", "+31612345678", "+31612345678"},
		{"020-1234567", "+31201234567", "", ""},
		{"+48 512 345 678", "+48512345678", "+48512345678", ""},
		// The numbering plans (nyaruka/phonenumbers): a Belgian and a German
		// mobile number, a Dutch non-geographic number that is no mobile
		// one, and a 06 range that is not in use.
		{"+32 470 12 34 56", "+32470123456", "+32470123456", ""},
		{"0049 151 12345678", "+4915112345678", "+4915112345678", ""},
		{"+31 85 123 4567", "+31851234567", "", ""},
		{"06 98 76 54 32", "", "", ""},
		{"0612345", "", "", ""},
		{"+3161234567", "", "", ""},
		{"612345678", "", "", ""},
		{"+31abc", "", "", ""},
		{"+1", "", "", ""},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		if got, _ := validate.NormalizePhone("phone", tt.in); got != tt.phone {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.phone)
		}
		if got, _ := validate.NormalizeMobile("mobile", tt.in); got != tt.mobile {
			t.Errorf("NormalizeMobile(%q) = %q, want %q", tt.in, got, tt.mobile)
		}
		if got, _ := validate.NormalizeMobileNL("mobile", tt.in); got != tt.mobileNL {
			t.Errorf("NormalizeMobileNL(%q) = %q, want %q", tt.in, got, tt.mobileNL)
		}
	}
	_, err := validate.NormalizeMobileNL("mobile", "020-1234567")
	wantErr(t, err, "mobile_format", "mobile")
	_, err = validate.NormalizePhone("phone", "12")
	wantErr(t, err, "phone_format", "phone")
	_, err = validate.NormalizeMobile("mobile", "")
	wantErr(t, err, "required", "mobile")
}

func TestAddress(t *testing.T) {
	a, err := validate.Address{Street: " Damrak ", HouseNumber: "1-A", PostalCode: "1012lg", City: "Amsterdam"}.Normalize("address")
	if err != nil {
		t.Fatal(err)
	}
	want := validate.Address{Street: "Damrak", HouseNumber: "1-A", PostalCode: "1012 LG", City: "Amsterdam", Country: "NL"}
	if a != want {
		t.Fatalf("got %+v", a)
	}
	_, err = validate.Address{Street: "Marktplatz", HouseNumber: "3", PostalCode: "10115", City: "Berlin", Country: "de"}.Normalize("")
	wantErr(t, err, "", "")
	_, err = validate.Address{Street: "Damrak", HouseNumber: "1", PostalCode: "1012", City: "Amsterdam"}.Normalize("address")
	wantErr(t, err, "postal_code_format", "address.postal_code")
	_, err = validate.Address{Street: "", HouseNumber: "1", PostalCode: "1012 LG", City: "Amsterdam"}.Normalize("address")
	wantErr(t, err, "required", "address.street")
	_, err = validate.Address{Street: "Damrak", HouseNumber: "A", PostalCode: "1012 LG", City: "Amsterdam"}.Normalize("address")
	wantErr(t, err, "house_number_format", "address.house_number")
	_, err = validate.Address{Street: "Damrak", HouseNumber: "1", PostalCode: "1012 LG", City: "Amsterdam", Country: "NLD"}.Normalize("address")
	wantErr(t, err, "country_format", "address.country")
	for _, c := range []string{"ZZ", "XX", "EU", "AA"} { // the form of a code, but no country
		_, err = validate.Address{Street: "Damrak", HouseNumber: "1", PostalCode: "1012", City: "Amsterdam", Country: c}.Normalize("address")
		wantErr(t, err, "country_format", "address.country")
	}
	for _, c := range []string{"be", "DE", "XK", "CW"} {
		if _, err := (validate.Address{Street: "Rue Neuve", HouseNumber: "1", PostalCode: "1000", City: "Brussel", Country: c}.Normalize("address")); err != nil {
			t.Errorf("country %s: %v", c, err)
		}
	}
}

func TestIDTextLanguage(t *testing.T) {
	wantErr(t, validate.ID("id", "0b6f7c1e-5a4e-4d2b-9a59-1f0c3d1e2a7b"), "", "")
	wantErr(t, validate.ID("id", ""), "required", "id")
	wantErr(t, validate.ID("id", "a/b"), "id_format", "id")
	wantErr(t, validate.ID("id", string(make([]byte, 65))), "id_format", "id")
	exists := domain.Conflict("x_exists", "It exists.", "Het bestaat al.")
	if err := validate.NewID("id", "a/b", true, exists); err != exists {
		t.Errorf("NewID of an existing aggregate = %v, want its conflict first", err)
	}
	wantErr(t, validate.NewID("id", "a/b", false, exists), "id_format", "id")
	wantErr(t, validate.NewID("id", "a-1", false, exists), "", "")

	if s, err := validate.Text("name", "  Jan \t de  Vries ", 20); err != nil || s != "Jan de Vries" {
		t.Errorf("Text = %q, %v", s, err)
	}
	_, err := validate.Text("name", "   ", 20)
	wantErr(t, err, "required", "name")
	_, err = validate.Text("name", "abcdef", 5)
	wantErr(t, err, "too_long", "name")
	_, err = validate.Text("name", "a\x00b", 5)
	wantErr(t, err, "text_encoding", "name")

	for in, want := range map[string]string{"": "nl", "NL": "nl", "en": "en"} {
		if got, err := validate.Language("language", in); err != nil || got != want {
			t.Errorf("Language(%q) = %q, %v", in, got, err)
		}
	}
	_, err = validate.Language("language", "de")
	wantErr(t, err, "language", "language")
}

func TestDates(t *testing.T) {
	ams := time.FixedZone("CET", 3600)
	got := validate.Day(time.Date(2025, 3, 4, 23, 30, 0, 0, ams))
	if want := time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Day = %v", got)
	}
	if d, err := validate.ParseDate("start", "2025-01-31"); err != nil || d != time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC) {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	_, err := validate.ParseDate("start", "31-01-2025")
	wantErr(t, err, "date_format", "start")
	_, err = validate.Date("start", time.Time{})
	wantErr(t, err, "required", "start")
	_, err = validate.Date("start", time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC))
	wantErr(t, err, "date_range", "start")
	// 0001-01-01 is typed, not missing: Go's zero time, but out of range,
	// never "the date is required".
	_, err = validate.ParseDate("start", "0001-01-01")
	wantErr(t, err, "date_range", "start")

	birth := time.Date(2010, 6, 15, 0, 0, 0, 0, time.UTC)
	for on, want := range map[string]int{"2025-06-14": 14, "2025-06-15": 15, "2026-01-01": 15} {
		d, _ := time.Parse(time.DateOnly, on)
		if got := validate.YearsBetween(birth, d); got != want {
			t.Errorf("YearsBetween(%s) = %d, want %d", on, got, want)
		}
	}
}

func TestTodayIsTheDutchDate(t *testing.T) {
	// Monday 2 February 2026, 00:30 in Amsterdam is still Sunday in UTC.
	monday := time.Date(2026, 2, 1, 23, 30, 0, 0, time.UTC)
	if got, want := validate.Today(monday), time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Today(%s) = %s, want %s", monday, got, want)
	}
	// Summer time: 01:30 Amsterdam is 23:30 UTC the day before.
	summer := time.Date(2026, 7, 5, 23, 30, 0, 0, time.UTC)
	if got, want := validate.Today(summer), time.Date(2026, 7, 6, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Today(%s) = %s, want %s", summer, got, want)
	}
}
