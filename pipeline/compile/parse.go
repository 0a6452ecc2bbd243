package compile

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

// Source is the Source of every diagnostic this stage reports.
const Source = "bpftrace"

// Codes of the diagnostics this stage reports. They depend only on what
// bpftrace said, never on its wording, so that suppressions keep working
// across bpftrace releases.
const (
	CodeError   = "bpftrace/error"   // an ERROR, or a compiler error from clang or LLVM
	CodeWarning = "bpftrace/warning" // a WARNING
	CodeHint    = "bpftrace/hint"    // a HINT with no message before it to refine
	CodeBug     = "bpftrace/bug"     // bpftrace reported an internal BUG
	CodeOutput  = "bpftrace/output"  // text in no format ken knows, kept so that nothing is lost
	CodeNotRun  = "bpftrace/not-run" // the note saying why the stage did not run
)

var (
	// locatedLine is bpftrace's own located message: FILE:LINE:COL-COL or
	// FILE:LINE-LINE, a level, and the message.
	locatedLine = regexp.MustCompile(`^(.*?):(\d+)(?::(\d+)-(\d+)|-(\d+)): (ERROR|WARNING|HINT|BUG): ?(.*)$`)
	// bareLine is bpftrace's message without a location.
	bareLine = regexp.MustCompile(`^(ERROR|WARNING|HINT|BUG): ?(.*)$`)
	// clangLine is a clang or LLVM diagnostic with a location, as bpftrace
	// passes them on for C definitions and headers.
	clangLine = regexp.MustCompile(`^(.+?):(\d+):(\d+): (fatal error|error|warning|note): (.*)$`)
	// clangBareLine is an LLVM error without a usable location; LLVM puts
	// "<unknown>:0:0: " at the start of the message.
	clangBareLine = regexp.MustCompile(`^(fatal error|error|warning|note): (?:<unknown>:0:0: )?(.*)$`)
	// markerLine underlines a span: bpftrace's '~' or clang's '^~~'.
	markerLine = regexp.MustCompile(`^\s*(?:~+|\^~*)\s*$`)
	// includeLine is a preprocessor #include and the name it includes.
	includeLine = regexp.MustCompile(`^\s*#\s*include\s*[<"]([^>"]+)[>"]`)
	// notFound is clang's message for an #include it cannot find.
	notFound = regexp.MustCompile(`'([^']+)' file not found`)
	// colour is an ANSI colour sequence, which bpftrace writes when it
	// believes it talks to a terminal.
	colour = regexp.MustCompile("\x1b\\[[0-9;]*m")
)

// noise reports whether line says something about bpftrace's environment
// or its own logging rather than about the program. Such lines stay in
// Result.Output but make no diagnostic: 0.17 prints the RLIMIT_MEMLOCK one
// as an ERROR on every successful compile, which would otherwise make ken
// reject every program.
func noise(line string) bool {
	return strings.Contains(line, "couldn't set RLIMIT_MEMLOCK") ||
		strings.HasPrefix(line, "Log: ") // "Log: cannot resolve location before calling set_source()."
}

// item is one diagnostic with what the parser knows about its position.
type item struct {
	diag.Diagnostic
	// placed is true when the span is where bpftrace said the problem is,
	// false when bpftrace gave no position in this file.
	placed bool
	// more holds the continuation lines of the message and of each Related
	// entry, joined once at the end rather than line by line.
	more    []string
	relMore [][]string
}

// finish joins the continuation lines into the messages.
func (it *item) finish() {
	if len(it.more) > 0 {
		it.Message += "\n" + strings.Join(it.more, "\n")
	}
	for i, more := range it.relMore {
		if len(more) > 0 {
			it.Related[i].Message += "\n" + strings.Join(more, "\n")
		}
	}
	it.more, it.relMore = nil, nil
}

// parser turns bpftrace's output into items, one line at a time.
type parser struct {
	f     *source.File
	path  string // the program's path as bpftrace was given it
	base  string // its base name; wrappers that copy the file keep only that
	items []item
	// cur is the index of the item that continuation lines extend, or -1;
	// rel is the index of its Related entry that they extend, or -1 for
	// the message itself.
	cur, rel int
	orphans  []string // lines that belong to no diagnostic

	// Computed on first use: the fallback span and the #include lines,
	// which every unplaced message would otherwise search for anew.
	fallbackSpan *source.Span
	includes     []include
	scanned      bool
}

// include is one #include line of the program.
type include struct {
	name string // what it includes, as written between <> or ""
	span source.Span
}

