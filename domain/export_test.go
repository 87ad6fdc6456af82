package domain

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// DecodeWithEncodingJSON is what Decode did with encoding/json's Unmarshal:
// the reference the faster decoder is held to (decode_test.go).
func DecodeWithEncodingJSON(r *Registry, eventType string, data []byte) (Event, error) {
	ctor, ok := r.ctors[eventType]
	if !ok {
		return nil, fmt.Errorf("domain: unknown event type %q", eventType)
	}
	e := ctor()
	if len(data) > 0 {
		if err := json.Unmarshal(data, e); err != nil {
			return nil, fmt.Errorf("domain: decode %s: %w", eventType, err)
		}
		if mayHoldUnsafeText(data) {
			sanitizeValue(reflect.ValueOf(e))
		}
	}
	return e, nil
}
