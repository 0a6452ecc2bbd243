package syntax

import (
	"unicode/utf8"
)

// scanner splits bpftrace source into tokens on demand. It is driven by the
// parser, which also asks it for the context-sensitive pieces of the
// language (attach points, C definitions) that are not made of tokens.
type scanner struct {
	src      []byte
	off      int        // offset of the next unread byte
	comments []*Comment // comments skipped so far, in source order
	// openComment records that the text ends inside a /* comment, so that
	// the parser does not also complain about everything left unclosed.
	openComment bool
	// openStrings holds the start offsets of unterminated string literals.
	openStrings map[int]bool
	errorf      func(start, end int, code, format string, args ...any)
}

// token is one scanned token: its kind and its byte span.
type token struct {
	kind     Token
	pos, end int
}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdentBody(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// at returns the byte at offset i, or 0 past the end of the text.
func (s *scanner) at(i int) byte {
	if i >= 0 && i < len(s.src) {
		return s.src[i]
	}
	return 0
}

// skipLayout skips white space and comments, recording the comments.
func (s *scanner) skipLayout() {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case isSpace(c):
			s.off++
		case c == '/' && s.at(s.off+1) == '/':
			start := s.off
			for s.off < len(s.src) && s.src[s.off] != '\n' {
				s.off++
			}
			s.addComment(start)
		case c == '/' && s.at(s.off+1) == '*':
			start := s.off
			s.off += 2
			for s.off < len(s.src) && !(s.src[s.off] == '*' && s.at(s.off+1) == '/') {
				s.off++
			}
			if s.off >= len(s.src) {
				s.errorf(start, s.off, CodeUnterminatedComment, "unterminated comment")
				s.openComment = true
			} else {
				s.off += 2
			}
			s.addComment(start)
		default:
			return
		}
	}
}

// addComment records the comment that starts at start and ends at s.off.
// After backtracking the same comment can be skipped twice; it is kept once.
func (s *scanner) addComment(start int) {
	if n := len(s.comments); n > 0 && s.comments[n-1].Start >= Pos(start) {
		return
	}
	s.comments = append(s.comments, &Comment{Start: Pos(start), Text: string(s.src[start:s.off])})
}

// layoutEnd returns the offset of the first byte at or after i that is not
// white space or part of a comment, without recording anything.
func (s *scanner) layoutEnd(i int) int {
	for i < len(s.src) {
		c := s.src[i]
		switch {
		case isSpace(c):
			i++
		case c == '/' && s.at(i+1) == '/':
			for i < len(s.src) && s.src[i] != '\n' {
				i++
			}
		case c == '/' && s.at(i+1) == '*':
			i += 2
			for i < len(s.src) && !(s.src[i] == '*' && s.at(i+1) == '/') {
				i++
			}
			i = min(i+2, len(s.src))
		default:
			return i
		}
	}
	return i
}

func (s *scanner) identEnd(i int) int {
	for i < len(s.src) && isIdentBody(s.src[i]) {
		i++
	}
	return i
}

// next scans the token that follows the current offset.
func (s *scanner) next() token {
	s.skipLayout()
	start := s.off
	if start >= len(s.src) {
		return token{EOF, start, start}
	}
	kind := s.scanKind()
	return token{kind, start, s.off}
}

// scanKind scans one token starting at s.off and returns its kind.
func (s *scanner) scanKind() Token {
	c := s.src[s.off]
	switch {
	case isIdentStart(c):
		s.off = s.identEnd(s.off)
		return IDENT
	case isDigit(c):
		// An integer with its suffix, and any letters glued to it, is one
		// token: ParseInt judges it as a whole, as bpftrace does.
		s.off = s.identEnd(s.off)
		return INT
	case c == '"':
		s.scanString()
		return STRING
	case c == '@':
		s.off = s.identEnd(s.off + 1)
		return MAP
	case c == '$':
		return s.scanDollar()
	case c == '#':
		for s.off < len(s.src) && s.src[s.off] != '\n' {
			s.off++
		}
		return DIRECTIVE
	case c >= utf8.RuneSelf:
		_, size := utf8.DecodeRune(s.src[s.off:])
		s.off += size
		return ILLEGAL
	}
	return s.scanOperator()
}

// scanDollar scans $name, $1 and $#.
func (s *scanner) scanDollar() Token {
	start := s.off
	s.off++
	switch c := s.at(s.off); {
	case c == '#':
		s.off++
		return PARAMCOUNT
	case isDigit(c):
		for isDigit(s.at(s.off)) {
			s.off++
		}
		return PARAM
	case isIdentStart(c):
		s.off = s.identEnd(s.off)
	default:
		s.errorf(start, s.off, CodeExpected, "expected identifier after '$'")
	}
	return VAR
}

// scanString scans a string literal up to its closing quote. An unterminated
// string ends at the end of its line, as bpftrace strings cannot span lines.
func (s *scanner) scanString() {
	start := s.off
	s.off++
	for s.off < len(s.src) {
		switch s.src[s.off] {
		case '"':
			s.off++
			return
		case '\n':
			s.unterminatedString(start)
			return
		case '\\':
			if s.at(s.off+1) == '\n' {
				s.off++
				continue
			}
			s.off += 2
		default:
			s.off++
		}
	}
	s.off = len(s.src)
	s.unterminatedString(start)
}

