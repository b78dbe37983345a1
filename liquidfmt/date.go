package liquidfmt

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrNoClock is the date filter's error for "now" or "today" when the
// renderer has no clock to read.
var ErrNoClock = errors.New("date cannot read the clock")

// A Clock gives the instant that "now" and "today" are in the date filter.
// It is the caller's: a shop's clock, a test's fixed instant.
type Clock func() time.Time

// Date is Liquid's date filter: in formatted with format (Strftime). It
// reads a time.Time; a string that is "now" or "today" (the instant now
// gives; ErrNoClock if now is nil), an ISO 8601 date (YYYY-MM-DD, midnight
// in loc), an RFC 3339 instant or epoch seconds; anything else, and any
// input with an empty format, is given back as it is, as Shopify does.
// Instants from the clock and epoch seconds are shown in loc (nil: UTC);
// an RFC 3339 instant keeps its own offset.
func Date(in any, format string, now Clock, loc *time.Location) (any, error) {
	if format == "" {
		return in, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	var t time.Time
	switch v := in.(type) {
	case time.Time:
		t = v
	case string:
		var ok bool
		var err error
		if t, ok, err = parseDate(v, now, loc); err != nil {
			return nil, err
		} else if !ok {
			return in, nil
		}
	default:
		return in, nil
	}
	return Strftime(format, t)
}

// parseDate reads a date filter's text input; ok is false for text that
// is no date.
func parseDate(s string, now Clock, loc *time.Location) (time.Time, bool, error) {
	var t time.Time
	var err error
	switch lower := strings.ToLower(strings.TrimSpace(s)); {
	case lower == "":
		return t, false, nil
	case lower == "now" || lower == "today":
		if now == nil {
			return t, false, ErrNoClock
		}
		return now().In(loc), true, nil
	case len(lower) == len(time.DateOnly):
		t, err = time.ParseInLocation(time.DateOnly, lower, loc)
	case strings.Trim(lower, "0123456789") == "":
		var sec int64
		sec, err = strconv.ParseInt(lower, 10, 64)
		t = time.Unix(sec, 0).In(loc)
	default:
		t, err = time.Parse(time.RFC3339, s)
	}
	return t, err == nil, nil
}
