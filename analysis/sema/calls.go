package sema

import (
	"github.com/kenlsp/ken/analysis/catalog"
	"github.com/kenlsp/ken/analysis/syntax"
)

// defaultStrlen is the size of str()'s result without a length argument.
const defaultStrlen = 64

// stackModes are the identifiers kstack() and ustack() take as a mode.
var stackModes = map[string]bool{"perf": true, "bpftrace": true, "raw": true}

// mapFunctions take a whole map, not a value read from it, as their first
// argument.
var mapFunctions = map[string]bool{"print": true, "clear": true, "zero": true, "len": true, "has_key": true, "delete": true}

// callType checks the arguments of a builtin call whose arity is right and
// returns the call's type.
func (c *checker) callType(x *syntax.CallExpr, f catalog.Function) *Type {
	switch f.Name {
	case "printf", "errorf", "warnf", "debugf", "system", "cat":
		c.format(x)
		return noneType
	case "str":
		return c.strCall(x)
	case "buf":
		c.plainArgs(x.Args)
		return &Type{Kind: Buffer}
	case "kstack", "ustack":
		c.stackArgs(x)
		return c.resultType(f)
	case "sum", "min", "max", "avg", "stats", "hist", "lhist":
		if t := c.numericArg(x, f.Name); t.Kind == Pointer {
			c.errorf(x.Args[0], CodeCallArgument, "%s() aggregates integers, not the pointer '%s'; cast it if the address is what you want", f.Name, t)
		}
		if f.Name == "lhist" {
			c.lhistArgs(x)
		}
		return aggregate(f.Name)
	case "time":
		c.plainArgs(x.Args)
		if len(x.Args) == 1 {
			if _, ok := unparen(x.Args[0]).(*syntax.StringLit); !ok {
				c.errorf(x.Args[0], CodeLiteralArgument, "time() takes its format as a string literal, as in time(\"%%H:%%M:%%S\\n\")")
			}
		}
		return noneType
	case "strftime":
		c.plainArgs(x.Args)
		if _, ok := unparen(x.Args[0]).(*syntax.StringLit); !ok {
			c.errorf(x.Args[0], CodeLiteralArgument, "strftime() takes the format string literal first, then the timestamp")
		}
		return &Type{Kind: Timestamp}
	case "ksym", "usym":
		c.numericArg(x, f.Name)
		return c.resultType(f)
	case "ntop":
		c.ntopArgs(x)
		return &Type{Kind: Inet}
	case "kaddr":
		c.plainArgs(x.Args)
		c.kaddr(x)
		return uint64Type
	case "bswap":
		if t := c.numericArg(x, f.Name); t.Kind == Int {
			return t
		}
		return unknownType
	case "uptr", "kptr":
		return c.value(x.Args[0])
	}
	if mapFunctions[f.Name] {
		c.mapArgs(x)
		return c.resultType(f)
	}
	for _, a := range x.Args {
		c.value(a)
	}
	return c.resultType(f)
}

// strCall checks str(x[, n]): x must be an address to read from.
func (c *checker) strCall(x *syntax.CallExpr) *Type {
	t := c.value(x.Args[0])
	if !t.IsUnknown() && !t.IsIntegral() {
		c.errorf(x.Args[0], CodeCallArgument, "str() reads a string from an address (an integer or pointer), not from '%s'%s",
			t, map[bool]string{true: "; it is already a string", false: ""}[t.Kind == String])
	}
	size := defaultStrlen
	if len(x.Args) > 1 {
		c.value(x.Args[1])
		if n, ok := unparen(x.Args[1]).(*syntax.IntLit); ok && n.Value > 0 && n.Value < 1<<16 {
			size = int(n.Value)
		}
	}
	return stringType(size)
}

// numericArg checks that the first argument is an integer and returns its
// type; the other arguments are typed too.
func (c *checker) numericArg(x *syntax.CallExpr, name string) *Type {
	if len(x.Args) == 0 {
		return unknownType
	}
	t := c.value(x.Args[0])
	if !t.IsUnknown() && !arithmetic(t) {
		c.errorf(x.Args[0], CodeCallArgument, "%s() needs an integer argument, not '%s'", name, t)
	}
	for _, a := range x.Args[1:] {
		c.value(a)
	}
	return t
}

// stackArgs checks kstack([mode][, limit]) and ustack: the mode is one of
// the mode names, the limit an integer literal.
func (c *checker) stackArgs(x *syntax.CallExpr) {
	for i, a := range x.Args {
		if id, ok := a.(*syntax.Ident); ok && stackModes[id.Name] {
			if i > 0 {
				c.errorf(a, CodeCallArgument, "%s(): the mode comes first, as in %s(%s, 10)", x.Fun.Name, x.Fun.Name, id.Name)
			}
			continue
		}
		c.value(a)
		switch _, isInt := unparen(a).(*syntax.IntLit); {
		case len(x.Args) == 2 && i == 0:
			c.errorf(a, CodeCallArgument, "%s() with two arguments takes a mode first (perf, bpftrace or raw), then the frame limit", x.Fun.Name)
		case !isInt:
			c.errorf(a, CodeLiteralArgument, "%s() takes the frame limit as an integer literal", x.Fun.Name)
		}
	}
}

