package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"backoffice/domain"
	"backoffice/eventstore"
)

// ErrorBody is the JSON error envelope: {"error": {"code", "message", "field"}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail describes one error. Message is in the caller's language.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// Status maps an error to its HTTP status. This is the only such mapping.
func Status(err error) int {
	switch {
	case errors.Is(err, eventstore.ErrWrongExpectedRevision), errors.Is(err, eventstore.ErrDuplicateEventID):
		return http.StatusConflict
	case unavailable(err):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, eventstore.ErrAppendTooLarge):
		return http.StatusRequestEntityTooLarge
	}
	if status, ok := kindStatus[domain.KindOf(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// kindStatus is the HTTP status of each kind of domain error; any other
// kind is a 500.
var kindStatus = map[domain.Kind]int{
	domain.KindInvalid:          http.StatusBadRequest,
	domain.KindNotFound:         http.StatusNotFound,
	domain.KindConflict:         http.StatusConflict,
	domain.KindRule:             http.StatusUnprocessableEntity,
	domain.KindUnauthorized:     http.StatusUnauthorized,
	domain.KindForbidden:        http.StatusForbidden,
	domain.KindTooMany:          http.StatusTooManyRequests,
	domain.KindTooLarge:         http.StatusRequestEntityTooLarge,
	domain.KindUnsupportedMedia: http.StatusUnsupportedMediaType,
}

// genericText is what an error that is no domain.Error says, by code, in
// Dutch and English.
type genericText struct{ code, nl, en string }

func (g genericText) in(lang string) ErrorDetail {
	if lang == "nl" {
		return ErrorDetail{Code: g.code, Message: g.nl}
	}
	return ErrorDetail{Code: g.code, Message: g.en}
}

var (
	integrityText = genericText{"ledger_integrity",
		"De vastgelegde historie hiervan klopt niet meer; de actie is geweigerd. Neem contact op met het backofficebureau.",
		"the recorded history of this item fails its integrity check; the action was refused. Contact the back office."}
	internalText = genericText{"internal",
		"Er ging iets mis aan onze kant. Probeer het later opnieuw.",
		"something went wrong on our side; try again later"}
	// statusText describes the statuses Status gives to errors of the
	// event store and the context.
	statusText = map[int]genericText{
		http.StatusConflict: {"concurrent_change",
			"Iemand anders heeft dit zojuist gewijzigd. Laad opnieuw en probeer het nog eens.",
			"someone else changed this at the same time; reload and try again"},
		http.StatusServiceUnavailable: {"unavailable",
			"Even geduld: de dienst is een ogenblik niet bereikbaar. Probeer het over een paar seconden opnieuw.",
			"the service is unavailable for a moment; try again in a few seconds"},
		http.StatusRequestEntityTooLarge: {"append_too_large",
			"Deze wijziging is te groot om in één keer op te slaan. Splits haar op in kleinere delen.",
			"this change is too large to store at once; split it into smaller parts"},
		http.StatusGatewayTimeout: {"timeout",
			"Het duurde te lang; probeer het later opnieuw.",
			"the request took too long; try again later"},
	}
)

// Detail is the user-facing description of err in lang ("nl" or "en").
// Internal errors are never described: their text may hold secrets.
func Detail(err error, lang string) ErrorDetail {
	var de *domain.Error
	if errors.As(err, &de) && de.Kind != domain.KindInternal {
		msg := de.Message
		if lang == "nl" && de.MessageNL != "" {
			msg = de.MessageNL
		}
		return ErrorDetail{Code: de.Code, Message: msg, Field: de.Field}
	}
	if errors.Is(err, eventstore.ErrIntegrity) {
		return integrityText.in(lang)
	}
	if g, ok := statusText[Status(err)]; ok {
		return g.in(lang)
	}
	return internalText.in(lang)
}

// WriteError answers with the JSON error envelope and logs server-side
// failures (with the request ID, never the request body).
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status := Status(err)
	if status >= 500 && log != nil {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "route", Route(r),
			"request_id", RequestID(r.Context()), "err", err)
	}
	SetRetryAfter(w, status, err)
	WriteJSON(w, status, ErrorBody{Error: Detail(err, "en")})
}
