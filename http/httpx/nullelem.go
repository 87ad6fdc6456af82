package httpx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"backoffice/domain"
)

// nullElement refuses a null element of a JSON array whose Go elements
// cannot hold null (structs, strings, numbers) as 400 wrong_type naming
// it ("lines[1]"). encoding/json reads such a null as the zero value
// without an error: an empty object in a list of lines was then refused
// later by a check that had nothing to do with the mistake. Elements that
// are pointers or interfaces can hold null and are left to the body's own
// checks (NoNulls). body has already decoded into a T.
func nullElement(body []byte, t reflect.Type) error {
	if !bytes.Contains(body, []byte("null")) {
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil // Decode into T succeeded; nothing more to say
	}
	path, elem, found := findNull(v, t, "")
	if !found {
		return nil
	}
	en, nl := jsonTypeName(elem)
	return domain.Invalid("wrong_type", path,
		fmt.Sprintf("Field %q must be %s, not null.", path, en),
		fmt.Sprintf("Veld %q moet %s zijn, niet null.", path, nl))
}

// findNull walks the decoded value v alongside the Go type t it was
// decoded into and returns the path of the first array element that is
// null where t's element type cannot be, and that element type.
func findNull(v any, t reflect.Type, path string) (string, reflect.Type, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return "", nil, false
		}
		return findNullInStruct(obj, t, path)
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return "", nil, false
		}
		for k, x := range obj {
			if p, e, found := findNull(x, t.Elem(), join(path, domain.Clip(k))); found {
				return p, e, true
			}
		}
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]any)
		if !ok {
			return "", nil, false
		}
		e := t.Elem()
		for i, x := range arr {
			p := fmt.Sprintf("%s[%d]", path, i)
			if x == nil {
				if e.Kind() != reflect.Pointer && e.Kind() != reflect.Interface {
					return p, e, true
				}
				continue
			}
			if p, e, found := findNull(x, e, p); found {
				return p, e, true
			}
		}
	}
	return "", nil, false
}

// findNullInStruct visits the fields of obj by their JSON names as
// encoding/json matches them (the tag's name, else the Go name; exact,
// else case-insensitive; embedded structs' fields as the outer's own).
func findNullInStruct(obj map[string]any, t reflect.Type, path string) (string, reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if p, e, found := findNullInStruct(obj, ft, path); found {
					return p, e, true
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		x, ok := obj[name]
		if !ok {
			for k, y := range obj {
				if strings.EqualFold(k, name) {
					x, ok = y, true
					break
				}
			}
		}
		if !ok || x == nil {
			continue
		}
		if p, e, found := findNull(x, f.Type, join(path, name)); found {
			return p, e, true
		}
	}
	return "", nil, false
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
