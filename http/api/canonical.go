package api

import (
	"bytes"
	"encoding/json"
	"io"
)

// canonicalBody is the form of a request body that Idempotency-Key
// compares: for a JSON body, the value re-encoded without insignificant
// whitespace and with object keys sorted, so {"text":"ws"} and
// { "text" : "ws" } are the same request. Numbers keep their text
// (1.0 and 1 stay different, as a decoder into an int would see them).
// Anything that is not exactly one JSON value is compared byte for byte.
func canonicalBody(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body
	}
	if _, err := dec.Token(); err != io.EOF {
		return body
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return body
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
