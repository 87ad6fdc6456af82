package httpx

import "reflect"

// jsonTypeName names the JSON value a Go type expects, in English and
// Dutch, for error messages: a user of the API never sees Go type names
// such as []int or timesheetapi.lineBody.
func jsonTypeName(t reflect.Type) (en, nl string) {
	if t == nil {
		return "a valid value", "een geldige waarde"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string", "een tekst"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number", "een geheel getal"
	case reflect.Float32, reflect.Float64:
		return "a number", "een getal"
	case reflect.Bool:
		return "true or false", "true of false"
	case reflect.Slice, reflect.Array:
		return "an array", "een lijst"
	case reflect.Struct, reflect.Map:
		return "an object", "een object"
	}
	return "a valid value", "een geldige waarde"
}
