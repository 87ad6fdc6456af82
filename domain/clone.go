package domain

import "reflect"

// clonePrototype returns a new zero value of the same (pointer) type as p.
// Reflection is used only to allocate; stored names never come from it.
func clonePrototype(p Event) Event {
	t := reflect.TypeOf(p)
	if t.Kind() == reflect.Pointer {
		return reflect.New(t.Elem()).Interface().(Event)
	}
	return reflect.New(t).Elem().Interface().(Event)
}
