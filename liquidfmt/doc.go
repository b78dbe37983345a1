// Package liquidfmt formats numbers and dates as Shopify's Liquid
// (ruby-liquid 5.4) does, for the two Liquid renderers of this module: the
// merchant's message templates (package liquidsandbox) and the theme app
// extension's blocks rendered for the demo (extensions/leadtime-theme).
// Sharing it means a filter says the same in both, and the same as in the
// shop's own Liquid.
//
// Dates: Strftime is Ruby's strftime with a bound on what a format may
// write (a directive's width is at most MaxWidth, a whole format's text at
// most MaxText), so that "%1000000d" cannot build a megabyte; Date is the
// date filter, which reads ISO 8601 dates and instants, epoch seconds and
// "now"/"today". The clock that "now" reads is always the caller's,
// never time.Now: a renderer that has none refuses "now" (ErrNoClock).
//
// Numbers: Number is Liquid's to_number (integers stay integers, decimals
// are exact, as Ruby's BigDecimal), Float prints as Ruby's Float#to_s
// ("15.0", "0.3"), and Arithmetic, Round and Bound are the number filters;
// Round's places are clamped so that no result is unbounded.
package liquidfmt
