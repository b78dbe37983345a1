package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/preview"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shopifyapp"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

// Errors of the HTTP layer. Handlers wrap them with %w and a message meant
// for the caller; writeError maps them to a status in one table.
var (
	ErrBadRequest       = errors.New("bad request")
	ErrNotFound         = errors.New("not found")
	ErrMethodNotAllowed = errors.New("method not allowed")
	ErrTooLarge         = errors.New("request too large")
	ErrUnsupportedType  = errors.New("unsupported content type")
	ErrUnauthorized     = errors.New("unauthorized")
	ErrRateLimited      = errors.New("rate limited")
	ErrHeadersTooLarge  = errors.New("request headers too large")
)

// fieldError is a caller error about one parameter, with its own code
// (invalid_country, invalid_quantity, ...).
type fieldError struct {
	code string
	msg  string
	kind error
}

func (e *fieldError) Error() string     { return e.msg }
func (e *fieldError) Unwrap() error     { return e.kind }
func (e *fieldError) ErrorCode() string { return e.code }

// codedError is an error with its own code, as fieldError and
// preview.ParamError are: the code is its own, the status that of the kind
// it wraps.
type codedError interface {
	error
	ErrorCode() string
}

// BadParam returns a 400 with the code and a message for the caller.
func BadParam(code, format string, args ...any) error {
	return &fieldError{code: code, msg: fmt.Sprintf(format, args...), kind: ErrBadRequest}
}

// errorKinds is the one table from error kinds to HTTP status and code. A
// quote's errors take their code from promise.Code (code ""), so that an
// answer's cart lines and the HTTP errors name them alike.
// The first entry that matches wins; anything unmatched is a 500, which
// means a bug or an outage, never bad input.
var errorKinds = []struct {
	err    error
	status int
	code   string
}{
	{ErrBadRequest, http.StatusBadRequest, "bad_request"},
	{preview.ErrBadParam, http.StatusBadRequest, "bad_request"},
	{promise.ErrBadInput, http.StatusBadRequest, "bad_request"},
	{delivery.ErrUnknownCountry, http.StatusBadRequest, ""},
	{delivery.ErrUnknownMethod, http.StatusBadRequest, ""},
	{delivery.ErrCountryNotServed, http.StatusUnprocessableEntity, ""},
	{delivery.ErrOutOfRange, http.StatusUnprocessableEntity, ""},
	{delivery.ErrNoProcessingDay, http.StatusUnprocessableEntity, ""},
	{delivery.ErrInvalidSettings, http.StatusUnprocessableEntity, ""},
	{store.ErrConflict, http.StatusPreconditionFailed, "stale_settings"},
	{ErrPreconditionRequired, http.StatusPreconditionRequired, "precondition_required"},
	{ErrNoShopify, http.StatusConflict, "no_shopify_connection"},
	{shops.ErrNotObject, http.StatusBadRequest, "invalid_body"},
	{shops.ErrNoVersion, http.StatusNotFound, "not_found"},
	{shopifyapp.ErrBadPayload, http.StatusBadRequest, "invalid_webhook"},
	{shopifyapp.ErrBackfillRunning, http.StatusConflict, "backfill_running"},
	{shopifyapp.ErrShopifyUnavailable, http.StatusServiceUnavailable, "shopify_unavailable"},
	{shopifyapp.ErrTransient, http.StatusServiceUnavailable, "unavailable"},
	{delivery.ErrUnknownProduct, http.StatusNotFound, ""},
	{delivery.ErrUnknownVariant, http.StatusNotFound, ""},
	{promise.ErrShopNotInstalled, http.StatusNotFound, ""},
	{ErrNotFound, http.StatusNotFound, "not_found"},
	{ErrUnauthorized, http.StatusUnauthorized, "unauthorized"},
	{ErrMethodNotAllowed, http.StatusMethodNotAllowed, "method_not_allowed"},
	{ErrTooLarge, http.StatusRequestEntityTooLarge, "too_large"},
	{ErrUnsupportedType, http.StatusUnsupportedMediaType, "unsupported_content_type"},
	{ErrRateLimited, http.StatusTooManyRequests, "rate_limited"},
	{ErrFeedBuilding, http.StatusServiceUnavailable, "feed_building"},
	{ErrHeadersTooLarge, http.StatusRequestHeaderFieldsTooLarge, "headers_too_large"},
}

// errorStatus maps err to its HTTP status and error code.
func errorStatus(err error) (int, string) {
	var ce codedError
	if errors.As(err, &ce) {
		status, _ := errorStatus(errors.Unwrap(ce))
		return status, ce.ErrorCode()
	}
	for _, k := range errorKinds {
		if errors.Is(err, k.err) {
			if k.code == "" {
				return k.status, promise.Code(k.err)
			}
			return k.status, k.code
		}
	}
	return http.StatusInternalServerError, "internal"
}

// WriteError answers with the JSON error for err. A 5xx is logged with its
// cause and answered with a generic message: the cause may name internals.
func WriteError(c *gin.Context, err error) {
	status, code := errorStatus(err)
	msg := err.Error()
	if status >= 500 {
		requestLog(c).ErrorContext(c.Request.Context(), "request failed", "path", c.Request.URL.Path, "err", err)
		msg = "internal error; it has been logged"
	}
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(status, gin.H{"error": promise.ErrorBody{Code: code, Message: msg}})
}
