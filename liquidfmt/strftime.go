package liquidfmt

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/osteele/tuesday"
)

// Ruby's strftime (tuesday) pads a directive to any width it is given:
// "%1000000d" is a megabyte of zeros, built before any limit could look at
// it. So a format is measured before it is run: each directive's width is
// at most MaxWidth, and the longest text the whole format can give must
// fit in MaxText.
const (
	// MaxWidth is the widest a strftime directive may pad: far more than
	// any date needs ("%02d", "%3N", "%-d").
	MaxWidth = 32
	// MaxText is the longest text a date format may write.
	MaxText = 16 << 10
)

// maxDirectiveText is the longest text a directive writes unpadded: "%c"
// is 24 bytes, "%s" of the latest instant 20; a zone name is short.
const maxDirectiveText = 40

// strftimeDirective is tuesday's own pattern: flags, width, an E or O
// modifier, and the conversion.
var strftimeDirective = regexp.MustCompile(`%([-_^#0]|:{1,3})?(\d+)?[EO]?([a-zA-Z\+nt%])`)

// FormatProblem says what is wrong with a strftime format, or "": a
// directive wider than MaxWidth, or a format that could write more than
// MaxText bytes. A renderer may ask it of a literal format when a template
// is saved; Strftime asks it of every format it runs.
func FormatProblem(format string) string {
	longest, last := 0, 0
	for _, m := range strftimeDirective.FindAllStringSubmatchIndex(format, -1) {
		longest += m[0] - last
		last = m[1]
		width := 0
		if m[4] >= 0 {
			digits := format[m[4]:m[5]]
			w, err := strconv.Atoi(digits)
			if err != nil || w > MaxWidth {
				return fmt.Sprintf("the width %s in “%s” is more than %d", digits, format[m[0]:m[1]], MaxWidth)
			}
			width = w
		}
		longest += max(width, maxDirectiveText)
		if longest > MaxText {
			break
		}
	}
	longest += len(format) - last
	if longest > MaxText {
		return fmt.Sprintf("the format could write more than %d bytes", MaxText)
	}
	return ""
}

// Strftime formats t as Ruby's Time#strftime does, for a format that
// FormatProblem accepts; any other format is refused with its problem.
func Strftime(format string, t time.Time) (string, error) {
	if msg := FormatProblem(format); msg != "" {
		return "", errors.New(msg)
	}
	return tuesday.Strftime(format, t)
}
