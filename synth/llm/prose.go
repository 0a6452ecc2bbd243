package llm

import (
	"regexp"
	"strings"
)

// probeProviders are bpftrace's probe types and their short aliases. A line
// starting with one of them and a colon is a probe header.
var probeProviders = map[string]bool{
	"kprobe": true, "k": true, "kretprobe": true, "kr": true,
	"uprobe": true, "u": true, "uretprobe": true, "ur": true,
	"tracepoint": true, "t": true, "rawtracepoint": true, "rt": true,
	"usdt": true, "U": true, "profile": true, "p": true,
	"interval": true, "i": true, "software": true, "s": true,
	"hardware": true, "h": true, "watchpoint": true, "w": true,
	"asyncwatchpoint": true, "aw": true, "kfunc": true, "kretfunc": true,
	"fentry": true, "f": true, "fexit": true, "fr": true,
	"iter": true, "it": true, "self": true, "bench": true,
}

var (
	// probeWord is the start of a probe header: BEGIN/END (begin/end since
	// bpftrace 0.24) or a provider and its colon.
	probeWord = regexp.MustCompile(`^(?:(BEGIN|END|begin|end)\b|([A-Za-z]+):)`)
	// declStart starts a top-level declaration other than a probe.
	declStart = regexp.MustCompile(`^(?:(?:struct|union|enum)\s+\w+\s*(?:\{|$)|config\s*=\s*\{|config\s*$|(?:macro|fn)\s+\w+\s*\(|import\s)`)
	// directive is a C preprocessor line or a shebang.
	directive = regexp.MustCompile(`^#(?:!|include\b|define\b|undef\b|ifn?def\b|if\b|elif\b|else\b|endif\b|pragma\b)`)
)

// isProbeHeader reports whether a trimmed line starts a probe header.
func isProbeHeader(t string) bool {
	m := probeWord.FindStringSubmatch(t)
	switch {
	case m == nil:
		return false
	case m[1] != "":
		rest := strings.TrimSpace(t[len(m[1]):])
		return rest == "" || strings.ContainsAny(rest[:1], "{,/")
	default:
		return probeProviders[m[2]]
	}
}

// opens reports whether the probe header on the line at ls has a body: a {
// on its line or on one of the next few lines, across blank lines, further
// attach points and a predicate.
func opens(text string, ls, limit int) bool {
	for k := 0; k < 8 && ls < limit; k++ {
		eol := endOfLine(text, ls, limit)
		line := text[ls:eol]
		if strings.Contains(line, "{") {
			return true
		}
		t := strings.TrimSpace(line)
		if k > 0 && t != "" && t[0] != '/' && t[0] != ',' && !isProbeHeader(t) {
			return false
		}
		ls = eol + 1
	}
	return false
}

// looksLikeProgram reports whether s holds a probe header with a body.
func looksLikeProgram(text string, s span) bool {
	for i := s.start; i < s.end; {
		eol := endOfLine(text, i, s.end)
		if isProbeHeader(strings.TrimLeft(text[i:eol], " \t")) && opens(text, i, s.end) {
			return true
		}
		i = eol + 1
	}
	return false
}

// startsProgram reports whether the line at ls begins a program: a probe
// header with a body, a bpftrace shebang, #include or #define, or a
// struct/union/enum, config, macro or fn declaration.
func startsProgram(text string, ls, limit int) bool {
	eol := endOfLine(text, ls, limit)
	t := strings.TrimLeft(text[ls:eol], " \t")
	switch {
	case strings.HasPrefix(t, "#!"):
		return strings.Contains(t, "bpftrace")
	case strings.HasPrefix(t, "#include"), strings.HasPrefix(t, "#define"):
		return true
	case declStart.MatchString(t):
		return strings.Contains(t, "{") || strings.Contains(t, "(") || nextLineOpens(text, eol, limit)
	}
	return isProbeHeader(t) && opens(text, ls, limit)
}

