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
	switch domain.KindOf(err) {
	case domain.KindInvalid:
		return http.StatusBadRequest
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindConflict:
		return http.StatusConflict
	case domain.KindRule:
		return http.StatusUnprocessableEntity
	case domain.KindUnauthorized:
		return http.StatusUnauthorized
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindTooMany:
		return http.StatusTooManyRequests
	case domain.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.KindUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

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
		if lang == "nl" {
			return ErrorDetail{Code: "ledger_integrity", Message: "De vastgelegde historie hiervan klopt niet meer; de actie is geweigerd. Neem contact op met het backofficebureau."}
		}
		return ErrorDetail{Code: "ledger_integrity", Message: "the recorded history of this item fails its integrity check; the action was refused. Contact the back office."}
	}
	switch Status(err) {
	case http.StatusConflict:
		if lang == "nl" {
			return ErrorDetail{Code: "concurrent_change", Message: "Iemand anders heeft dit zojuist gewijzigd. Laad opnieuw en probeer het nog eens."}
		}
		return ErrorDetail{Code: "concurrent_change", Message: "someone else changed this at the same time; reload and try again"}
	case http.StatusServiceUnavailable:
		if lang == "nl" {
			return ErrorDetail{Code: "unavailable", Message: "Even geduld: de dienst is een ogenblik niet bereikbaar. Probeer het over een paar seconden opnieuw."}
		}
		return ErrorDetail{Code: "unavailable", Message: "the service is unavailable for a moment; try again in a few seconds"}
	case http.StatusRequestEntityTooLarge:
		if lang == "nl" {
			return ErrorDetail{Code: "append_too_large", Message: "Deze wijziging is te groot om in één keer op te slaan. Splits haar op in kleinere delen."}
		}
		return ErrorDetail{Code: "append_too_large", Message: "this change is too large to store at once; split it into smaller parts"}
	case http.StatusGatewayTimeout:
		if lang == "nl" {
			return ErrorDetail{Code: "timeout", Message: "Het duurde te lang; probeer het later opnieuw."}
		}
		return ErrorDetail{Code: "timeout", Message: "the request took too long; try again later"}
	}
	if lang == "nl" {
		return ErrorDetail{Code: "internal", Message: "Er ging iets mis aan onze kant. Probeer het later opnieuw."}
	}
	return ErrorDetail{Code: "internal", Message: "something went wrong on our side; try again later"}
}

// WriteError answers with the JSON error envelope and logs server-side
// failures (with the request ID, never the request body).
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status := Status(err)
	if status >= 500 && log != nil {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path,
			"request_id", RequestID(r.Context()), "err", err)
	}
	SetRetryAfter(w, status, err)
	WriteJSON(w, status, ErrorBody{Error: Detail(err, "en")})
}
