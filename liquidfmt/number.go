package liquidfmt

import (
	"cmp"
	"errors"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// rubySpace is what Ruby's strip removes.
const rubySpace = " \t\n\v\f\r\x00"

// maxPlaces bounds round's places: a result has at most this many digits
// after (or zeros before) the point, whatever the template asks.
const maxPlaces = 18

// ErrZeroDivision is divided_by's and modulo's error for 0.
var ErrZeroDivision = errors.New("divided by 0")

// Float is a float that prints as Ruby's Float#to_s: "15.0", "0.3",
// "1.0e+17". The number filters give it for decimal results.
type Float float64

// String writes f as Ruby does.
func (f Float) String() string {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	abs := math.Abs(v)
	if abs != 0 && (abs >= 1e16 || abs < 1e-4) {
		s := strconv.FormatFloat(v, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		return mant + "e" + exp
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// Number is Liquid's to_number: an integer, or an exact decimal (Ruby's
// BigDecimal), which the filters give back as a Float.
type Number struct {
	i   int64
	dec *big.Rat // nil for an integer
}

// IsNumber reports whether v is a number value (not text that reads as
// one).
func IsNumber(v any) bool {
	switch v.(type) {
	case int, int64, float64, Float:
		return true
	}
	return false
}

var decimalRE = regexp.MustCompile(`^-?\d+\.\d+$`)

// ToNumber reads v as Liquid's Utils.to_number: "5" is 5, "1.5" the
// decimal 1.5, text that is no number 0 (String#to_i of its start).
func ToNumber(v any) Number {
	switch v := v.(type) {
	case int:
		return Number{i: int64(v)}
	case int64:
		return Number{i: v}
	case float64:
		return floatNumber(v)
	case Float:
		return floatNumber(float64(v))
	case string:
		s := strings.Trim(v, rubySpace)
		if decimalRE.MatchString(s) {
			r, _ := new(big.Rat).SetString(s)
			return Number{dec: r}
		}
		return Number{i: leadingInt(s)}
	}
	return Number{}
}

// floatNumber is BigDecimal(f.to_s): the decimal that the float prints as.
func floatNumber(f float64) Number {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Number{}
	}
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	return Number{dec: r}
}

// leadingInt is Ruby's String#to_i: the leading integer, or 0.
func leadingInt(s string) int64 {
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	start := end
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == start {
		return 0
	}
	n, err := strconv.ParseInt(s[:end], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func (n Number) rat() *big.Rat {
	if n.dec != nil {
		return n.dec
	}
	return new(big.Rat).SetInt64(n.i)
}

// Value is the number as a template sees it: an int, or a Float.
func (n Number) Value() any {
	if n.dec == nil {
		return int(n.i)
	}
	f, _ := n.dec.Float64()
	return Float(f)
}

// Cmp compares n and m: -1, 0 or +1.
func (n Number) Cmp(m Number) int {
	if n.dec == nil && m.dec == nil {
		return cmp.Compare(n.i, m.i)
	}
	return n.rat().Cmp(m.rat())
}

// Abs is the abs filter.
func (n Number) Abs() Number {
	if n.dec == nil {
		if n.i < 0 {
			n.i = -n.i
		}
		return n
	}
	return Number{dec: new(big.Rat).Abs(n.dec)}
}

// Ceil is the ceil filter: an integer.
func (n Number) Ceil() any { return n.rounded(math.Ceil) }

// Floor is the floor filter: an integer.
func (n Number) Floor() any { return n.rounded(math.Floor) }

func (n Number) rounded(f func(float64) float64) any {
	if n.dec == nil {
		return int(n.i)
	}
	v, _ := n.dec.Float64()
	return int(f(v))
}

// Arithmetic is plus ('+'), minus ('-'), times ('*'), divided_by ('/')
// and modulo ('%') of in and arg: integers stay integers (division and
// modulo floor, as in Ruby); anything with a decimal is computed exactly
// and given as a Float.
func Arithmetic(op byte, in, arg any) (any, error) {
	x, y := ToNumber(in), ToNumber(arg)
	if x.dec == nil && y.dec == nil {
		return intArithmetic(op, x.i, y.i)
	}
	r, s := x.rat(), y.rat()
	out := new(big.Rat)
	switch op {
	case '+':
		out.Add(r, s)
	case '-':
		out.Sub(r, s)
	case '*':
		out.Mul(r, s)
	default:
		if s.Sign() == 0 {
			return nil, ErrZeroDivision
		}
		out.Quo(r, s)
		if op == '%' {
			// r - s·floor(r/s)
			fl := new(big.Int).Div(out.Num(), out.Denom())
			out.Sub(r, new(big.Rat).Mul(s, new(big.Rat).SetInt(fl)))
		}
	}
	return Number{dec: out}.Value(), nil
}

func intArithmetic(op byte, x, y int64) (any, error) {
	switch op {
	case '+':
		return int(x + y), nil
	case '-':
		return int(x - y), nil
	case '*':
		return int(x * y), nil
	}
	if y == 0 {
		return nil, ErrZeroDivision
	}
	q, m := x/y, x%y
	if m != 0 && (m < 0) != (y < 0) {
		q, m = q-1, m+y
	}
	if op == '/' {
		return int(q), nil
	}
	return int(m), nil
}

// Round is the round filter: half away from zero (BigDecimal's
// ROUND_HALF_UP), to an integer without places, to a Float with them.
// places is clamped to ±18.
func Round(in any, places int) any {
	n := ToNumber(in)
	if n.dec == nil {
		return int(n.i)
	}
	places = min(max(places, -maxPlaces), maxPlaces)
	exp := places
	if exp < 0 {
		exp = -exp
	}
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil))
	if places < 0 {
		scale.Inv(scale)
	}
	x := new(big.Rat).Mul(n.dec, scale)
	half := big.NewRat(1, 2)
	if x.Sign() < 0 {
		x.Sub(x, half)
	} else {
		x.Add(x, half)
	}
	whole := new(big.Int).Quo(x.Num(), x.Denom()) // truncates toward zero
	if places == 0 {
		return int(whole.Int64())
	}
	return Number{dec: new(big.Rat).Quo(new(big.Rat).SetInt(whole), scale)}.Value()
}

// AtLeast is the at_least filter: in, or limit if in is less.
func AtLeast(in, limit any) any { return bound(in, limit, 1) }

// AtMost is the at_most filter: in, or limit if in is more.
func AtMost(in, limit any) any { return bound(in, limit, -1) }

func bound(in, limit any, sign int) any {
	x, y := ToNumber(in), ToNumber(limit)
	if x.Cmp(y)*sign < 0 {
		return y.Value()
	}
	return x.Value()
}
