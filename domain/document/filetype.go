package document

import (
	"bytes"
	"path"
	"strings"
	"unicode"
)

// activeExtensions are file names a browser, a mail client or Windows may
// run or render as a page: refused whatever the content looks like, so a
// downloaded "factuur.pdf.hta" can never start anything.
var activeExtensions = map[string]bool{
	".htm": true, ".html": true, ".xhtml": true, ".shtml": true, ".mht": true, ".mhtml": true,
	".svg": true, ".svgz": true, ".xml": true, ".xsl": true, ".xslt": true,
	".js": true, ".mjs": true, ".jse": true, ".vbs": true, ".vbe": true, ".wsf": true, ".wsh": true,
	".ps1": true, ".psm1": true, ".bat": true, ".cmd": true, ".com": true, ".exe": true, ".scr": true,
	".pif": true, ".msi": true, ".msp": true, ".hta": true, ".jar": true, ".reg": true, ".lnk": true,
	".dll": true, ".cpl": true, ".inf": true, ".scf": true, ".url": true, ".chm": true, ".swf": true,
	".sh": true, ".php": true, ".asp": true, ".aspx": true, ".jsp": true, ".appcache": true,
	".application": true, ".gadget": true, ".msc": true, ".docm": true, ".xlsm": true, ".pptm": true,
}

// ActiveName reports whether a file name ends in an extension of active
// content (after cleaning, case-insensitive).
func ActiveName(name string) bool {
	return activeExtensions[strings.ToLower(path.Ext(strings.TrimRight(name, ". ")))]
}

// markup is what makes text a page or a script when something renders it.
var markup = [][]byte{
	[]byte("<script"), []byte("<html"), []byte("<svg"), []byte("<iframe"), []byte("<object"),
	[]byte("<embed"), []byte("<!doctype"), []byte("<?xml"), []byte("<body"), []byte("<img"),
	[]byte("javascript:"), []byte("<hta:"),
}

// ActiveText reports whether plain text holds markup or script (http's
// sniffer only looks at how a file starts).
func ActiveText(content []byte) bool {
	lower := bytes.ToLower(content)
	for _, m := range markup {
		if bytes.Contains(lower, m) {
			return true
		}
	}
	return false
}

// invisible reports runes that must not survive in a file name: control
// and format characters (bidi overrides such as U+202E turn
// "factuur\u202Efdp.exe" into "factuurexe.pdf" on screen), and the
// replacement of invalid UTF-8.
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Bidi_Control, r) ||
		r == unicode.ReplacementChar
}
