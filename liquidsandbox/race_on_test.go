//go:build race

package liquidsandbox

// allocSlack widens the allocation bounds of the render tests under the
// race detector, whose instrumentation allocates several times as much. The
// bounds still catch the bombs they are for (hundreds of megabytes).
const allocSlack = 8
