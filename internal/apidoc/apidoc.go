// Package apidoc lets API tests hold the JSON API to what docs/openapi.yaml
// documents about errors: the x-error-codes of every operation, messages
// that name no Go type or day key, and fields that are inputs of the
// operation. Test helper; production code does not import it.
package apidoc

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// OpenAPIPath is docs/openapi.yaml of this module.
func OpenAPIPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "docs", "openapi.yaml")
}

// ErrorCodes reads the x-error-codes of every operation in the OpenAPI
// file, by "METHOD /path" (e.g. "PUT /timesheets/{placement}/{week}/lines/{hourType}").
func ErrorCodes(t testing.TB) map[string][]string {
	t.Helper()
	f, err := os.Open(OpenAPIPath())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pathRe := regexp.MustCompile(`^  (/\S*):\s*$`)
	methodRe := regexp.MustCompile(`^    (get|put|post|delete|patch):\s*$`)
	codesRe := regexp.MustCompile(`^      x-error-codes:\s*\[(.*)\]\s*$`)
	out := map[string][]string{}
	var path, op string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := pathRe.FindStringSubmatch(line); m != nil {
			path, op = m[1], ""
		} else if m := methodRe.FindStringSubmatch(line); m != nil {
			op = strings.ToUpper(m[1]) + " " + path
		} else if m := codesRe.FindStringSubmatch(line); m != nil && op != "" {
			for _, c := range strings.Split(m[1], ",") {
				if c = strings.TrimSpace(c); c != "" {
					out[op] = append(out[op], c)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Operations returns every operation of the OpenAPI file as "METHOD /path",
// whether or not it lists x-error-codes.
func Operations(t testing.TB) []string {
	t.Helper()
	b, err := os.ReadFile(OpenAPIPath())
	if err != nil {
		t.Fatal(err)
	}
	pathRe := regexp.MustCompile(`^  (/\S*):\s*$`)
	methodRe := regexp.MustCompile(`^    (get|put|post|delete|patch):\s*$`)
	var out []string
	path := ""
	for _, line := range strings.Split(string(b), "\n") {
		if m := pathRe.FindStringSubmatch(line); m != nil {
			path = m[1]
		} else if m := methodRe.FindStringSubmatch(line); m != nil && path != "" {
			out = append(out, strings.ToUpper(m[1])+" "+path)
		}
	}
	return out
}

// goType matches what a Go type name looks like in a message: a
// package-qualified name, a slice or map type, a sized number type.
var goType = regexp.MustCompile(`\b[a-z][a-z0-9]*\.[A-Z][A-Za-z0-9]*\b|\[\][a-z*]|\bmap\[|\bu?int(8|16|32|64)?\b|\bfloat(32|64)\b|\bstruct ?\{|\*[a-z]+\.`)

// dayKey matches a day key of the domain ("mon"), not a word for a user.
var dayKey = regexp.MustCompile(`\b(mon|tue|wed|thu|fri|sat|sun)\b`)

var index = regexp.MustCompile(`\[\d+\]`)

// Answer is an error answer of the API.
type Answer struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// Check reports (t.Errorf) what is wrong with an error answer: another
// code than want, an empty message or one naming a Go type or a day key,
// or a field that is not one of inputs (array indices left out:
// "items[0].week" is "items.week"). unknown_field names what the caller
// sent, so its field is not checked.
func Check(t testing.TB, where string, got Answer, want string, inputs []string) {
	t.Helper()
	if got.Code != want {
		t.Errorf("%s: code %q (%s), want %s", where, got.Code, got.Message, want)
		return
	}
	if got.Message == "" || goType.MatchString(got.Message) || dayKey.MatchString(got.Message) {
		t.Errorf("%s: message %q names a Go type or a day key", where, got.Message)
	}
	if f := index.ReplaceAllString(got.Field, ""); f != "" && want != "unknown_field" && !slices.Contains(inputs, f) {
		t.Errorf("%s: field %q is not an input of the endpoint (%v)", where, got.Field, inputs)
	}
}

// Coverage reports every documented code of the operations in ops that
// was not walked, and every walked code that is not documented.
func Coverage(t testing.TB, documented, walked map[string][]string, ops []string) {
	t.Helper()
	for _, op := range ops {
		for _, code := range documented[op] {
			if !slices.Contains(walked[op], code) {
				t.Errorf("%s: documented code %s is not walked", op, code)
			}
		}
		for _, code := range walked[op] {
			if !slices.Contains(documented[op], code) {
				t.Errorf("%s: code %s is answered but not documented in docs/openapi.yaml (x-error-codes)", op, code)
			}
		}
	}
	for op := range walked {
		if !slices.Contains(ops, op) {
			t.Errorf("%s: walked but has no input names", op)
		}
	}
}
