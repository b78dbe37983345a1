//go:build !race

package liquidsandbox

// allocSlack: see race_on_test.go.
const allocSlack = 1
