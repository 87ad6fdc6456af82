package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"backoffice/domain"
)

// MaxJSONBody caps request bodies of the JSON API (1 MiB): large enough for a
// bulk approval of thousands of timesheets, small enough to refuse abuse.
const MaxJSONBody = 1 << 20

// Validator is implemented by request bodies that check themselves after decoding.
type Validator interface {
	Validate() error
}

// Decode reads one JSON object from r's body into a new T, refusing unknown
// fields, trailing data and bodies over MaxJSONBody. Errors are
// *domain.Error of kind KindInvalid naming what is wrong.
func Decode[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return v, &domain.Error{Kind: domain.KindUnsupportedMedia, Code: "unsupported_media_type",
			Message: "The body must be JSON (Content-Type: application/json).", MessageNL: "De inhoud moet JSON zijn (Content-Type: application/json)."}
	}
	// Read whole (it is bounded) so the null check can walk it again.
	body, err := io.ReadAll(LimitBody(r, MaxJSONBody))
	if err != nil {
		return v, decodeError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return v, domain.Invalid("malformed_json", "", "The body must hold exactly one JSON object.", "De inhoud moet precies één JSON-object bevatten.")
	}
	if err := nullElement(body, reflect.TypeFor[T]()); err != nil {
		return v, err
	}
	if val, ok := any(&v).(Validator); ok {
		if err := val.Validate(); err != nil {
			return v, err
		}
	}
	return v, nil
}

func decodeError(err error) error {
	var de *domain.Error
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &de) && de.Kind == domain.KindTooLarge:
		return de
	case errors.Is(err, io.EOF):
		return domain.Invalid("empty_body", "", "The body is empty; a JSON object is required.", "De inhoud is leeg; een JSON-object is verplicht.")
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Invalid("malformed_json", "", "The body is not valid JSON.", "De inhoud is geen geldige JSON.")
	case errors.As(err, &typeErr):
		en, nl := jsonTypeName(typeErr.Type)
		if typeErr.Field == "" {
			return domain.Invalid("wrong_type", "", "The body must be a JSON object.", "De inhoud moet een JSON-object zijn.")
		}
		return domain.Invalid("wrong_type", typeErr.Field,
			fmt.Sprintf("Field %q must be %s.", typeErr.Field, en),
			fmt.Sprintf("Veld %q moet %s zijn.", typeErr.Field, nl))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := domain.Clip(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
		return domain.Invalid("unknown_field", field, "Unknown field "+strconv.Quote(field)+".", "Onbekend veld "+strconv.Quote(field)+".")
	}
	return domain.Invalid("malformed_json", "", "The body could not be read as JSON.", "De inhoud kon niet als JSON worden gelezen.")
}

// WriteJSON renders v into a buffer first, so an encoding failure becomes a
// clean 500 instead of a half-written body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"response could not be encoded"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// A length, not chunks: an answer flushed before a refused body is
	// drained (DrainBody) is complete on the wire at once.
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
