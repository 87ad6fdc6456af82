package domain

import (
	"bytes"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/segmentio/asm/ascii"
)

// The sanitiser on read: stored poison made harmless without editing
// history (see docs/validation.md).
//
// Before every text went through domain/validate, events were accepted
// with NUL (stored as the JSON escape \u0000), other control characters
// and bidi overrides in remarks, reasons, descriptions and import batches.
// Events are forever and the append-only store is never edited, so
// Registry.Decode cleans every string of a decoded payload: each rune
// UnsafeRune refuses becomes U+FFFD, as does invalid UTF-8 (which
// encoding/json already replaces). A carriage return is kept: older remarks
// hold "\r\n" and PostgreSQL stores it. Projectors, commands and mailers all
// decode through here, so a read model stores the cleaned text and an
// aggregate folds it; the stored bytes (and any digest over them) are
// unchanged. A payload that was clean decodes to exactly what was stored.

// ReplacementRune replaces what the sanitiser removes.
const ReplacementRune = utf8.RuneError // U+FFFD

// SanitizeText returns s with invalid UTF-8 and every unsafe rune (see
// UnsafeRune; '\r' is kept) replaced by U+FFFD, and whether it changed.
func SanitizeText(s string) (string, bool) {
	if isSafeText(s) {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(ReplacementRune)
		case r != '\r' && UnsafeRune(r):
			b.WriteRune(ReplacementRune)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String(), true
}

func isSafeText(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 || r != '\r' && UnsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}

// mayHoldUnsafeText is the cheap test that lets a clean payload skip the
// walk: in JSON a control character is a \u escape (as encoding/json also
// writes <, > and &) or one of the short escapes \b and \f (\t, \n and \r
// are allowed), and any other unsafe rune is in the raw bytes. A match of
// an escaped backslash ("\\b") only costs a walk.
func mayHoldUnsafeText(data []byte) bool {
	if bytes.IndexByte(data, '\\') >= 0 &&
		(bytes.Contains(data, []byte(`\u`)) || bytes.Contains(data, []byte(`\b`)) || bytes.Contains(data, []byte(`\f`))) {
		return true
	}
	if ascii.ValidPrint(data) {
		// Printable ASCII only (the usual payload): no raw unsafe rune.
		// By segmentio/asm eight bytes at a time (its AVX2 path is off,
		// event.go); the loop below takes a byte at a time and was a
		// tenth of a rebuild's decoding.
		return false
	}
	return holdsUnsafeRune(data)
}

// holdsUnsafeRune walks data a byte at a time: DEL, invalid UTF-8 or an
// unsafe rune.
func holdsUnsafeRune(data []byte) bool {
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 || UnsafeRune(r) {
			return true
		}
		i += size
	}
	return false
}

// sanitizeValue cleans every settable string reachable from v (struct
// fields, pointers, slices, arrays, map keys and values, interfaces).
func sanitizeValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if s, changed := SanitizeText(v.String()); changed && v.CanSet() {
			v.SetString(s)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			e := v.Elem()
			if v.Kind() == reflect.Interface && !e.CanSet() {
				c := reflect.New(e.Type()).Elem()
				c.Set(e)
				sanitizeValue(c)
				if v.CanSet() {
					v.Set(c)
				}
				return
			}
			sanitizeValue(e)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				sanitizeValue(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			sanitizeValue(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() || !v.CanSet() {
			return
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			k := reflect.New(v.Type().Key()).Elem()
			k.Set(it.Key())
			sanitizeValue(k)
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			sanitizeValue(e)
			out.SetMapIndex(k, e)
		}
		v.Set(out)
	}
}

// unsafeTextPath returns the path ("remark.text", "lines[].hour_type.name")
// of the first string reachable from v that the sanitiser would change, and
// whether there is one.
func unsafeTextPath(v reflect.Value, path string) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		if !isSafeText(v.String()) {
			return path, true
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return unsafeTextPath(v.Elem(), path)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			p := path
			if !(f.Anonymous && name == "") {
				if name == "" {
					name = f.Name
				}
				if p != "" {
					p += "."
				}
				p += name
			}
			if at, ok := unsafeTextPath(v.Field(i), p); ok {
				return at, true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if at, ok := unsafeTextPath(v.Index(i), path+"[]"); ok {
				return at, true
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if at, ok := unsafeTextPath(it.Key(), path+"{key}"); ok {
				return at, true
			}
			if at, ok := unsafeTextPath(it.Value(), path+"{}"); ok {
				return at, true
			}
		}
	}
	return "", false
}
