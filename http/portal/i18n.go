package portal

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// translate looks key up in lang (falling back to Dutch) and fills args in.
// A missing key shows as ?key? so it is seen, and a test keeps the
// catalogue complete.
func translate(lang, key string, args ...any) string {
	msg, ok := lookup(lang, key)
	if !ok {
		return "?" + key + "?"
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

func lookup(lang, key string) (string, bool) {
	if m, ok := catalogue[lang][key]; ok {
		return m, true
	}
	m, ok := catalogue["nl"][key]
	return m, ok
}

// The portal's texts live in i18n/<area>.<lang>.json (Dutch is the
// reference; status explanations are the manual's, §1.2). An area is a
// group of screens (common, admin, payroll, …) so each file stays one
// block; a key belongs to exactly one area.
//
//go:embed i18n/*.json
var catalogueFS embed.FS

// catalogue maps language → key → text. It is read once at start: a
// broken file or a key in two areas fails the start, not a request.
var catalogue = mustLoadCatalogue(catalogueFS)

func mustLoadCatalogue(fsys fs.FS) map[string]map[string]string {
	c, err := loadCatalogue(fsys)
	if err != nil {
		panic(err)
	}
	return c
}

// loadCatalogue reads every i18n/<area>.<lang>.json of fsys into one
// catalogue and refuses a key defined twice for a language.
func loadCatalogue(fsys fs.FS) (map[string]map[string]string, error) {
	files, err := fs.Glob(fsys, "i18n/*.json")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("portal: no catalogue files under i18n/")
	}
	out := map[string]map[string]string{}
	area := map[string]string{} // lang/key → file, to name both places of a duplicate
	for _, f := range files {
		_, lang, ok := strings.Cut(strings.TrimSuffix(path.Base(f), ".json"), ".")
		if !ok || lang == "" {
			return nil, fmt.Errorf("portal: catalogue file %s is not named <area>.<lang>.json", f)
		}
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		var texts map[string]string
		if err := json.Unmarshal(b, &texts); err != nil {
			return nil, fmt.Errorf("portal: catalogue file %s: %w", f, err)
		}
		if out[lang] == nil {
			out[lang] = map[string]string{}
		}
		for k, msg := range texts {
			if prev, dup := area[lang+"/"+k]; dup {
				return nil, fmt.Errorf("portal: text %s/%s is in %s and %s", lang, k, prev, f)
			}
			area[lang+"/"+k] = f
			out[lang][k] = msg
		}
	}
	return out, nil
}

// keysOf lists a language's keys (for tests).
func keysOf(lang string) []string {
	out := make([]string, 0, len(catalogue[lang]))
	for k := range catalogue[lang] {
		out = append(out, k)
	}
	return out
}
