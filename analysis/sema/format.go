package sema

import (
	"fmt"

	"github.com/kenlsp/ken/analysis/syntax"
)

// verbClass is what a printf verb prints: a string, an integer or a buffer.
type verbClass int

const (
	verbString verbClass = iota
	verbInteger
	verbBuffer
)

// verb is one conversion of a format string.
type verb struct {
	text  string // as written, "%-10s"
	class verbClass
}

// formatTokens are the conversions bpftrace recognises after the flags and
// width; integer conversions may carry a C length modifier.
var formatTokens = func() map[string]verbClass {
	m := map[string]verbClass{"s": verbString, "r": verbBuffer, "rx": verbBuffer, "rh": verbBuffer, "c": verbInteger}
	for _, length := range []string{"", "hh", "h", "l", "ll", "j", "z", "t"} {
		for _, conv := range []string{"d", "u", "o", "x", "X", "p"} {
			m[length+conv] = verbInteger
		}
	}
	return m
}()

// formatVerbs finds the conversions in a format string the way bpftrace
// does: at each '%', an optional '-', a width and a precision, then the
// longest known conversion. A '%' that starts no conversion (as in "%%" or
// "%f") is skipped, and the search goes on at the next character.
func formatVerbs(format string) []verb {
	var verbs []verb
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		if n, class, ok := matchVerb(format[i+1:]); ok {
			verbs = append(verbs, verb{text: format[i : i+1+n], class: class})
			i += n
		}
	}
	return verbs
}

// matchVerb matches flags, width, precision and conversion at the start of
// s and returns the length matched.
func matchVerb(s string) (int, verbClass, bool) {
	j := 0
	if j < len(s) && s[j] == '-' {
		j++
	}
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	for n := min(3, len(s)-j); n > 0; n-- {
		if class, ok := formatTokens[s[j:j+n]]; ok {
			return j + n, class, true
		}
	}
	return 0, 0, false
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// printsAsString lists the kinds bpftrace formats with %s.
var printsAsString = map[Kind]bool{
	String: true, Ksym: true, Usym: true, Username: true, KStack: true, UStack: true, Inet: true,
	Timestamp: true, MacAddr: true, CgroupPath: true, StrError: true,
}

// suits reports whether a value of type t may be printed by a verb of the
// class; unknown types suit everything.
func suits(t *Type, class verbClass) bool {
	if t.IsUnknown() {
		return true
	}
	switch class {
	case verbString:
		return printsAsString[t.Kind] || t.Enum
	case verbInteger:
		return t.IsIntegral()
	}
	return t.Kind == Buffer
}

var classNames = map[verbClass]string{verbString: "a string", verbInteger: "an integer", verbBuffer: "a buffer (from buf())"}

// format checks a printf-like call: a literal format string whose verbs
// pair up with the arguments that follow.
func (c *checker) format(x *syntax.CallExpr) {
	if len(x.Args) == 0 {
		return
	}
	name := x.Fun.Name
	lit, ok := unparen(x.Args[0]).(*syntax.StringLit)
	if !ok {
		c.value(x.Args[0])
		c.errorf(x.Args[0], CodeFormatLiteral, "%s needs a string literal as its format", name)
	}
	types := make([]*Type, len(x.Args)-1)
	for i, a := range x.Args[1:] {
		types[i] = c.value(a)
	}
	if !ok {
		return
	}
	verbs := formatVerbs(lit.Value)
	if len(verbs) != len(types) {
		c.errorf(x, CodeFormatArity, "%s: the format has %s but the call passes %s", name,
			plural(len(verbs), "conversion"), plural(len(types), "argument"))
		return
	}
	for i, v := range verbs {
		if !suits(types[i], v.class) {
			c.errorf(x.Args[i+1], CodeFormatType, "%s: %s prints %s, but this argument is '%s'%s",
				name, v.text, classNames[v.class], types[i], formatHint(types[i], v.class))
		}
	}
}

// formatHint suggests the usual repair for a mismatched argument.
func formatHint(t *Type, class verbClass) string {
	switch {
	case class == verbString && t.Kind == Pointer:
		return "; read the string with str()"
	case class == verbString && t.Kind == Int:
		return "; use %d, or ksym()/usym() for an address"
	case class == verbInteger && t.Kind == String:
		return "; use %s"
	case class == verbInteger && t.Kind == Aggregate:
		return "; print the map with print() instead"
	}
	return ""
}

func plural(n int, noun string) string {
	switch n {
	case 0:
		return "no " + noun + "s"
	case 1:
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// unparen strips parentheses.
func unparen(x syntax.Expr) syntax.Expr {
	for {
		p, ok := x.(*syntax.ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}
