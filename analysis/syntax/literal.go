package syntax

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Errors from ParseInt. They wrap nothing and are compared with errors.Is.
var (
	ErrIntSyntax   = errors.New("invalid integer")
	ErrIntOverflow = errors.New("integer overflow")
)

// intSuffixes maps each integer suffix bpftrace accepts to the largest value
// it allows and its multiplier. Duration suffixes convert to nanoseconds.
var intSuffixes = map[string]struct{ max, mul uint64 }{
	"":    {math.MaxUint64, 1},
	"u":   {math.MaxUint32, 1},
	"ul":  {math.MaxUint64, 1},
	"ull": {math.MaxUint64, 1},
	"l":   {math.MaxInt64, 1},
	"ll":  {math.MaxInt64, 1},
	"ns":  {math.MaxUint64, 1},
	"us":  {math.MaxUint64, 1_000},
	"ms":  {math.MaxUint64, 1_000_000},
	"s":   {math.MaxUint64, 1_000_000_000},
	"m":   {math.MaxUint64, 60_000_000_000},
	"h":   {math.MaxUint64, 3_600_000_000_000},
	"d":   {math.MaxUint64, 86_400_000_000_000},
}

// ParseInt returns the value of an integer literal as bpftrace 0.26 reads
// it: decimal, hex (0x), octal (leading 0), underscores between digits, a
// scientific form with a coefficient of 1-9 (1e6), and a suffix (u, ul, ull,
// l, ll, or a duration ns, us, ms, s, m, h, d that scales to nanoseconds).
func ParseInt(raw string) (uint64, error) {
	if strings.HasSuffix(raw, "_") {
		return 0, errorf(ErrIntSyntax, "trailing underscore in integer literal")
	}
	n := strings.ReplaceAll(raw, "_", "")
	if len(n) > 2 && (n[:2] == "0x" || n[:2] == "0X") {
		return parseDigits(n[2:], 16, raw)
	}
	digits, rest := splitDigits(n)
	base := 10
	if len(digits) > 1 && digits[0] == '0' {
		base, digits = 8, digits[1:]
	}
	v, err := parseDigits(digits, base, raw)
	if err != nil {
		return 0, err
	}
	if len(rest) > 1 && (rest[0] == 'e' || rest[0] == 'E') && '1' <= rest[1] && rest[1] <= '9' {
		if v == 0 || v >= 10 {
			return 0, errorf(ErrIntSyntax, "coefficient part of scientific literal must be 1-9: %s", raw)
		}
		exp, tail := splitDigits(rest[1:])
		if v, err = scaleByPowerOfTen(v, exp, raw); err != nil {
			return 0, err
		}
		rest = tail
	}
	suffix, ok := intSuffixes[normalizeSizeSuffix(rest)]
	if !ok {
		return 0, errorf(ErrIntSyntax, "invalid integer suffix '%s'", rest)
	}
	if v > suffix.max/suffix.mul {
		return 0, errorf(ErrIntOverflow, "integer overflow, maximum value is %d: %s", suffix.max, raw)
	}
	return v * suffix.mul, nil
}

// normalizeSizeSuffix lowercases C size suffixes (10UL), which bpftrace
// accepted in any case up to 0.25; 0.26 only accepts lowercase, a
// difference the semantic stage reports per dialect. Duration suffixes keep
// their case: 10S is not a duration.
func normalizeSizeSuffix(s string) string {
	if strings.Trim(s, "uUlL") == "" {
		return strings.ToLower(s)
	}
	return s
}

func splitDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func parseDigits(digits string, base int, raw string) (uint64, error) {
	if digits == "" {
		return 0, errorf(ErrIntSyntax, "invalid integer: %s", raw)
	}
	v, err := strconv.ParseUint(digits, base, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, errorf(ErrIntOverflow, "integer overflow, maximum value is %d: %s", uint64(math.MaxUint64), raw)
	}
	if err != nil {
		return 0, errorf(ErrIntSyntax, "invalid integer: %s", raw)
	}
	return v, nil
}

