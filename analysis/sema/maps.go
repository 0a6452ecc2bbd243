package sema

import (
	"regexp"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/syntax"
)

// cDefinitionName finds the struct, union and enum names a C definition
// block introduces.
var cDefinitionName = regexp.MustCompile(`\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*\{`)

// cTypedefName finds the names C typedefs introduce.
var cTypedefName = regexp.MustCompile(`\btypedef\b[^;]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*;`)

// collectTopLevel records what the whole file declares before any probe is
// checked: #defines, C definitions, macros and fns, and which maps are
// written anywhere (bpftrace rejects reading a map nothing writes).
func (c *checker) collectTopLevel() {
	for _, d := range c.file.Decls {
		switch d := d.(type) {
		case *syntax.Directive:
			c.directive(d)
		case *syntax.CDefinition:
			for _, m := range cDefinitionName.FindAllStringSubmatch(d.Text, -1) {
				c.cTypes[m[1]+" "+m[2]] = true
			}
			for name, rec := range c.cRecords(d.Text) {
				c.cStructs[name] = rec
			}
			for _, m := range cTypedefName.FindAllStringSubmatch(d.Text, -1) {
				c.cTypes["typedef "+m[1]] = true
			}
			for _, name := range enumerators(d.Text) {
				c.defines[name] = true
			}
		case *syntax.Import:
			c.imports = true
		case *syntax.Macro:
			if d.Name != nil {
				c.userCalls[d.Name.Name] = true
			}
		case *syntax.Func:
			if d.Name != nil {
				c.userCalls[d.Name.Name] = true
			}
		}
	}
	syntax.InspectFile(c.file, func(n syntax.Node) bool {
		if m := writtenMap(n); m != nil {
			c.mapDefs[m.Name] = true
		}
		c.noteMacroMapArgs(n)
		return true
	})
}

// noteMacroMapArgs counts a map passed to a macro as written: the macro
// body may assign it, and bpftrace checks the body only once expanded.
func (c *checker) noteMacroMapArgs(n syntax.Node) {
	call, ok := n.(*syntax.CallExpr)
	if !ok || !c.userCalls[call.Fun.Name] {
		return
	}
	for _, a := range call.Args {
		if m, ok := a.(*syntax.MapExpr); ok {
			c.mapDefs[m.Name] = true
		}
	}
}

// enumBody matches the body of an enum definition.
var enumBody = regexp.MustCompile(`\benum\b[^{]*\{([^}]*)\}`)

// enumerators lists the constants the enum definitions in C text declare.
func enumerators(text string) []string {
	var names []string
	for _, body := range enumBody.FindAllStringSubmatch(text, -1) {
		for _, item := range strings.Split(body[1], ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(item), "=")
			if name = strings.TrimSpace(name); name != "" {
				names = append(names, name)
			}
		}
	}
	return names
}

// writtenMap returns the map n writes, if n is an assignment, increment or
// map declaration.
func writtenMap(n syntax.Node) *syntax.MapExpr {
	var target syntax.Expr
	switch n := n.(type) {
	case *syntax.AssignStmt:
		target = n.Lhs
	case *syntax.PostfixExpr:
		target = n.X
	case *syntax.UnaryExpr:
		if n.Op == syntax.Inc || n.Op == syntax.Dec {
			target = n.X
		}
	case *syntax.MapDecl:
		return n.Map
	}
	m, _ := target.(*syntax.MapExpr)
	return m
}

func (c *checker) directive(d *syntax.Directive) {
	fields := strings.Fields(strings.TrimPrefix(d.Text, "#"))
	if len(fields) == 0 {
		return
	}
	if c.conditional(fields) || c.cpp.current() == regionSkipped {
		return
	}
	switch fields[0] {
	case "define":
		if len(fields) > 1 {
			name, _, _ := strings.Cut(fields[1], "(")
			c.defines[name] = true
			body := strings.Join(fields[2:], " ")
			c.defineTypes[name] = defineType(fields[1], body)
			_, err := syntax.ParseInt(body)
			c.defineLiterals[name] = err == nil && !strings.Contains(fields[1], "(")
		}
	case "include":
		c.includes = true
		// Only an #include the preprocessor surely reads is checked.
		if c.cpp.current() == regionRead {
			c.checkInclude(d, strings.Join(fields[1:], " "))
		}
	}
}

// defineType is the type of what a #define expands to, when it is a plain
// integer or string literal; anything else is left unknown.
func defineType(head, body string) *Type {
	if strings.Contains(head, "(") {
		return unknownType // a function-like macro
	}
	body = strings.TrimSpace(body)
	if len(body) >= 2 && body[0] == '"' && body[len(body)-1] == '"' {
		if s, err := syntax.Unquote(body); err == nil {
			return stringType(len(s) + 1)
		}
		// An escape the C preprocessor passes on (\e) still makes a
		// string; only its exact size is unknown.
		return stringType(len(body) - 1)
	}
	if _, err := syntax.ParseInt(body); err == nil {
		if hasUnsignedSuffix(body) {
			return uint64Type
		}
		return int64Type
	}
	return unknownType
}