// nextLineOpens reports whether the first non-blank line after eol starts
// with {.
func nextLineOpens(text string, eol, limit int) bool {
	for i := eol + 1; i < limit; {
		e := endOfLine(text, i, limit)
		if t := strings.TrimSpace(text[i:e]); t != "" {
			return t[0] == '{'
		}
		i = e + 1
	}
	return false
}

// topLevel reports whether a line outside every block can belong to a
// program; the first line that cannot ends it.
func topLevel(t string) bool {
	t = strings.TrimSpace(t)
	switch {
	case t == "":
		return true
	case strings.ContainsRune("{}/,;", rune(t[0])):
		return true // braces, comments, predicates, continued attach points
	case t[0] == '#':
		return directive.MatchString(t)
	}
	return declStart.MatchString(t) || isProbeHeader(t)
}

// inProse finds programs written without fences in gap.
func inProse(text string, gap span) []span {
	var out []span
	for i := gap.start; i < gap.end; {
		start := nextStart(text, i, gap.end)
		if start < 0 {
			break
		}
		end := programEnd(text, start, gap.end)
		out = append(out, span{commentsAbove(text, start, gap.start), end})
		i = max(end, endOfLine(text, start, gap.end)+1)
	}
	return out
}

// nextStart returns the start of the first line at or after i that starts a
// program, or -1.
func nextStart(text string, i, limit int) int {
	for i < limit {
		if startsProgram(text, i, limit) {
			return i
		}
		i = endOfLine(text, i, limit) + 1
	}
	return -1
}

// commentsAbove extends a program's start over the // comment lines just
// above it, which describe it.
func commentsAbove(text string, start, floor int) int {
	for start > floor {
		prev := strings.LastIndexByte(text[floor:start-1], '\n') + 1 + floor
		if !strings.HasPrefix(strings.TrimSpace(text[prev:start-1]), "//") {
			break
		}
		start = prev
	}
	return start
}

// programEnd returns where the program starting at start ends: just past the
// last } that closes a top-level block before a line that cannot be part of
// a program, or limit when the text ends inside a block.
func programEnd(text string, start, limit int) int {
	sc := braceScanner{text: text, limit: limit}
	lastClose := -1
	for i := start; i < limit; {
		if sc.depth == 0 && !sc.inComment && (i == start || text[i-1] == '\n') {
			if !topLevel(text[i:endOfLine(text, i, limit)]) {
				return endOr(lastClose, i)
			}
		}
		var closed bool
		i, closed = sc.step(i)
		if closed {
			lastClose = i
		}
	}
	if sc.depth > 0 || sc.inComment {
		return limit
	}
	return endOr(lastClose, limit)
}

// endOr returns end, or fallback when end is unset.
func endOr(end, fallback int) int {
	if end < 0 {
		return fallback
	}
	return end
}

// braceScanner counts brace depth through bpftrace text, skipping strings
// and comments.
type braceScanner struct {
	text      string
	limit     int
	depth     int
	inComment bool // inside /* */
}

// step consumes the token at i and returns the next index, and whether the
// token was a } that closed a top-level block.
func (sc *braceScanner) step(i int) (int, bool) {
	text := sc.text
	next := byte(0)
	if i+1 < sc.limit {
		next = text[i+1]
	}
	switch c := text[i]; {
	case sc.inComment:
		if c == '*' && next == '/' {
			sc.inComment = false
			return i + 2, false
		}
	case c == '/' && next == '/':
		return endOfLine(text, i, sc.limit), false
	case c == '/' && next == '*':
		sc.inComment = true
		return i + 2, false
	case c == '"':
		return sc.skipString(i + 1), false
	case c == '{':
		sc.depth++
	case c == '}' && sc.depth > 0:
		sc.depth--
		return i + 1, sc.depth == 0
	}
	return i + 1, false
}

// skipString returns the index just past the string whose body starts at
// i. A string ends at its closing quote or, unterminated, at the line's end,
// so that a stray quote cannot swallow the rest of the reply.
func (sc *braceScanner) skipString(i int) int {
	for i < sc.limit {
		switch sc.text[i] {
		case '\\':
			i += 2
			continue
		case '"':
			return i + 1
		case '\n':
			return i
		}
		i++
	}
	return sc.limit
}