// Parse turns the output of bpftrace compiling the program f, which
// bpftrace was given as the file path, into diagnostics at spans of f.
// Messages bpftrace places in path (or in any file with its base name, as
// wrappers that copy the file into a chroot report it) get the exact span
// it names; messages about other files go to the #include that brings them
// in, or to the start of f, with bpftrace's location in the message. Hints
// and clang notes become Related entries of the message they refine. Text
// in no known shape becomes an Info diagnostic with code CodeOutput, so
// that nothing bpftrace said is lost. Parse never panics, and every span
// lies inside f.
func Parse(f *source.File, path string, output []byte) []diag.Diagnostic {
	items, orphans := parse(f, path, output)
	if len(orphans) > 0 {
		items = append(items, unplaced(f, diag.Info, CodeOutput, "bpftrace printed: "+strings.Join(orphans, "\n")))
	}
	return diagnostics(items)
}

// parse is Parse without the final treatment of orphan lines, which the
// caller decides with the exit status in hand.
func parse(f *source.File, path string, output []byte) ([]item, []string) {
	p := &parser{f: f, path: path, base: filepath.Base(path), cur: -1, rel: -1}
	text := colour.ReplaceAllString(string(output), "")
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		i += p.line(lines, i)
	}
	for i := range p.items {
		p.items[i].finish()
	}
	return dedupe(p.items), p.orphans
}

// line handles lines[i] and returns how many of the following lines it
// consumed as well (the echoed source and its marker).
func (p *parser) line(lines []string, i int) int {
	line := strings.TrimRight(lines[i], " \t\r")
	switch {
	case strings.TrimSpace(line) == "", markerLine.MatchString(line):
		return 0
	case noise(line):
		p.cur, p.rel = -1, -1
		return 0
	}
	if m := locatedLine.FindStringSubmatch(line); m != nil {
		return p.located(m, lines[i+1:])
	}
	if m := bareLine.FindStringSubmatch(line); m != nil {
		p.add(m[1], m[2], p.fallback(), false, noPosition)
		return 0
	}
	if m := clangLine.FindStringSubmatch(line); m != nil {
		p.clang(m)
		return 0
	}
	if m := clangBareLine.FindStringSubmatch(line); m != nil {
		p.add(clangLevel(m[1]), m[2], p.fallback(), false, noPosition)
		return 0
	}
	// A line followed by a marker is an echo of source that ken cannot
	// match, such as a line of another file.
	if i+1 < len(lines) && markerLine.MatchString(lines[i+1]) {
		return 1
	}
	p.continuation(line)
	return 0
}

// located handles bpftrace's "FILE:LINE:COL-COL: LEVEL: message" (or
// FILE:LINE-LINE) and skips the echo of the source that follows it.
func (p *parser) located(m []string, rest []string) int {
	file, level, msg := m[1], m[6], m[7]
	line1, ok1 := number(m[2])
	col1, col2, line2 := 0, 0, line1
	ok2 := true
	if m[5] != "" {
		line2, ok2 = number(m[5])
	} else {
		var okA, okB bool
		col1, okA = number(m[3])
		col2, okB = number(m[4])
		ok2 = okA && okB
	}
	if !ok1 || !ok2 {
		p.add(level, msg, p.fallback(), false, " (bpftrace gave an unreadable position)")
		return 0
	}
	where := file + ":" + m[2] + "-" + m[5]
	if m[5] == "" {
		where = file + ":" + m[2] + ":" + m[3] + "-" + m[4]
	}
	if !p.isProgram(file) {
		span, note, placed := p.elsewhere(file, msg, where)
		p.add(level, msg, span, placed, note)
		return p.skipEcho(rest, 0, 0)
	}
	span, ok := p.span(line1, col1, line2, col2)
	if !ok {
		p.add(level, msg, span, false, fmt.Sprintf(" (bpftrace gave line %d, which this file does not have)", line1))
		return p.skipEcho(rest, 0, 0)
	}
	p.add(level, msg, span, true, "")
	return p.skipEcho(rest, line1, line2)
}

// clang handles "FILE:LINE:COL: error: message" from clang, which bpftrace
// prints for its generated definitions.h and for included headers.
func (p *parser) clang(m []string) {
	file, level, msg := m[1], clangLevel(m[4]), m[5]
	where := file + ":" + m[2] + ":" + m[3]
	if !p.isProgram(file) {
		span, note, placed := p.elsewhere(file, msg, where)
		p.add(level, msg, span, placed, note)
		return
	}
	line, ok1 := number(m[2])
	col, ok2 := number(m[3])
	span, ok := p.span(line, col, line, col+1)
	if !ok1 || !ok2 || !ok {
		p.add(level, msg, p.fallback(), false, " (at "+where+")")
		return
	}
	p.add(level, msg, span, true, "")
}

