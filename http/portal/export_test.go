package portal

import (
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"backoffice/domain/timesheet"
)

// What the tests on the real application (package portal_test) share with
// the package's own tests, and the tests of unexported code.

var missingKeyRE = regexp.MustCompile(`\?[a-z_]+\.[a-z_.0-9]+\?`)

// AssertPage checks a rendered page: the security headers, no text missing
// from the catalogue, the language, and no inline script or style.
func AssertPage(t *testing.T, path string, res *http.Response, body, lang string) {
	t.Helper()
	assertPage(t, path, res, body, lang)
}

// AnonymousCSRFToken is the CSRF token of an anonymous form (another
// browser's), which a logged-in session must refuse.
func AnonymousCSRFToken(anon string) string { return csrfToken(&reqState{anon: anon}) }

// Attr is the value of an HTML attribute.
func Attr(n *html.Node, key string) string { return attr(n, key) }

func TestNewRefusesMissingDeps(t *testing.T) {
	_, err := New(Deps{})
	if err == nil || !strings.Contains(err.Error(), "Identity") || !strings.Contains(err.Error(), "Waiter") {
		t.Fatalf("New(Deps{}) = %v, want errors naming the missing dependencies", err)
	}
}

func assertPage(t *testing.T, path string, res *http.Response, body, lang string) {
	t.Helper()
	if got := res.Header.Get("Content-Security-Policy"); got != ContentSecurityPolicy {
		t.Errorf("%s: CSP = %q", path, got)
	}
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s: %s = %q, want %q", path, k, got, want)
		}
	}
	if m := missingKeyRE.FindString(body); m != "" {
		t.Errorf("%s: untranslated key %s", path, m)
	}
	if !strings.Contains(body, `<html lang="`+lang+`">`) {
		t.Errorf("%s: page is not in %s", path, lang)
	}
	for _, p := range inlineCode(t, body) {
		t.Errorf("%s: inline code: %s", path, p)
	}
}

// inlineCode parses a page and lists every inline script, style element,
// style attribute, event handler attribute and javascript: URL.
func inlineCode(t *testing.T, body string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "style":
			found = append(found, "<style>")
		case "script":
			if attr(n, "src") == "" || n.FirstChild != nil {
				found = append(found, "inline <script>")
			}
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "style":
				found = append(found, "style attribute on <"+n.Data+">")
			case strings.HasPrefix(a.Key, "on"):
				found = append(found, a.Key+" attribute on <"+n.Data+">")
			case (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.TrimSpace(strings.ToLower(a.Val)), "javascript:"):
				found = append(found, "javascript: URL")
			}
		}
	}
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestCatalogueComplete(t *testing.T) {
	nl, en := keysOf("nl"), keysOf("en")
	for _, k := range nl {
		if _, ok := catalogue["en"][k]; !ok {
			t.Errorf("key %q has no English text", k)
		}
	}
	for _, k := range en {
		if _, ok := catalogue["nl"][k]; !ok {
			t.Errorf("key %q has no Dutch text", k)
		}
	}
	// Every literal key used in templates and code exists.
	used := regexp.MustCompile(`T "([a-z_.0-9]+)"|T\("([a-z_.0-9]+)"|\.Input "[^"]+" "([a-z_.0-9]+)"|newView\(r, "[a-z]*", "([a-z_.0-9]+)"\)`)
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range append(files, gofiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			key := m[1] + m[2] + m[3] + m[4]
			if strings.HasSuffix(key, ".") {
				continue // a prefix completed at run time
			}
			if _, ok := catalogue["nl"][key]; !ok {
				t.Errorf("%s uses unknown key %q", f, key)
			}
		}
	}
}

