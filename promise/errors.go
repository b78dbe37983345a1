package promise

import (
	"errors"

	"github.com/leadtime-app/leadtime/delivery"
)

// ErrShopNotInstalled is returned for a shop that has not installed the app.
var ErrShopNotInstalled = errors.New("shop not installed")

// errorCodes names the errors a quote can end in, as answers and cart lines
// carry them. It is the one list of these codes: the HTTP layer's error
// table gives each its status and takes the code from Code.
var errorCodes = []struct {
	err  error
	code string
}{
	{delivery.ErrUnknownCountry, "invalid_country"},
	{delivery.ErrUnknownMethod, "invalid_method"},
	{delivery.ErrCountryNotServed, "country_not_served"},
	{delivery.ErrOutOfRange, "date_out_of_range"},
	{delivery.ErrNoProcessingDay, "no_processing_day"},
	{delivery.ErrInvalidSettings, "invalid_settings"},
	{delivery.ErrUnknownProduct, "unknown_product"},
	{delivery.ErrUnknownVariant, "unknown_product"},
	{ErrShopNotInstalled, "shop_not_installed"},
}

// Code returns the error code of a quote's error, or "" when err is none of
// the errors a quote can end in.
func Code(err error) string {
	for _, k := range errorCodes {
		if errors.Is(err, k.err) {
			return k.code
		}
	}
	return ""
}

// LineError is the error object of a cart line. A line fails only with a
// quote's error; anything else is "internal".
func LineError(err error) *ErrorBody {
	code := Code(err)
	if code == "" {
		code = "internal"
	}
	return &ErrorBody{Code: code, Message: err.Error()}
}
