package delivery

// A Check is a validation step that another package adds to LoadShop and
// Compile (message checks a shop's templates this way, without an import
// cycle). It reports each problem through report, at its path in the
// settings document ("messages.sv.product").
type Check func(st *Settings, report func(path, message string))

// An Option changes what LoadShop and Compile check.
type Option func(*options)

type options struct {
	checks []Check
}

// WithCheck makes LoadShop and Compile also run check. The caller composes
// what a settings document must pass: what LoadShop accepts depends on the
// options it is given, never on which packages the binary links.
func WithCheck(check Check) Option {
	return func(o *options) { o.checks = append(o.checks, check) }
}

// runChecks runs the checks that opts add, collecting their problems in ps.
func runChecks(ps *problems, st *Settings, opts []Option) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	for _, check := range o.checks {
		check(st, func(path, message string) { ps.add(path, "%s", message) })
	}
}