// clangLevel maps clang's severity words to bpftrace's levels.
func clangLevel(s string) string {
	switch s {
	case "warning":
		return "WARNING"
	case "note":
		return "NOTE"
	}
	return "ERROR"
}

// noPosition ends the message of a diagnostic bpftrace gave no position.
const noPosition = " (bpftrace gave no position)"

// add records one message. Hints and notes refine the message before them;
// without one they stand alone. note is appended to the message to say
// where bpftrace put it when that is not the span.
func (p *parser) add(level, msg string, span source.Span, placed bool, note string) {
	if strings.TrimSpace(msg) == "" {
		msg = "(bpftrace printed no message)"
	}
	if level == "HINT" || level == "NOTE" {
		if note == noPosition {
			note = "" // the norm for hints: they refine the message before them
		}
		msg = strings.TrimSpace(msg) + note
		prefix := strings.ToLower(level) + ": "
		if p.cur >= 0 {
			d := &p.items[p.cur]
			if !placed {
				span = d.Span
			}
			d.Related = append(d.Related, diag.Related{Span: span, Message: prefix + msg})
			d.relMore = append(d.relMore, nil)
			p.rel = len(d.Related) - 1
			return
		}
		p.push(item{Diagnostic: diag.Diagnostic{Span: span, Severity: diag.Hint, Code: CodeHint, Message: prefix + msg, Source: Source}, placed: placed})
		return
	}
	msg = strings.TrimSpace(msg) + note
	d := diag.Diagnostic{Span: span, Severity: diag.Error, Code: CodeError, Message: msg, Source: Source}
	switch level {
	case "WARNING":
		d.Severity, d.Code = diag.Warning, CodeWarning
	case "BUG":
		d.Code, d.Message = CodeBug, "bpftrace bug: "+msg
	}
	p.push(item{Diagnostic: d, placed: placed})
}

func (p *parser) push(it item) {
	p.items = append(p.items, it)
	p.cur, p.rel = len(p.items)-1, -1
}

// continuation adds a line of a multi-line message to the message or hint
// it continues, or keeps it as an orphan.
func (p *parser) continuation(line string) {
	if p.cur < 0 {
		p.orphans = append(p.orphans, line)
		return
	}
	it := &p.items[p.cur]
	if p.rel >= 0 {
		it.relMore[p.rel] = append(it.relMore[p.rel], line)
		return
	}
	it.more = append(it.more, line)
}

// isProgram reports whether bpftrace's file name is the program's copy.
func (p *parser) isProgram(file string) bool {
	return file == p.path || (file != "" && filepath.Base(file) == p.base)
}

// number reads a line or column number; absurd values count as unreadable
// so that no arithmetic on them can overflow.
func number(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n < 1<<30
}

// span converts bpftrace's 1-based lines and 1-based, end-exclusive byte
// columns into a span of f. A location over several lines covers their
// text without the surrounding indentation, and so does a location with
// no columns (LINE-LINE with one line). ok is false when the line is
// not in f; the span is then the fallback.
func (p *parser) span(line1, col1, line2, col2 int) (source.Span, bool) {
	if line1 < 1 || line1 > p.f.LineCount() {
		return p.fallback(), false
	}
	if line2 != line1 || col1 == 0 && col2 == 0 {
		line2 = min(max(line2, line1), p.f.LineCount())
		start, _ := p.trimmedLine(line1 - 1)
		_, end := p.trimmedLine(line2 - 1)
		return source.Span{Start: start, End: max(start, end)}, true
	}
	lo, hi := p.f.LineStart(line1-1), p.f.LineEnd(line1-1)
	start := min(lo+max(col1, 1)-1, hi)
	end := min(max(lo+col2-1, start), hi)
	return source.Span{Start: start, End: end}, true
}

// trimmedLine returns the offsets of the first and just past the last
// non-blank byte of the 0-based line, or its start twice when it is blank.
func (p *parser) trimmedLine(line int) (int, int) {
	lo, hi := p.f.LineStart(line), p.f.LineEnd(line)
	text := p.f.Text[lo:hi]
	start := len(text) - len(strings.TrimLeft(string(text), " \t\r"))
	end := len(strings.TrimRight(string(text), " \t\r"))
	if end <= start {
		return lo, lo
	}
	return lo + start, lo + end
}

