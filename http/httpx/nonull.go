package httpx

import (
	"fmt"
	"reflect"

	"backoffice/domain"
)

// NoNulls returns the values of a decoded JSON array whose elements are
// pointers, refusing a null element as 400 wrong_type naming it
// (field "minutes[0]"). encoding/json reads null into a plain int or
// string as 0 or "", so `[null,0,0,0,0,0,0]` would pass as seven numbers;
// decode such arrays into []*T and pass them through here.
func NoNulls[T any](field string, in []*T) ([]T, error) {
	if in == nil {
		return nil, nil
	}
	out := make([]T, len(in))
	for i, p := range in {
		if p == nil {
			en, nl := jsonTypeName(reflect.TypeFor[T]())
			f := fmt.Sprintf("%s[%d]", field, i)
			return nil, domain.Invalid("wrong_type", f,
				fmt.Sprintf("Field %q must be %s, not null.", f, en),
				fmt.Sprintf("Veld %q moet %s zijn, niet null.", f, nl))
		}
		out[i] = *p
	}
	return out, nil
}
