package domaintest

import (
	"reflect"
	"sort"
	"strings"

	"backoffice/domain"
)

// StringFields lists the JSON paths of every string in an event type's
// payload, such as "remark.text", "lines[].hour_type.name" or
// "agreement.billing_rates{key}" (a map key), sorted.
func StringFields(reg *domain.Registry, eventType string) []string {
	e, err := reg.Decode(eventType, nil)
	if err != nil {
		panic(err)
	}
	var out []string
	walkType(reflect.TypeOf(e), "", map[reflect.Type]bool{}, &out)
	sort.Strings(out)
	return out
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func walkType(t reflect.Type, path string, seen map[reflect.Type]bool, out *[]string) {
	switch t.Kind() {
	case reflect.Pointer:
		walkType(t.Elem(), path, seen, out)
	case reflect.String:
		*out = append(*out, path)
	case reflect.Slice, reflect.Array:
		walkType(t.Elem(), path+"[]", seen, out)
	case reflect.Map:
		walkType(t.Key(), path+"{key}", seen, out)
		walkType(t.Elem(), path+"{}", seen, out)
	case reflect.Struct:
		if seen[t] {
			return // a recursive type: its paths are listed once
		}
		seen[t] = true
		defer delete(seen, t)
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				walkType(f.Type, path, seen, out) // promoted fields
				continue
			}
			if name == "" {
				name = f.Name
			}
			walkType(f.Type, join(path, name), seen, out)
		}
	}
}

// StringsOf returns every string value in an event (fields, slices, map
// keys and values), for checks on what the domain recorded.
func StringsOf(e domain.Event) []string {
	var out []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.String:
			out = append(out, v.String())
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Map:
			it := v.MapRange()
			for it.Next() {
				walk(it.Key())
				walk(it.Value())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(e))
	return out
}
