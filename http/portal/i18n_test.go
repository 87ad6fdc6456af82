package portal

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// Every area file exists in every language with the same keys, so a text
// added in Dutch only (or in the wrong area's English file) fails here.
func TestCatalogueAreasMatchAcrossLanguages(t *testing.T) {
	files, err := fs.Glob(catalogueFS, "i18n/*.json")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]map[string][]string{} // area → lang → keys
	for _, f := range files {
		area, lang, _ := strings.Cut(strings.TrimSuffix(path.Base(f), ".json"), ".")
		one, err := loadCatalogue(fstest.MapFS{f: &fstest.MapFile{Data: mustReadCatalogueFile(t, f)}})
		if err != nil {
			t.Fatal(err)
		}
		if keys[area] == nil {
			keys[area] = map[string][]string{}
		}
		for k := range one[lang] {
			keys[area][lang] = append(keys[area][lang], k)
		}
	}
	if len(keys) < 2 {
		t.Fatalf("only %d catalogue areas found", len(keys))
	}
	for area, byLang := range keys {
		for _, lang := range []string{"nl", "en"} {
			if len(byLang[lang]) == 0 {
				t.Errorf("area %s has no %s file (or it is empty)", area, lang)
			}
		}
		for lang, ks := range byLang {
			for _, other := range []string{"nl", "en"} {
				for _, k := range ks {
					if !slices.Contains(byLang[other], k) {
						t.Errorf("%s.%s.json has %q, %s.%s.json does not", area, lang, k, area, other)
					}
				}
			}
		}
	}
}

func TestLoadCatalogueRefusesBrokenFiles(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"key in two areas": {
			"i18n/a.nl.json": {Data: []byte(`{"x.y": "een"}`)},
			"i18n/b.nl.json": {Data: []byte(`{"x.y": "twee"}`)},
		},
		"not JSON":     {"i18n/a.nl.json": {Data: []byte(`{"x.y": `)}},
		"not a string": {"i18n/a.nl.json": {Data: []byte(`{"x.y": 3}`)}},
		"no language":  {"i18n/a.json": {Data: []byte(`{"x.y": "een"}`)}},
		"no files":     {},
	} {
		if _, err := loadCatalogue(fsys); err == nil {
			t.Errorf("%s: loaded without error", name)
		}
	}
	c, err := loadCatalogue(fstest.MapFS{
		"i18n/a.nl.json": {Data: []byte(`{"x.y": "een"}`)},
		"i18n/a.en.json": {Data: []byte(`{"x.y": "one"}`)},
		"i18n/b.nl.json": {Data: []byte(`{"x.z": "twee"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c["nl"]["x.y"] != "een" || c["en"]["x.y"] != "one" || c["nl"]["x.z"] != "twee" || len(c["nl"]) != 2 {
		t.Errorf("loaded %v", c)
	}
}

func mustReadCatalogueFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(catalogueFS, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