func (c *checker) ntopArgs(x *syntax.CallExpr) {
	for _, a := range x.Args[:len(x.Args)-1] {
		if t := c.value(a); !t.IsUnknown() && t.Kind != Int {
			c.errorf(a, CodeCallArgument, "ntop(af, addr) takes the address family (AF_INET or AF_INET6) as an integer first, not '%s'", t)
		}
	}
	addr := x.Args[len(x.Args)-1]
	if t := c.value(addr); t.Kind == String || t.Kind == Tuple || t.Kind == Record {
		c.errorf(addr, CodeCallArgument, "ntop() formats an IPv4 or IPv6 address given as an integer or byte array, not '%s'", t)
	}
}

// kaddr checks that the kernel has the symbol kaddr() resolves.
func (c *checker) kaddr(x *syntax.CallExpr) {
	lit, ok := unparen(x.Args[0]).(*syntax.StringLit)
	if !ok {
		c.errorf(x.Args[0], CodeCallArgument, "kaddr() needs the symbol name as a string literal")
		return
	}
	if c.kernel == nil || c.kernel.Symbol(lit.Value) {
		return
	}
	if _, isFunc := c.kernel.Func(lit.Value); isFunc {
		return
	}
	c.errorf(lit, CodeUnknownKernelSymbol, "the kernel symbol table (/proc/kallsyms) has no '%s'", lit.Value)
}

// mapArgs checks the map argument of print, clear, delete...: a whole map
// is named without keys, and must be written somewhere.
func (c *checker) mapArgs(x *syntax.CallExpr) {
	for i, a := range x.Args {
		m, ok := a.(*syntax.MapExpr)
		if i > 0 || !ok {
			c.value(a)
			continue
		}
		if m.Keys != nil {
			c.readMap(m)
			c.keyedMapArgument(x, m)
			continue
		}
		c.mapRef(m)
		if x.Fun.Name == "delete" && len(x.Args) == 1 {
			if key := c.mapInfo(m.Name).Key; key != nil {
				c.errorf(m, CodeCallArgument, "delete() removes one element: name its key, as in delete(%s[key]) or delete(%s, key); clear(%s) empties the map", m.Name, m.Name, m.Name)
			}
		}
	}
}

// mapRef records a reference to a whole map.
func (c *checker) mapRef(m *syntax.MapExpr) {
	info := c.mapInfo(m.Name)
	if !c.mapDefs[m.Name] {
		c.errorf(m, CodeUndefinedMap, "undefined map %s: nothing in this program assigns it", m.Name)
	}
	info.Reads = append(info.Reads, span(m))
	c.info.Types[m] = orUnknown(info.Value)
}

// keyedMapArgument reports clear(@m[k]) and zero(@m[k]), which act on whole
// maps, and print(@h[k]) of a histogram-like aggregation.
func (c *checker) keyedMapArgument(x *syntax.CallExpr, m *syntax.MapExpr) {
	switch x.Fun.Name {
	case "clear", "zero":
		c.errorf(m, CodeWholeMapArgument, "%s() acts on a whole map: pass %s without keys", x.Fun.Name, m.Name)
	case "print":
		if t := c.info.Types[m]; t.Kind == Aggregate && !arithmetic(t) {
			c.errorf(m, CodeWholeMapArgument, "a single key of a '%s' map cannot be printed: print(%s) prints them all", t, m.Name)
		}
	}
}

// lhistArgs checks lhist(value, min, max, step): literal bounds, min below
// max, and a positive step.
func (c *checker) lhistArgs(x *syntax.CallExpr) {
	if len(x.Args) != 4 {
		return
	}
	var vals [3]int64
	for i, a := range x.Args[1:] {
		v, ok := literalValue(a)
		if !ok {
			c.errorf(a, CodeLiteralArgument, "lhist() needs integer literals for min, max and step")
			return
		}
		vals[i] = v
	}
	lo, hi, step := vals[0], vals[1], vals[2]
	switch {
	case lo < 0:
		c.errorf(x.Args[1], CodeLiteralArgument, "lhist() min must be at least 0, not %d", lo)
	case hi <= lo:
		c.errorf(x.Args[2], CodeLiteralArgument, "lhist() max (%d) must be greater than min (%d)", hi, lo)
	case step < 1:
		c.errorf(x.Args[3], CodeLiteralArgument, "lhist() step must be at least 1, not %d", step)
	}
}

// literalValue evaluates an integer literal, possibly negated.
func literalValue(x syntax.Expr) (int64, bool) {
	switch x := unparen(x).(type) {
	case *syntax.IntLit:
		return int64(x.Value), true
	case *syntax.UnaryExpr:
		if x.Op == syntax.Minus {
			v, ok := literalValue(x.X)
			return -v, ok
		}
	}
	return 0, false
}