func TestFormatAndParse(t *testing.T) {
	for m, want := range map[int]string{450: "7,5", 440: "7:20", 0: "0", 480: "8", 465: "7,75"} {
		if got := formatHours("nl", timesheet.Minutes(m)); got != want {
			t.Errorf("formatHours(%d) = %q, want %q", m, got, want)
		}
	}
	// One parser for every amount (domain.ParseEuro): "1.234,56" is read as the invoice form reads it.
	for in, want := range map[string]int64{"12,50": 1250, "12.5": 1250, "€ 3": 300, "": 0, ",99": 99, "1.234,56": 123456} {
		if got, ok := parseExpenseAmount(in); !ok || got != want {
			t.Errorf("parseExpenseAmount(%q) = %d, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"1,234", "abc", "+1"} {
		if _, ok := parseExpenseAmount(bad); ok {
			t.Errorf("parseExpenseAmount(%q) accepted", bad)
		}
	}
	// A negative amount stays negative (-0,50 was once read as +0,50): the
	// domain refuses it with its own message (TestExpenseAmounts).
	for in, want := range map[string]int64{"-1": -100, "-0,50": -50} {
		if got, ok := parseExpenseAmount(in); !ok || got != want {
			t.Errorf("parseExpenseAmount(%q) = %d, %v", in, got, ok)
		}
	}
}

// TestLocalPath: an open redirect through "terug" is not possible.
func TestLocalPath(t *testing.T) {
	for _, evil := range []string{"//evil.example/x", "/\\evil.example", "/\t/evil.example", "/\n/evil.example",
		"/\x7f/evil", "https://evil.example", "evil.example", ""} {
		if got := localPath(evil); got != "/" {
			t.Errorf("localPath(%q) = %q, want /", evil, got)
		}
	}
	if got := localPath("/urenbriefjes?status=offered"); got != "/urenbriefjes?status=offered" {
		t.Errorf("a local path was refused: %q", got)
	}
}

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"factuur.pdf":                     "factuur.pdf",
		`C:\Users\els\loon strook.pdf`:    "loon strook.pdf",
		"../../etc/passwd":                "passwd",
		"a\"b;c\r\nd.pdf":                 "a_b_c__d.pdf",
		"rapport\u202egpj.exe":            "rapport_gpj.exe",
		"...":                             "document",
		"":                                "document",
		strings.Repeat("x", 150) + ".pdf": strings.Repeat("x", 96) + ".pdf",
		"überweisung.pdf":                 "überweisung.pdf",
	} {
		if got := safeFileName(in); got != want {
			t.Errorf("safeFileName(%q) = %q, want %q", in, got, want)
		}
	}
	// Non-ASCII names survive the header, encoded.
	cd := mime.FormatMediaType("attachment", map[string]string{"filename": safeFileName("überweisung.pdf")})
	if _, params, err := mime.ParseMediaType(cd); err != nil || params["filename"] != "überweisung.pdf" {
		t.Fatalf("%q: %v %v", cd, params, err)
	}
}

func TestFormatEuro(t *testing.T) {
	for _, c := range []struct {
		cents  int64
		nl, en string
	}{
		{0, "€ 0,00", "€0.00"}, {5, "€ 0,05", "€0.05"}, {1250, "€ 12,50", "€12.50"}, {123456, "€ 1.234,56", "€1,234.56"},
		{100000000, "€ 1.000.000,00", "€1,000,000.00"}, {-123456, "€ -1.234,56", "-€1,234.56"},
	} {
		if got := formatEuro("nl", c.cents); got != c.nl {
			t.Errorf("nl %d: %q, want %q", c.cents, got, c.nl)
		}
		if got := formatEuro("en", c.cents); got != c.en {
			t.Errorf("en %d: %q, want %q", c.cents, got, c.en)
		}
	}
	for n, want := range map[int64]string{0: "0 bytes", 1023: "1023 bytes", 1024: "1 kB", 250_000: "244 kB", 1_572_864: "1,5 MB", MaxDocumentSize: "2 MB", 2_200_000: "2,1 MB"} {
		if got := formatSize("nl", n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDefaultReportRange(t *testing.T) {
	ams := timesheet.Location()
	for _, c := range []struct {
		now      time.Time
		from, to string
	}{
		{time.Date(2026, 2, 11, 12, 0, 0, 0, ams), "2026-W03", "2026-W06"},
		// Monday 00:30 in Amsterdam is still Sunday in UTC: the new week has begun.
		{time.Date(2026, 1, 4, 23, 30, 0, 0, time.UTC), "2025-W50", "2026-W01"},
		{time.Date(2026, 1, 4, 22, 30, 0, 0, time.UTC), "2025-W49", "2025-W52"},
		{time.Date(2021, 1, 10, 12, 0, 0, 0, ams), "2020-W50", "2020-W53"},
	} {
		from, to := defaultReportRange(c.now)
		if from.String() != c.from || to.String() != c.to {
			t.Errorf("%s: %s..%s, want %s..%s", c.now, from, to, c.from, c.to)
		}
	}
}

// The content security policies of served files.
var (
	FileCSP    = fileCSP
	PDFFileCSP = pdfFileCSP
)

func TestFilePolicies(t *testing.T) {
	if !strings.HasSuffix(fileCSP, "; sandbox") || strings.Contains(pdfFileCSP, "script-src") {
		t.Fatal("file policies changed")
	}
}