// fallback is where messages without a position in f go: the first line
// with text, so that an editor shows them where a reader starts.
func (p *parser) fallback() source.Span {
	if p.fallbackSpan == nil {
		p.fallbackSpan = &source.Span{}
		for line := range p.f.LineCount() {
			if start, end := p.trimmedLine(line); end > start {
				*p.fallbackSpan = source.Span{Start: start, End: end}
				break
			}
		}
	}
	return *p.fallbackSpan
}

// includeLines returns the program's #include lines.
func (p *parser) includeLines() []include {
	if !p.scanned {
		p.scanned = true
		for line := range p.f.LineCount() {
			m := includeLine.FindSubmatch(p.f.Text[p.f.LineStart(line):p.f.LineEnd(line)])
			if m != nil {
				start, end := p.trimmedLine(line)
				p.includes = append(p.includes, include{name: string(m[1]), span: source.Span{Start: start, End: end}})
			}
		}
	}
	return p.includes
}

// elsewhere places a message about another file: on the #include of that
// file (or of the header clang could not find), else at the fallback. The
// returned note tells the reader where bpftrace really put it; placed is
// true when the message landed on an #include.
func (p *parser) elsewhere(file, msg, where string) (span source.Span, note string, placed bool) {
	note = " (at " + where + ")"
	if filepath.Base(file) == "definitions.h" {
		note = " (at " + where + " in the C definitions bpftrace generates from this file's #include lines and types)"
	}
	want := file
	if m := notFound.FindStringSubmatch(msg); m != nil {
		want = m[1]
	}
	for _, inc := range p.includeLines() {
		if want == inc.name || strings.HasSuffix(want, "/"+inc.name) {
			return inc.span, note, true
		}
	}
	return p.fallback(), note, false
}

// echoes reports whether got is how bpftrace echoes the 1-based line of
// the program: its text with tabs widened to four spaces.
func (p *parser) echoes(got string, line int) bool {
	text := string(p.f.Text[p.f.LineStart(line-1):p.f.LineEnd(line-1)])
	return strings.TrimRight(got, "\r") == strings.ReplaceAll(strings.TrimRight(text, "\r"), "\t", "    ")
}

// skipEcho counts the lines at the start of rest that echo the source:
// lines line1 to line2 of the program in order (none when line1 is 0),
// then a marker line. When the echo is not the expected text (a line of
// another file), a line followed by a marker is taken as the echo.
func (p *parser) skipEcho(rest []string, line1, line2 int) int {
	n := 0
	for line1 > 0 && n < len(rest) && line1+n <= min(line2, p.f.LineCount()) && p.echoes(rest[n], line1+n) {
		n++
	}
	if n == 0 && len(rest) > 1 && markerLine.MatchString(rest[1]) && !isMessage(rest[0]) {
		return 2
	}
	if n < len(rest) && markerLine.MatchString(rest[n]) {
		n++
	}
	return n
}

// isMessage reports whether line starts a message of its own, and so
// cannot be an echo of source.
func isMessage(line string) bool {
	line = strings.TrimRight(line, " \t\r")
	return locatedLine.MatchString(line) || bareLine.MatchString(line) ||
		clangLine.MatchString(line) || clangBareLine.MatchString(line)
}

// unplaced makes an item at the fallback span.
func unplaced(f *source.File, sev diag.Severity, code, msg string) item {
	p := &parser{f: f}
	return item{Diagnostic: diag.Diagnostic{Span: p.fallback(), Severity: sev, Code: code, Message: msg, Source: Source}}
}

// dedupe drops repeated messages, keeping any hint only a repeat had:
// bpftrace prints some errors twice when two passes find them.
func dedupe(items []item) []item {
	type key struct {
		span source.Span
		sev  diag.Severity
		msg  string
	}
	first := make(map[key]int, len(items))
	out := items[:0]
	for _, it := range items {
		k := key{it.Span, it.Severity, it.Message}
		i, seen := first[k]
		if !seen {
			first[k] = len(out)
			out = append(out, it)
			continue
		}
		for _, r := range it.Related {
			if !slices.Contains(out[i].Related, r) {
				out[i].Related = append(out[i].Related, r)
			}
		}
	}
	return out
}

// diagnostics returns the items' diagnostics, sorted.
func diagnostics(items []item) []diag.Diagnostic {
	ds := make([]diag.Diagnostic, len(items))
	for i, it := range items {
		ds[i] = it.Diagnostic
	}
	diag.Sort(ds)
	return ds
}
