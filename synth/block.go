package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// How ken marks what it generated in a file. A prompt is a run of line
// comments outside any probe; ken puts the program right after it,
// between a begin marker and an end marker. The begin marker records a
// digest of what was generated, so that regeneration can tell whether the
// person edited the block since: ken replaces only an unedited block, and
// never touches text outside the markers.
//
//	// count TCP retransmits per remote address
//	// ken: generated sha=1a2b3c4d5e6f from examples (007-tcp-retransmits); checked: parse, semantic, symbolic
//	tracepoint:tcp:tcp_retransmit_skb { ... }
//	// ken: end of generated code
const (
	beginMarker = "// ken: generated"
	endMarker   = "// ken: end of generated code"
	annotation  = "//@"
)

// Prompt is a prompt comment found in a file, and the block ken generated
// for it, if there is one.
type Prompt struct {
	// Text is the comment's words, one line per comment line.
	Text string
	// Span covers the comment lines, up to the end of the last one.
	Span source.Span
	// Block is the generated block after the comment; nil when there is
	// none.
	Block *Block
}

// Block is a generated block: the markers and what lies between them.
type Block struct {
	// Span covers the begin marker to the end of the end marker's line.
	Span source.Span
	// Program is the text between the markers.
	Program string
	// Edited is set when Program no longer matches the digest in the
	// begin marker: someone changed it by hand.
	Edited bool
}

// FindPrompt returns the prompt comment that covers offset, or that
// precedes the generated block covering it. ok is false when offset is in
// no prompt: inside a probe, in an annotation, or in code.
func FindPrompt(f *source.File, ast *syntax.File, offset int) (Prompt, bool) {
	for _, p := range Prompts(f, ast) {
		inBlock := p.Block != nil && p.Block.Span.Start <= offset && offset <= p.Block.Span.End
		if (p.Span.Start <= offset && offset <= p.Span.End) || inBlock {
			return p, true
		}
	}
	return Prompt{}, false
}

// Prompts lists every prompt comment of a file, in order. Comments inside
// a generated block are the program's, not prompts.
func Prompts(f *source.File, ast *syntax.File) []Prompt {
	var out []Prompt
	blockEnd := -1
	for _, run := range commentRuns(f, ast) {
		if run.span.Start < blockEnd {
			continue
		}
		if p := run.prompt(f); p.Text != "" {
			out = append(out, p)
			if p.Block != nil {
				blockEnd = p.Block.Span.End
			}
		}
	}
	return out
}

// commentRun is consecutive line comments, each alone on its line, outside
// every declaration.
type commentRun struct {
	span  source.Span
	lines []string
}

func commentRuns(f *source.File, ast *syntax.File) []commentRun {
	var runs []commentRun
	lastLine := -2
	for _, c := range ast.Comments {
		if !strings.HasPrefix(c.Text, "//") || insideDecl(ast, int(c.Start)) || !aloneOnLine(f, int(c.Start)) {
			lastLine = -2
			continue
		}
		line := f.Line(int(c.Start))
		end := int(c.Start) + len(c.Text)
		if line == lastLine+1 && len(runs) > 0 {
			r := &runs[len(runs)-1]
			r.span.End = end
			r.lines = append(r.lines, c.Text)
		} else {
			runs = append(runs, commentRun{span: source.Span{Start: int(c.Start), End: end}, lines: []string{c.Text}})
		}
		lastLine = line
	}
	return runs
}

// prompt reads a comment run as a prompt: marker lines end it, and the
// block they open is found.
func (r commentRun) prompt(f *source.File) Prompt {
	p := Prompt{Span: r.span}
	var words []string
	for i, line := range r.lines {
		if strings.HasPrefix(line, beginMarker) || strings.HasPrefix(line, endMarker) || strings.HasPrefix(line, annotation) {
			if i == 0 {
				return Prompt{}
			}
			break
		}
		words = append(words, strings.TrimSpace(strings.TrimPrefix(line, "//")))
		p.Span.End = lineEndOf(f, r.span.Start, i)
	}
	p.Text = strings.TrimSpace(strings.Join(words, "\n"))
	p.Block = findBlock(f, p.Span.End)
	return p
}

// lineEndOf is the end of the i-th line of a run starting at start.
func lineEndOf(f *source.File, start, i int) int {
	return f.LineEnd(f.Line(start) + i)
}

// findBlock finds a generated block whose begin marker is the line after
// the prompt's last line.
func findBlock(f *source.File, promptEnd int) *Block {
	next := f.Line(promptEnd) + 1
	if next >= f.LineCount() {
		return nil
	}
	begin := f.LineStart(next)
	text := string(f.Text[begin:])
	if !strings.HasPrefix(text, beginMarker) {
		return nil
	}
	header, rest, _ := strings.Cut(text, "\n")
	idx := strings.Index("\n"+rest, "\n"+endMarker)
	if idx < 0 {
		return nil
	}
	program := rest[:idx]
	end := begin + len(header) + 1 + idx + len(endMarker)
	return &Block{Span: source.Span{Start: begin, End: end}, Program: program, Edited: digestOf(header) != digest(program)}
}

// digestOf reads sha=... from a begin marker.
func digestOf(header string) string {
	for _, field := range strings.Fields(header) {
		if d, ok := strings.CutPrefix(field, "sha="); ok {
			return d
		}
	}
	return ""
}

// digest is a short digest of a generated program, line endings ignored.
func digest(program string) string {
	sum := sha256.Sum256([]byte(strings.ReplaceAll(strings.TrimRight(program, "\n"), "\r\n", "\n")))
	return hex.EncodeToString(sum[:6])
}

// insideDecl reports whether offset lies within a declaration (a probe, a
// struct, a macro), where comments are code's, not prompts.
func insideDecl(ast *syntax.File, offset int) bool {
	for _, d := range ast.Decls {
		if int(d.Pos()) <= offset && offset < int(d.End()) {
			return true
		}
	}
	return false
}

// aloneOnLine reports whether only blanks precede offset on its line.
func aloneOnLine(f *source.File, offset int) bool {
	start := f.LineStart(f.Line(offset))
	return strings.TrimSpace(string(f.Text[start:offset])) == ""
}

// Render is the generated block for a program: markers around it, the
// begin marker saying where it came from and what checked it.
func Render(program, origin string, checked []string) string {
	program = strings.TrimRight(program, "\n") + "\n"
	header := fmt.Sprintf("%s sha=%s from %s", beginMarker, digest(program), origin)
	if len(checked) > 0 {
		header += "; checked: " + strings.Join(checked, ", ")
	}
	return header + "\n" + program + endMarker
}

// Edit is a replacement of a span of a file's text.
type Edit struct {
	Span    source.Span
	NewText string
}

// Place returns the edit that puts block after the prompt: it replaces the
// prompt's unedited block, or inserts a new one on the line after the
// prompt. It fails when the existing block was edited by hand, since
// replacing it would lose that work.
func (p Prompt) Place(block string) (Edit, error) {
	if p.Block != nil {
		if p.Block.Edited {
			return Edit{}, fmt.Errorf("the generated code below this comment was edited by hand; ken does not overwrite it: delete the block (from %q to %q) or undo the edits, then ask again", beginMarker, endMarker)
		}
		return Edit{Span: p.Block.Span, NewText: block}, nil
	}
	return Edit{Span: source.Span{Start: p.Span.End, End: p.Span.End}, NewText: "\n" + block}, nil
}
