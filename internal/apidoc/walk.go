package apidoc

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"
)

// Walk is an API test's walk of the error codes of some operations: each
// provoked answer is checked (Check), and Done checks that the provoked
// codes are exactly the documented ones (Coverage).
type Walk struct {
	inputs map[string][]string // the input names of each operation walked
	walked map[string][]string
}

// NewWalk starts a walk of the operations of inputs ("METHOD /path" →
// the names of its inputs: path, query, header and body, nested with dots).
func NewWalk(inputs map[string][]string) *Walk {
	return &Walk{inputs: inputs, walked: map[string][]string{}}
}

// Provoke makes one request of op in English and in Dutch (send answers
// with the status and the body) and checks both answers: code want, a
// message for people and a field that is an input of op. where names the
// request in failures ("POST /workers /workers").
func (w *Walk) Provoke(t testing.TB, op, where, want string, send func(lang string) (status int, body []byte)) {
	t.Helper()
	inputs, ok := w.inputs[op]
	if !ok {
		t.Fatalf("%s: no input names listed", op)
	}
	for _, lang := range []string{"en", "nl"} {
		status, body := send(lang)
		var got struct {
			Error Answer `json:"error"`
		}
		_ = json.Unmarshal(body, &got)
		Check(t, fmt.Sprintf("%s (%s, %d)", where, lang, status), got.Error, want, inputs)
	}
	w.walked[op] = append(w.walked[op], want)
}

// Done reports every documented code of the walked operations that was not
// provoked, and every provoked code that docs/openapi.yaml does not list.
func (w *Walk) Done(t testing.TB) {
	t.Helper()
	Coverage(t, ErrorCodes(t), w.walked, slices.Collect(maps.Keys(w.inputs)))
}
