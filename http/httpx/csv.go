package httpx

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// utf8BOM makes Excel read the file as UTF-8 instead of the local code page.
const utf8BOM = "\ufeff"

// WriteCSV writes a CSV download the way Dutch spreadsheet programs open it directly: UTF-8 BOM,
// semicolon separator, CRLF line ends, header row first; it sets Content-Type
// (text/csv; charset=utf-8) and Content-Disposition (attachment, safe fileName).
//
// Cells that a spreadsheet would run as a formula (starting with = + @ or a
// tab, or - not followed by a digit) get a leading apostrophe: names come from
// users and must not become formulas. The body is rendered into a buffer
// first, so a failure leaves the response untouched.
func WriteCSV(w http.ResponseWriter, fileName string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(defuse(header)); err != nil {
		return fmt.Errorf("httpx: unable to write CSV header: %w", err)
	}
	for _, row := range rows {
		if err := cw.Write(defuse(row)); err != nil {
			return fmt.Errorf("httpx: unable to write CSV row: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("httpx: unable to write CSV: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+SafeFileName(fileName, "export.csv")+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store") // reports hold personal data
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("httpx: unable to send CSV: %w", err)
	}
	return nil
}

// SafeFileName keeps only ASCII letters, digits, '.', '-' and '_' of name
// (others become '_'), so it can go into a quoted Content-Disposition
// header without escaping; fallback is used when nothing usable remains.
func SafeFileName(name, fallback string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 100 {
			break
		}
	}
	s := strings.TrimLeft(b.String(), "._")
	if strings.Trim(s, "_.-") == "" {
		return fallback
	}
	return s
}

// plainNumber is a cell a spreadsheet may read as a number, never as a
// formula: digits with an optional sign and decimal comma.
var plainNumber = regexp.MustCompile(`^-?[0-9]+(,[0-9]+)?$`)

// defuse prefixes an apostrophe to every cell a spreadsheet could run as a
// formula (starting with = + - @ or a control character), unless it is
// wholly a plain number: "-1+HYPERLINK(...)" starts like a number too.
func defuse(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = c
		if c == "" || plainNumber.MatchString(c) {
			continue
		}
		switch c[0] {
		case '=', '+', '-', '@', '\t', '\r', '\n':
			out[i] = "'" + c
		}
	}
	return out
}

// DecimalHours formats minutes as decimal hours with a decimal comma and at most two decimals:
// 510 -> "8,5", 480 -> "8", 20 -> "0,33", 0 -> "0".
func DecimalHours(minutes int) string {
	sign := ""
	m := int64(minutes)
	if m < 0 {
		sign, m = "-", -m
	}
	hundredths := (m*100 + 30) / 60 // rounded half up
	whole, frac := hundredths/100, hundredths%100
	if frac == 0 {
		return sign + strconv.FormatInt(whole, 10)
	}
	f := fmt.Sprintf("%02d", frac)
	return sign + strconv.FormatInt(whole, 10) + "," + strings.TrimRight(f, "0")
}