func scaleByPowerOfTen(v uint64, exp, raw string) (uint64, error) {
	n, err := strconv.ParseUint(exp, 10, 64)
	if err != nil {
		return 0, errorf(ErrIntOverflow, "integer overflow, maximum value is %d: %s", uint64(math.MaxUint64), raw)
	}
	for ; n > 0; n-- {
		hi, lo := bits.Mul64(v, 10)
		if hi != 0 {
			return 0, errorf(ErrIntOverflow, "integer overflow, maximum value is %d: %s", uint64(math.MaxUint64), raw)
		}
		v = lo
	}
	return v, nil
}

// literalError is an error with a message for people that still matches its
// sentinel under errors.Is.
type literalError struct {
	kind error
	msg  string
}

func (e *literalError) Error() string { return e.msg }
func (e *literalError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &literalError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// escapeError describes one bad escape inside a string literal; Start and
// End are offsets relative to the literal's opening quote.
type escapeError struct {
	Start, End int
	Msg        string
}

// unquote decodes the escapes of a string literal (quotes included in raw)
// as bpftrace does: \n \t \r \" \\, octal \NNN up to 255, hex \xHH. It
// returns the decoded value and every escape it rejected.
func unquote(raw string) (string, []escapeError) {
	body := raw[1:]
	if strings.HasSuffix(body, `"`) && len(raw) >= 2 {
		body = body[:len(body)-1]
	}
	if !strings.Contains(body, `\`) {
		return body, nil
	}
	var b strings.Builder
	var errs []escapeError
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		n, value, msg := decodeEscape(body[i:])
		if msg != "" {
			errs = append(errs, escapeError{Start: 1 + i, End: 1 + i + n, Msg: msg})
		} else {
			b.WriteString(value)
		}
		i += n
	}
	return b.String(), errs
}

// decodeEscape decodes the escape at the start of s (s[0] == '\\') and
// returns its length in bytes, its value, and an error message.
func decodeEscape(s string) (n int, value, msg string) {
	if len(s) < 2 {
		return len(s), "", "unterminated string"
	}
	switch c := s[1]; {
	case c == 'n':
		return 2, "\n", ""
	case c == 't':
		return 2, "\t", ""
	case c == 'r':
		return 2, "\r", ""
	case c == '"':
		return 2, `"`, ""
	case c == '\\':
		return 2, `\`, ""
	case '0' <= c && c <= '7':
		n = 2
		for n < len(s) && n < 4 && '0' <= s[n] && s[n] <= '7' {
			n++
		}
		v, _ := strconv.ParseUint(s[1:n], 8, 16)
		if v > 255 {
			return n, "", "octal escape sequence out of range '" + s[:n] + "'"
		}
		return n, string([]byte{byte(v)}), ""
	case c == 'x' || c == 'X':
		n = 2
		for n < len(s) && n < 4 && isHexDigit(s[n]) {
			n++
		}
		if n == 2 {
			return n, "", "invalid hex escape sequence '" + s[:2] + "'"
		}
		v, _ := strconv.ParseUint(s[2:n], 16, 8)
		return n, string([]byte{byte(v)}), ""
	default:
		size := 1
		for size < 4 && 1+size < len(s) && s[1+size]&0xC0 == 0x80 {
			size++
		}
		return 1 + size, "", "invalid escape character '" + s[:1+size] + "'"
	}
}

func isHexDigit(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Unquote decodes a string literal written as bpftrace reads it, quotes
// included in raw, for text that is not parsed as a program (such as the
// body of a #define). It returns an error for an escape bpftrace rejects.
func Unquote(raw string) (string, error) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", errors.New("not a string literal")
	}
	s, bad := unquote(raw)
	if len(bad) > 0 {
		return "", errors.New(bad[0].Msg)
	}
	return s, nil
}
