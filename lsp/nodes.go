package lsp

import (
	"github.com/kenlsp/ken/analysis/syntax"
)

// enclosing returns the nodes of file that contain offset, outermost
// first: a declaration, then statements and expressions down to the
// innermost node. An offset at a node's end counts as inside it, so that
// a cursor just after a name still finds the name.
func enclosing(file *syntax.File, offset int) []syntax.Node {
	var path []syntax.Node
	for _, d := range file.Decls {
		if !touches(d, offset) {
			continue
		}
		syntax.Inspect(d, func(n syntax.Node) bool {
			if !touches(n, offset) {
				return false
			}
			path = append(path, n)
			return true
		})
		break
	}
	return path
}

// touches reports whether offset lies in [n.Pos(), n.End()].
func touches(n syntax.Node, offset int) bool {
	return int(n.Pos()) <= offset && offset <= int(n.End())
}

// innermost returns the deepest node of path, or nil.
func innermost(path []syntax.Node) syntax.Node {
	if len(path) == 0 {
		return nil
	}
	return path[len(path)-1]
}

// probeOf returns the probe in path, or nil when the offset is outside
// every probe.
func probeOf(path []syntax.Node) *syntax.Probe {
	for _, n := range path {
		if p, ok := n.(*syntax.Probe); ok {
			return p
		}
	}
	return nil
}
