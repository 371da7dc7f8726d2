// Output comparison in the modes a judged run may ask for.

package judge

import (
	"bytes"
	"errors"
	"math"
	"strconv"

	"livecode/internal/execution"
)

// Options is how outputs are compared.
type Options struct {
	Mode         execution.Compare // empty: trailing_whitespace
	AbsTolerance float64           // float mode: |a-e| <= AbsTolerance passes
	RelTolerance float64           // float mode: |a-e| <= RelTolerance*|e| passes
}

// OptionsOf returns the comparison options of a judged run.
func OptionsOf(j execution.Judge) Options {
	o := Options{Mode: j.Compare}
	if j.AbsTolerance != nil {
		o.AbsTolerance = *j.AbsTolerance
	}
	if j.RelTolerance != nil {
		o.RelTolerance = *j.RelTolerance
	}
	return o
}

// Equal reports whether actual is expected under o.
func Equal(o Options, expected, actual []byte) bool {
	switch o.Mode {
	case execution.CompareExact:
		return bytes.Equal(expected, actual)
	case execution.CompareTokens:
		return tokensEqual(expected, actual, bytes.Equal)
	case execution.CompareFloat:
		return tokensEqual(expected, actual, func(e, a []byte) bool { return floatEqual(e, a, o.AbsTolerance, o.RelTolerance) })
	}
	return bytes.Equal(trimLines(expected), trimLines(actual))
}

// trimLines drops the blanks (spaces, tabs, carriage returns) at the end of each line and the
// empty lines at the end, so "1 \r\n2\n\n" reads as "1\n2".
func trimLines(b []byte) []byte {
	lines := bytes.Split(b, []byte{'\n'})
	for i, l := range lines {
		lines[i] = bytes.TrimRight(l, " \t\r\v\f")
	}
	for len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return bytes.Join(lines, []byte{'\n'})
}

// tokensEqual compares the whitespace-separated tokens of e and a pairwise with eq.
func tokensEqual(e, a []byte, eq func(e, a []byte) bool) bool {
	et, at := bytes.Fields(e), bytes.Fields(a)
	if len(et) != len(at) {
		return false
	}
	for i := range et {
		if !eq(et[i], at[i]) {
			return false
		}
	}
	return true
}

// floatEqual compares two tokens as numbers when the expected one is a number, else as bytes.
// NaN matches only NaN, and an infinity only the same infinity; finite numbers match within
// either tolerance (with both 0, exactly).
func floatEqual(e, a []byte, abs, rel float64) bool {
	ev, ok := number(e)
	if !ok {
		return bytes.Equal(e, a)
	}
	av, ok := number(a)
	switch {
	case !ok:
		return false
	case math.IsNaN(ev) || math.IsNaN(av):
		return math.IsNaN(ev) && math.IsNaN(av)
	case math.IsInf(ev, 0) || math.IsInf(av, 0):
		return ev == av
	}
	d := math.Abs(av - ev)
	return d <= abs || d <= rel*math.Abs(ev)
}

// number reads a decimal number token: an optional sign, digits with an optional point and
// exponent ("1e-9", "-.5", "3."), or inf, infinity and nan in any case. Hexadecimal floats and
// digit separators, which ParseFloat would also take, are not numbers here. A number past the
// range of a float64 reads as an infinity or zero, as ParseFloat rounds it.
func number(tok []byte) (float64, bool) {
	if bytes.ContainsAny(tok, "xX_pP") {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		var ne *strconv.NumError
		if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	return v, true
}
