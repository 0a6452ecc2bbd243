package syntax

import (
	"fmt"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

// checkInvariants returns the first violation of the properties every parse
// must have, whatever the input: spans inside the text, End >= Pos,
// children inside their parents, declarations in order, diagnostics inside
// the text.
func checkInvariants(file *File, diags []diag.Diagnostic, size int) error {
	var err error
	for _, d := range file.Decls {
		if err == nil {
			err = checkNode(d, nil, size)
		}
	}
	for i := 1; i < len(file.Decls) && err == nil; i++ {
		if file.Decls[i].Pos() < file.Decls[i-1].End() {
			err = fmt.Errorf("declaration %d starts at %d before the previous one ends at %d", i, file.Decls[i].Pos(), file.Decls[i-1].End())
		}
	}
	for _, d := range diags {
		if d.Span.Start < 0 || d.Span.End < d.Span.Start || d.Span.End > size {
			return fmt.Errorf("diagnostic %q has span %v outside [0,%d]", d.Message, d.Span, size)
		}
	}
	return err
}

// checkNode checks n's span against the text and its parent, then its
// children.
func checkNode(n, parent Node, size int) error {
	if n.Pos() < 0 || n.End() < n.Pos() || int(n.End()) > size {
		return fmt.Errorf("%T has span [%d,%d) outside [0,%d]", n, n.Pos(), n.End(), size)
	}
	if parent != nil && (n.Pos() < parent.Pos() || n.End() > parent.End()) {
		return fmt.Errorf("%T [%d,%d) sticks out of its parent %T [%d,%d)", n, n.Pos(), n.End(), parent, parent.Pos(), parent.End())
	}
	var err error
	forEachChild(n, func(c Node) {
		if err == nil {
			err = checkNode(c, n, size)
		}
	})
	return err
}

// parseString is a test shorthand.
func parseString(text string) (*File, []diag.Diagnostic) {
	return Parse(source.NewFile("test.bt", []byte(text)))
}
