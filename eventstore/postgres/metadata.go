package postgres

import (
	"encoding/json"
	"time"
	"unicode/utf8"

	"backoffice/eventstore"
)

// decodeMetadata decodes an event's metadata column. Reading $all decodes
// it for every event, and encoding/json's reflection was a third of the
// client's time there, so the usual shape (a flat object of the known keys
// with plain string values, in any order and spacing) is parsed by hand;
// anything else (escapes, other keys, null) goes to encoding/json, whose
// result is the reference (FuzzDecodeMetadata).
func decodeMetadata(b []byte, m *eventstore.Metadata) error {
	if fastMetadata(b, m) {
		return nil
	}
	*m = eventstore.Metadata{}
	return json.Unmarshal(b, m)
}

func fastMetadata(b []byte, m *eventstore.Metadata) bool {
	*m = eventstore.Metadata{}
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	// One string for the whole document: the values are substrings of it
	// (one allocation per metadata instead of one per value).
	str := string(b)
	seen := 0
	for {
		key, j, ok := plainString(b, i) // bytes: the switch below compares them without a copy
		if !ok {
			return false
		}
		i = skipSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		raw, j, ok := plainString(b, skipSpace(b, i+1))
		if !ok {
			return false
		}
		val := str[j-1-len(raw) : j-1]
		var bit int
		switch string(key) {
		case "actor_id":
			m.ActorID, bit = val, 1
		case "actor_role":
			m.ActorRole, bit = val, 2
		case "correlation_id":
			m.CorrelationID, bit = val, 4
		case "causation_id":
			m.CausationID, bit = val, 8
		case "occurred_at":
			t, err := time.Parse(time.RFC3339Nano, val)
			var buf [64]byte
			if err != nil || string(t.AppendFormat(buf[:0], time.RFC3339Nano)) != val {
				return false // let encoding/json judge the unusual forms
			}
			m.OccurredAt, bit = t, 16
		default:
			return false
		}
		if seen&bit != 0 {
			return false // a repeated key: encoding/json's rules decide
		}
		seen |= bit
		i = skipSpace(b, j)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

// plainString reads a JSON string at b[i] that has no escapes and only
// printable ASCII or valid multi-byte text, and returns its bytes (within
// b); it reports false otherwise.
func plainString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			s := b[i+1 : j]
			if !validUTF8(s) {
				return nil, i, false
			}
			return s, j + 1, true
		case c == '\\' || c < 0x20:
			return nil, i, false
		}
	}
	return nil, i, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func validUTF8(s []byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return utf8.Valid(s)
		}
	}
	return true
}
