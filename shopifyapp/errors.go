package shopifyapp

import (
	"errors"
	"fmt"

	"github.com/leadtime-app/leadtime/shopify"
)

// Kinds of the app's errors. The server maps each to an HTTP status in its
// one error table (server/errors.go); anything else is a failure of the
// service.
var (
	// ErrBadPayload is a webhook body that is not the topic's payload
	// (400 invalid_webhook). The error's own message says which.
	ErrBadPayload = errors.New("invalid webhook payload")
	// ErrTransient is a webhook failure Shopify should retry: a store or
	// the Admin API is unavailable for now (503, Retry-After).
	ErrTransient = errors.New("temporarily unavailable")
	// ErrBackfillRunning is a backfill asked for while one is running
	// (409).
	ErrBackfillRunning = errors.New("a backfill is already running (one starts on install too); the report fills in when Shopify finishes it, usually within minutes")
	// ErrShopifyUnavailable is Shopify's Admin API throttling or down, for
	// a request that needs it now (503).
	ErrShopifyUnavailable = errors.New("Shopify is unavailable; try again in a minute")
	// ErrUnknownTopic is a webhook topic the app does not handle (Topics).
	ErrUnknownTopic = errors.New("unknown webhook topic")
)

// payloadError is an ErrBadPayload whose message is only its own ("not a
// product payload"): the caller is shown exactly that.
type payloadError struct{ msg string }

func (e *payloadError) Error() string { return e.msg }
func (e *payloadError) Unwrap() error { return ErrBadPayload }

// badPayload returns an ErrBadPayload saying msg.
func badPayload(msg string) error { return &payloadError{msg: msg} }

// transient marks err as ErrTransient, keeping its message for the log.
func transient(err error) error { return fmt.Errorf("%w: %v", ErrTransient, err) }

// shopifyDown reports whether err is the Admin API throttling or down.
func shopifyDown(err error) bool {
	return errors.Is(err, shopify.ErrThrottled) || errors.Is(err, shopify.ErrUnavailable)
}

// shopifyOutage marks an Admin API outage as ErrShopifyUnavailable, so that
// the merchant is told to try again rather than shown a 500.
func shopifyOutage(err error) error {
	if shopifyDown(err) {
		return fmt.Errorf("%w: %w", ErrShopifyUnavailable, err)
	}
	return err
}

// transientIfShopify marks an Admin API outage as ErrTransient, for a
// webhook that Shopify then retries.
func transientIfShopify(err error) error {
	if shopifyDown(err) {
		return transient(err)
	}
	return err
}