func (s *scanner) unterminatedString(start int) {
	s.errorf(start, s.off, CodeUnterminatedString, "unterminated string")
	if s.openStrings == nil {
		s.openStrings = map[int]bool{}
	}
	s.openStrings[start] = true
}

// operators lists the punctuation tokens, longest first so that the scanner
// takes "<<=" before "<<" before "<".
var operators = []struct {
	text string
	kind Token
}{
	{"<<=", ShlAssign}, {">>=", ShrAssign},
	{"..", DotDot}, {"->", Arrow}, {"<=", Le}, {">=", Ge}, {"==", Eq}, {"!=", Ne},
	{"<<", Shl}, {">>", Shr}, {"&&", AndAnd}, {"||", OrOr}, {"++", Inc}, {"--", Dec},
	{"+=", PlusAssign}, {"-=", MinusAssign}, {"*=", StarAssign}, {"/=", SlashAssign},
	{"%=", PercentAssign}, {"&=", AmpAssign}, {"|=", PipeAssign}, {"^=", CaretAssign},
	{"(", LParen}, {")", RParen}, {"{", LBrace}, {"}", RBrace}, {"[", LBrack},
	{"]", RBrack}, {";", Semi}, {",", Comma}, {":", Colon}, {".", Dot},
	{"?", Question}, {"=", Assign}, {"+", Plus}, {"-", Minus}, {"*", Star},
	{"/", Slash}, {"%", Percent}, {"&", Amp}, {"|", Pipe}, {"^", Caret},
	{"!", Bang}, {"~", Tilde}, {"<", Lt}, {">", Gt},
}

func (s *scanner) scanOperator() Token {
	rest := s.src[s.off:]
	for _, op := range operators {
		if len(rest) >= len(op.text) && string(rest[:len(op.text)]) == op.text {
			s.off += len(op.text)
			return op.kind
		}
	}
	s.off++
	return ILLEGAL
}

// scanAttachPoint scans the raw text of one attach point starting at start,
// the way bpftrace 0.26 does: up to '{', ',', white space, or a '/' that
// opens a predicate. A '/' after the provider's ':' is part of a path, and
// quoted strings are taken whole.
func (s *scanner) scanAttachPoint(start int) int {
	i := start
	sawColon := false
	for i < len(s.src) {
		c := s.src[i]
		switch {
		case c == '{' || c == ',' || isSpace(c):
			return i
		case c == '/' && (s.at(i+1) == '/' || s.at(i+1) == '*'):
			return i
		case c == '/' && !sawColon && i > start:
			return i
		case c == '"':
			i++
			for i < len(s.src) && s.src[i] != '"' && s.src[i] != '\n' {
				if s.src[i] == '\\' {
					i++
				}
				i++
			}
			i = min(i+1, len(s.src))
			continue
		case c == ':':
			sawColon = true
		}
		i++
	}
	return i
}

// scanCDefinition scans a C struct, union or enum definition starting at
// start: everything up to the matching '}', any __attribute__((...)) and an
// optional ';'. Comments inside are part of the definition.
func (s *scanner) scanCDefinition(start int) int {
	i := start
	depth := 0
	for i < len(s.src) {
		switch c := s.src[i]; {
		case c == '/' && s.at(i+1) == '/':
			for i < len(s.src) && s.src[i] != '\n' {
				i++
			}
			continue
		case c == '/' && s.at(i+1) == '*':
			i += 2
			for i < len(s.src) && !(s.src[i] == '*' && s.at(i+1) == '/') {
				i++
			}
			i = min(i+2, len(s.src))
			continue
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return s.cDefinitionTail(i + 1)
			}
		}
		i++
	}
	s.errorf(start, len(s.src), CodeExpected, "expected '}' to close the C definition")
	return len(s.src)
}

// cDefinitionTail extends a C definition ending at i over its attributes and
// its optional semicolon.
func (s *scanner) cDefinitionTail(i int) int {
	end := i
	for {
		j := s.layoutEnd(end)
		if !hasPrefixAt(s.src, j, "__attribute__") {
			break
		}
		j = s.layoutEnd(j + len("__attribute__"))
		close := balancedEnd(s.src, j, '(', ')')
		if close == j {
			s.errorf(j, j, CodeExpected, "expected '((' after __attribute__")
			break
		}
		end = close
	}
	if j := s.layoutEnd(end); s.at(j) == ';' {
		end = j + 1
	}
	return end
}

func hasPrefixAt(src []byte, i int, prefix string) bool {
	return i+len(prefix) <= len(src) && string(src[i:i+len(prefix)]) == prefix &&
		(i+len(prefix) == len(src) || !isIdentBody(src[i+len(prefix)]))
}

// balancedEnd returns the offset after the bracket that closes the one at i,
// or i when src[i] is not open.
func balancedEnd(src []byte, i int, open, close byte) int {
	if i >= len(src) || src[i] != open {
		return i
	}
	depth := 0
	for j := i; j < len(src); j++ {
		switch src[j] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(src)
}