// conditional follows #if, #ifdef, #ifndef, #elif, #else and #endif, and
// reports whether the directive was one of them.
func (c *checker) conditional(fields []string) bool {
	switch fields[0] {
	case "ifdef", "ifndef":
		known, defined := c.macroDefined(fields[1:])
		c.cpp.push(known, defined == (fields[0] == "ifdef"))
	case "if":
		c.cpp.push(false, false)
	case "elif":
		c.cpp.pop()
		c.cpp.push(false, false)
	case "else":
		c.cpp.flip()
	case "endif":
		c.cpp.pop()
	default:
		return false
	}
	return true
}

// macroDefined says whether ken knows if the macro is defined: those the
// file defines, and BPFTRACE_HAVE_BTF, which bpftrace defines when the
// kernel has BTF.
func (c *checker) macroDefined(args []string) (known, defined bool) {
	if len(args) == 0 {
		return false, false
	}
	switch name := args[0]; {
	case c.defines[name]:
		return true, true
	case name == "BPFTRACE_HAVE_BTF" && c.kernel != nil:
		return true, true
	}
	return false, false
}

func (c *checker) noteMapDecl(d *syntax.MapDecl) {
	if d.Map != nil {
		c.mapInfo(d.Map.Name).Writes = append(c.mapInfo(d.Map.Name).Writes, span(d.Map))
	}
}

func (c *checker) mapInfo(name string) *Map {
	m := c.info.Maps[name]
	if m == nil {
		m = &Map{Name: name}
		c.info.Maps[name] = m
	}
	return m
}

// keyType types the keys of a map access: nil without brackets, the key's
// type for one key, a tuple for several.
func (c *checker) keyType(m *syntax.MapExpr) *Type {
	if m.Keys == nil {
		return nil
	}
	ts := make([]*Type, len(m.Keys))
	for i, k := range m.Keys {
		ts[i] = c.value(k)
		if ts[i].Kind == Aggregate {
			c.errorf(k, CodeTypeMismatch, "an aggregation ('%s') cannot be a map key", ts[i])
		}
	}
	if len(ts) == 1 {
		return ts[0]
	}
	return &Type{Kind: Tuple, Elems: ts}
}

// checkKeys compares the keys of this access with the map's earlier ones.
func (c *checker) checkKeys(m *syntax.MapExpr, info *Map, key *Type, first bool) {
	if first {
		info.Key = key
		return
	}
	switch {
	case info.Key == nil && key == nil:
		return
	case info.Key == nil:
		c.mapMismatch(m, info, CodeMapKeyMismatch, "%s is used here with keys but elsewhere without", m.Name)
	case key == nil:
		c.mapMismatch(m, info, CodeMapKeyMismatch, "%s is used here without keys but elsewhere with keys of type '%s'", m.Name, info.Key)
	case !compatible(info.Key, key):
		c.mapMismatch(m, info, CodeMapKeyMismatch, "%s is indexed here with '%s' but elsewhere with '%s'", m.Name, key, info.Key)
	case info.Key.containsUnknown():
		info.Key = key
	}
}

func (c *checker) mapMismatch(m *syntax.MapExpr, info *Map, code, format string, args ...any) {
	d := newDiag(diag.Error, span(m), code, format, args...)
	if len(info.Writes) > 0 && info.Writes[0].Start != int(m.Start) {
		d.Related = []diag.Related{{Span: info.Writes[0], Message: "first written here"}}
	} else if len(info.Reads) > 0 && info.Reads[0].Start != int(m.Start) {
		d.Related = []diag.Related{{Span: info.Reads[0], Message: "first used here"}}
	}
	c.report(d)
}

// writeMap records an assignment of a value of type t to m.
func (c *checker) writeMap(m *syntax.MapExpr, t *Type) {
	info := c.mapInfo(m.Name)
	key := c.keyType(m)
	c.checkKeys(m, info, key, !info.keysSet)
	info.keysSet = true
	info.Writes = append(info.Writes, span(m))
	c.info.Types[m] = t
	switch {
	case info.Value.IsUnknown():
		info.Value = t
	case c.quiet:
		// The first pass only learns types; a mismatch is reported once,
		// by the second pass, at the later assignment.
	case !compatible(info.Value, t) && !sameAssignment(info, m):
		d := newDiag(diag.Error, span(m), CodeMapValueMismatch,
			"type mismatch for %s: assigning a value of type '%s' to a map that holds '%s'", m.Name, t, info.Value)
		d.Related = []diag.Related{{Span: info.Writes[0], Message: "first assigned here"}}
		c.report(d)
	}
}

// sameAssignment reports whether m is the assignment that gave the map its
// type, seen again by the second pass.
func sameAssignment(info *Map, m *syntax.MapExpr) bool {
	return len(info.Writes) > 0 && info.Writes[0].Start == int(m.Start)
}

// readMap types a read of m and returns the map's record.
func (c *checker) readMap(m *syntax.MapExpr) *Map {
	info := c.mapInfo(m.Name)
	key := c.keyType(m)
	if !c.mapDefs[m.Name] {
		c.errorf(m, CodeUndefinedMap, "undefined map %s: nothing in this program assigns it", m.Name)
	} else {
		c.checkKeys(m, info, key, !info.keysSet)
		info.keysSet = true
	}
	info.Reads = append(info.Reads, span(m))
	c.info.Types[m] = orUnknown(info.Value)
	return info
}

// mapValue is the type of a map read in an expression.
func (c *checker) mapValue(m *syntax.MapExpr) *Type {
	return orUnknown(c.readMap(m).Value)
}
