package eval

import "github.com/kenlsp/ken/analysis/syntax"

// readMode says what reading a map inside an expression contributes to its
// atoms.
type readMode int

const (
	// valuesOnly: a map read stands for the values stored in the map; the
	// key it is read with is a lookup, not part of the value.
	valuesOnly readMode = iota
	// keysAndValues: a map read stands for its key and its values, as in a
	// condition such as /@traced[pid]/, which tests pid.
	keysAndValues
)

// closure returns the atoms of the roots, following each scratch variable
// to every value assigned to it in its scope and each map read to every
// value assigned to the map anywhere. Each variable and map is followed
// once, so the cost is linear in the size of the program.
func (fs *facts) closure(roots []scoped, mode readMode) atomSet {
	set := atomSet{}
	seenVar := map[varKey]bool{}
	seenMap := map[string]bool{}
	queue := append([]scoped(nil), roots...)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		syntax.Inspect(s.x, func(n syntax.Node) bool {
			if a, ok := nodeAtom(n); ok {
				set[a] = true
			}
			switch n := n.(type) {
			case *syntax.Variable:
				k := varKey{s.scope, n.Name}
				if !seenVar[k] {
					seenVar[k] = true
					queue = append(queue, fs.vars[k]...)
				}
			case *syntax.MapExpr:
				if !seenMap[n.Name] {
					seenMap[n.Name] = true
					if m := fs.maps[n.Name]; m != nil {
						queue = append(queue, m.values...)
					}
				}
				return mode == keysAndValues
			}
			return true
		})
	}
	return set
}

// outputRoots returns the expressions whose values the program prints:
// printf and print arguments, and the keys and values of printed maps.
func (fs *facts) outputRoots() []scoped {
	roots := append([]scoped(nil), fs.outputs...)
	for _, m := range fs.printedMaps() {
		roots = append(roots, m.keys...)
		roots = append(roots, m.values...)
	}
	return roots
}

// keyRoots returns the key expressions of printed maps.
func (fs *facts) keyRoots() []scoped {
	var roots []scoped
	for _, m := range fs.printedMaps() {
		roots = append(roots, m.keys...)
	}
	return roots
}

// valueRoots returns what is printed as a value: printf and print
// arguments and the values of printed maps.
func (fs *facts) valueRoots() []scoped {
	roots := append([]scoped(nil), fs.outputs...)
	for _, m := range fs.printedMaps() {
		roots = append(roots, m.values...)
	}
	return roots
}
