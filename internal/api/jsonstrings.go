// A strict one-pass decoder for the commonest request body: a JSON object whose values are all strings.

package api

import (
	"unicode/utf8"
)

// jsonStrings decodes body when it is a JSON object whose every member is a string, and gives
// each member to set in order; set may refuse one. It accepts only a subset of JSON, on which
// it agrees with encoding/json decoding into map[string]any: names without escapes, values
// whose escapes are the two-character ones (no \u), valid UTF-8, whitespace around tokens.
// Anything else (another value type, null, a \u escape, a malformed body, a refusal) returns
// false, and the caller leaves the body to encoding/json; what set was given is then void.
func jsonStrings(body []byte, set func(name []byte, value string) bool) bool {
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '{' {
		return false
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return skipSpace(body, i+1) == len(body)
	}
	for {
		name, j, esc := scanString(body, i)
		if j < 0 || esc {
			return false
		}
		i = skipSpace(body, j)
		if i == len(body) || body[i] != ':' {
			return false
		}
		i = skipSpace(body, i+1)
		raw, j, esc := scanString(body, i)
		if j < 0 {
			return false
		}
		value, ok := string(raw), true
		if esc {
			value, ok = unescape(raw)
		}
		if !ok || !set(name, value) {
			return false
		}
		i = skipSpace(body, j)
		if i == len(body) {
			return false
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
		case '}':
			return skipSpace(body, i+1) == len(body)
		default:
			return false
		}
	}
}

// skipSpace returns the index of the first byte at or after i that is not JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// scanString reads the JSON string that starts at b[i]: its raw contents between the quotes,
// the index after the closing quote, and whether it holds escapes. The index is -1 when there
// is no string there, or it has a control character or bytes that are not UTF-8.
func scanString(b []byte, i int) (raw []byte, end int, esc bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, -1, false
	}
	ascii := true
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			raw = b[i+1 : j]
			if !ascii && !utf8.Valid(raw) {
				return nil, -1, false
			}
			return raw, j + 1, esc
		case c == '\\':
			esc = true
			j++ // the escaped byte never ends the string; unescape checks it
		case c < 0x20:
			return nil, -1, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, -1, false
}

// unescape decodes the two-character escapes of a string's raw contents; false for any other
// escape (\u included).
func unescape(raw []byte) (string, bool) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i == len(raw) {
			return "", false
		}
		switch raw[i] {
		case '"', '\\', '/':
			out = append(out, raw[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default:
			return "", false
		}
	}
	return string(out), true
}
