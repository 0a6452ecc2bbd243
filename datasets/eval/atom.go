package eval

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kenlsp/ken/analysis/syntax"
)

// An atom is the unit expectations are stated in. Written in prompts.json
// it is an identifier (pid, skc_dport, ntop), a Go-quoted string ("bash")
// or an integer literal as bpftrace reads it (443, 0x1bb, 10ms). Internally
// each is a key: the identifier itself, the string's value between double
// quotes, or the integer's decimal value. The three never collide:
// identifiers start with a letter or '_', strings with '"', integers with
// a digit.
type atomSet map[string]bool

// parseAtom returns the key of an atom written in prompts.json.
func parseAtom(s string) (string, error) {
	switch {
	case identPattern.MatchString(s):
		return s, nil
	case strings.HasPrefix(s, `"`):
		v, err := strconv.Unquote(s)
		if err != nil {
			return "", fmt.Errorf("%s is not a quoted string", s)
		}
		return strconv.Quote(v), nil
	case s != "" && '0' <= s[0] && s[0] <= '9':
		v, err := syntax.ParseInt(s)
		if err != nil {
			return "", fmt.Errorf("%s is not an integer: %v", s, err)
		}
		return strconv.FormatUint(v, 10), nil
	}
	return "", fmt.Errorf("%q is not an atom (an identifier, a quoted string or an integer)", s)
}

// nodeAtom returns the key of the atom n is, if it is one: an identifier
// (a builtin, a field name after . or ->, a function name), a string
// literal or an integer literal.
func nodeAtom(n syntax.Node) (string, bool) {
	switch n := n.(type) {
	case *syntax.Ident:
		return n.Name, n.Name != ""
	case *syntax.StringLit:
		return strconv.Quote(n.Value), true
	case *syntax.IntLit:
		return strconv.FormatUint(n.Value, 10), true
	}
	return "", false
}

// hasAny reports whether the set holds any of the atoms written in alts.
func (s atomSet) hasAny(alts []string) bool {
	for _, a := range alts {
		if k, err := parseAtom(a); err == nil && s[k] {
			return true
		}
	}
	return false
}
