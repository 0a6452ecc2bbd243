package lsp

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// This file answers textDocument/foldingRange: blocks, multi-line
// comments and runs of // lines, runs of #include and import lines, and C
// definitions. Ranges are whole lines, which every client supports.

func init() {
	handleRequest("textDocument/foldingRange", (*Server).foldingRange)
}

func (s *Server) foldingRange(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.FoldingRangeParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	return foldingRanges(d.file, d.result.AST), nil
}

// folds collects folding ranges of one file.
type folds struct {
	f   *source.File
	out []protocol.FoldingRange
}

// add records a fold of the lines start..end; a fold of one line hides
// nothing and is dropped.
func (fs *folds) add(start, end int, kind protocol.FoldingRangeKind) {
	if end > start {
		fs.out = append(fs.out, protocol.FoldingRange{StartLine: uint32(start), EndLine: uint32(end), Kind: kind})
	}
}

func (fs *folds) line(p syntax.Pos) int { return fs.f.Line(int(p)) }

// foldingRanges returns the folds of file, outer ones first.
func foldingRanges(f *source.File, file *syntax.File) []protocol.FoldingRange {
	fs := &folds{f: f, out: []protocol.FoldingRange{}}
	fs.blocks(file)
	fs.comments(file.Comments)
	fs.imports(file.Decls)
	sort.SliceStable(fs.out, func(i, j int) bool {
		a, b := fs.out[i], fs.out[j]
		return a.StartLine < b.StartLine || a.StartLine == b.StartLine && a.EndLine > b.EndLine
	})
	return fs.out
}

// blocks folds every block from the line where its construct starts (the
// probe's attach point, the if or while keyword) to the line before its
// closing brace, which stays visible as in most editors.
func (fs *folds) blocks(file *syntax.File) {
	owner := make(map[*syntax.Block]syntax.Pos)
	syntax.InspectFile(file, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Block:
			start, ok := owner[n]
			if !ok {
				start = n.Lbrace
			}
			fs.add(fs.line(start), fs.closeLine(n.Rbrace, n.Closed), "")
		case *syntax.Config:
			fs.add(fs.line(n.Keyword), fs.closeLine(n.Rbrace, n.Closed), "")
		case *syntax.CDefinition:
			fs.cDefinition(n)
		default:
			if b := ownedBlock(n); b != nil {
				owner[b] = n.Pos()
			}
		}
		return true
	})
}

// ownedBlock returns the body of a construct whose fold starts at the
// construct rather than at its brace. An else block folds from its own
// brace, as the keyword shares a line with the closing brace before it.
func ownedBlock(n syntax.Node) *syntax.Block {
	switch n := n.(type) {
	case *syntax.Probe:
		return n.Body
	case *syntax.Macro:
		return n.Body
	case *syntax.Func:
		return n.Body
	case *syntax.IfExpr:
		return n.Then
	case *syntax.WhileStmt:
		return n.Body
	case *syntax.UnrollStmt:
		return n.Body
	case *syntax.ForStmt:
		return n.Body
	}
	return nil
}

// closeLine is the last line a block's fold hides: the one before its
// closing brace, or the block's last line when the brace is missing.
func (fs *folds) closeLine(rbrace syntax.Pos, closed bool) int {
	if closed {
		return fs.line(rbrace) - 1
	}
	return fs.line(rbrace)
}

// cDefinition folds a C struct, union or enum body.
func (fs *folds) cDefinition(d *syntax.CDefinition) {
	end := d.End()
	if i := strings.LastIndexByte(d.Text, '}'); i >= 0 {
		end = d.Start + syntax.Pos(i)
		fs.add(fs.line(d.Start), fs.line(end)-1, "")
		return
	}
	fs.add(fs.line(d.Start), fs.line(end), "")
}

// comments folds each multi-line /* */ comment, and each run of // lines
// that hold nothing but the comment.
func (fs *folds) comments(cs []*syntax.Comment) {
	runStart, runEnd := -1, -1
	flush := func() {
		fs.add(runStart, runEnd, protocol.CommentFoldingRange)
		runStart, runEnd = -1, -1
	}
	for _, c := range cs {
		start, end := fs.line(c.Start), fs.line(c.Start+syntax.Pos(len(c.Text))-1)
		if !strings.HasPrefix(c.Text, "//") || !fs.aloneOnLine(c) {
			flush()
			fs.add(start, end, protocol.CommentFoldingRange)
			continue
		}
		if start != runEnd+1 || runStart < 0 {
			flush()
			runStart = start
		}
		runEnd = start
	}
	flush()
}

// aloneOnLine reports whether only white space precedes c on its line, so
// that a comment after code does not join the run below it.
func (fs *folds) aloneOnLine(c *syntax.Comment) bool {
	lineStart := fs.f.LineStart(fs.line(c.Start))
	return strings.TrimSpace(string(fs.f.Text[lineStart:c.Start])) == ""
}

// imports folds runs of #include lines and import statements on
// consecutive lines.
func (fs *folds) imports(decls []syntax.Decl) {
	runStart, runEnd := -1, -1
	for _, d := range decls {
		if !isImport(d) {
			fs.add(runStart, runEnd, protocol.ImportsFoldingRange)
			runStart, runEnd = -1, -1
			continue
		}
		start := fs.line(d.Pos())
		if runStart < 0 || start != runEnd+1 {
			fs.add(runStart, runEnd, protocol.ImportsFoldingRange)
			runStart = start
		}
		runEnd = fs.line(d.End())
	}
	fs.add(runStart, runEnd, protocol.ImportsFoldingRange)
}

// isImport reports whether d brings in other code.
func isImport(d syntax.Decl) bool {
	switch d := d.(type) {
	case *syntax.Import:
		return true
	case *syntax.Directive:
		return strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(d.Text, "#")), "include")
	}
	return false
}
