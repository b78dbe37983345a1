//go:build !race

package message

// allocSlack: see race_on_test.go.
const allocSlack = 1
