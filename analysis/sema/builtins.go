package sema

import (
	"slices"
	"strconv"
	"strings"

	"github.com/kenlsp/ken/analysis/catalog"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/syntax"
)

// ident types a bare name: a builtin variable, a #define, a macro, or an
// enum constant of the kernel.
func (c *checker) ident(x *syntax.Ident) *Type {
	if v, ok := catalog.LookupVariable(x.Name); ok {
		c.checkAvailable(x, x.Name, v.AvailableIn(c.dialect), v.Since)
		c.checkVariableKind(x, v)
		if x.Name == "args" {
			c.checkUprobeArgs(x)
		}
		return c.variableType(x.Name, v)
	}
	if t, ok := c.defineTypes[x.Name]; ok {
		return t
	}
	if c.defines[x.Name] || c.userCalls[x.Name] || c.imports {
		return unknownType
	}
	if c.kernel == nil || c.includes {
		return unknownType // a header or an unknown kernel may define it
	}
	if _, ok := c.kernel.Enumerator(x.Name); ok {
		return int64Type
	}
	d := newDiag(diag.Error, span(x), CodeUnknownIdentifier, "unknown identifier '%s': it is no builtin, #define or kernel enum value", x.Name)
	var names []string
	for _, v := range catalog.Variables() {
		names = append(names, v.Name)
	}
	if best := closest(x.Name, names); best != "" {
		d.Message += "; did you mean '" + best + "'?"
		d.Fixes = []diag.Fix{{Title: "Change to '" + best + "'", Edits: []diag.Edit{{Span: span(x), NewText: best}}}}
	}
	c.report(d)
	return unknownType
}

// checkAvailable reports a builtin the configured bpftrace does not have.
func (c *checker) checkAvailable(n syntax.Node, name string, ok bool, since dialect.Version) {
	if ok {
		return
	}
	if since.IsZero() || !c.dialect.Less(since) {
		c.errorf(n, dialect.Code, "'%s' is not available in bpftrace %s", name, c.dialect)
		return
	}
	c.errorf(n, dialect.Code, "'%s' needs bpftrace %s or newer; this file is checked as bpftrace %s", name, since, c.dialect)
}

// checkVariableKind reports a builtin variable the probe does not provide.
func (c *checker) checkVariableKind(x *syntax.Ident, v catalog.Variable) {
	if c.probe == nil || c.probe.unknownKind {
		return
	}
	for _, kind := range c.probe.kinds {
		if !v.AllowedInAt(kind, c.dialect) {
			c.errorf(x, CodeBuiltinProbeKind, "'%s' is not available in %s probes; it is provided by %s",
				x.Name, kind, kindList(v.KindsIn(c.dialect)))
			return
		}
	}
}

func kindList(kinds []string) string {
	if len(kinds) == 0 {
		return "every probe"
	}
	return strings.Join(kinds, ", ")
}

// variableType is the type of a builtin variable in the current probe.
func (c *checker) variableType(name string, v catalog.Variable) *Type {
	switch name {
	case "args":
		if c.probe != nil && c.probe.info.Args != nil {
			return c.probe.info.Args
		}
		return unknownType
	case "func":
		if c.probe != nil && c.probe.userSpace() {
			return &Type{Kind: Usym}
		}
		return &Type{Kind: Ksym}
	case "curtask":
		if c.kernel != nil {
			if t, ok := c.kernel.Type("struct task_struct"); ok {
				return pointerTo(fromBTF(t))
			}
		}
		return uint64Type
	case "retval":
		return c.retvalType()
	case "ctx":
		return c.ctxType()
	}
	return typeFromName(v.TypeIn(c.dialect))
}

// userSpace reports whether the probe instruments user programs.
func (pc *probeContext) userSpace() bool {
	return slices.ContainsFunc(pc.kinds, func(k string) bool {
		return k == "uprobe" || k == "uretprobe" || k == "usdt"
	})
}

// retvalType is the function's return type in fexit probes, and the raw
// register value elsewhere.
func (c *checker) retvalType() *Type {
	if c.probe == nil || c.kernel == nil || len(c.probe.kinds) != 1 || c.probe.kinds[0] != "fexit" {
		return uint64Type
	}
	return unknownType
}

// ctxType is the type of ctx: in an iter probe, a pointer to the kernel's
// struct bpf_iter__<name>; elsewhere ken leaves it unknown.
func (c *checker) ctxType() *Type {
	if c.probe == nil || c.kernel == nil || len(c.probe.kinds) != 1 || c.probe.kinds[0] != "iter" {
		return unknownType
	}
	var iter string
	for i, ap := range c.probe.info.Decl.AttachPoints {
		if c.probe.info.Kinds[i] != "iter" || len(ap.Parts) == 0 || (iter != "" && ap.Parts[0] != iter) {
			return unknownType
		}
		iter = ap.Parts[0]
	}
	if t, ok := c.kernel.Type("struct bpf_iter__" + iter); ok {
		return pointerTo(fromBTF(t))
	}
	return unknownType
}

// typeFromName reads the catalogue's spelling of a type.
func typeFromName(name string) *Type {
	if t := builtinType(name); t != nil {
		return t
	}
	if rest, ok := strings.CutPrefix(name, "string["); ok {
		if n, err := strconv.Atoi(strings.TrimSuffix(rest, "]")); err == nil {
			return stringType(n)
		}
	}
	switch name {
	case "none", "void":
		return noneType
	case "kstack":
		return &Type{Kind: KStack}
	case "ustack":
		return &Type{Kind: UStack}
	case "ksym", "ksym_t":
		return &Type{Kind: Ksym}
	case "usym", "usym_t":
		return &Type{Kind: Usym}
	case "timestamp":
		return &Type{Kind: Timestamp}
	case "buffer":
		return &Type{Kind: Buffer}
	case "username":
		return &Type{Kind: Username}
	case "mac_address", "macaddr":
		return &Type{Kind: MacAddr}
	case "cgroup_path", "cgroup_path_t":
		return &Type{Kind: CgroupPath}
	case "strerror", "strerror_t":
		return &Type{Kind: StrError}
	}
	return unknownType
}

// callContext says where a call's value goes.
type callContext int

const (
	ctxValue     callContext = iota // used in an expression
	ctxStatement                    // evaluated for its effect
	ctxMapValue                     // assigned directly to a map: @m = f()
)

// call types a call of a builtin, macro or fn.
func (c *checker) call(x *syntax.CallExpr, ctx callContext) *Type {
	name := x.Fun.Name
	f, ok := catalog.LookupFunction(name)
	if !ok {
		c.userCallArgs(x.Args)
		if !c.userCalls[name] && !c.imports {
			c.unknownCall(x)
		}
		return unknownType
	}
	c.checkAvailable(x.Fun, name+"()", f.AvailableIn(c.dialect), f.Since)
	if !c.callArity(x, f) {
		c.plainArgs(x.Args)
		return c.resultType(f)
	}
	c.checkCallKind(x, f)
	if f.Unsafe {
		c.warnf(x.Fun, CodeUnsafe, "%s() changes the system: bpftrace runs it only with --unsafe", name)
	}
	if f.Aggregation && ctx != ctxMapValue {
		c.errorf(x, CodeAggregationContext, "%s() must be assigned directly to a map, as in @name = %s(...)", name, name)
	}
	return c.callType(x, f)
}

func (c *checker) unknownCall(x *syntax.CallExpr) {
	d := newDiag(diag.Error, span(x.Fun), CodeUnknownCall, "unknown function '%s'", x.Fun.Name)
	var names []string
	for _, f := range catalog.Functions() {
		if f.AvailableIn(c.dialect) {
			names = append(names, f.Name)
		}
	}
	if best := closest(x.Fun.Name, names); best != "" {
		d.Message += "; did you mean '" + best + "'?"
		d.Fixes = []diag.Fix{{Title: "Change to '" + best + "'", Edits: []diag.Edit{{Span: span(x.Fun), NewText: best}}}}
	}
	c.report(d)
}

// userCallArgs checks the arguments of a macro or fn call, where a map
// without keys stands for the whole map.
func (c *checker) userCallArgs(args []syntax.Expr) {
	for _, a := range args {
		if m, ok := a.(*syntax.MapExpr); ok && m.Keys == nil {
			c.mapRef(m)
			continue
		}
		c.expr(a)
	}
}

func (c *checker) plainArgs(args []syntax.Expr) {
	for _, a := range args {
		c.expr(a)
	}
}

func (c *checker) callArity(x *syntax.CallExpr, f catalog.Function) bool {
	n := len(x.Args)
	lo, hi := f.ArgsIn(c.dialect)
	if n >= lo && (hi < 0 || n <= hi) {
		return true
	}
	var want string
	switch {
	case hi < 0:
		want = "at least " + strconv.Itoa(lo)
	case lo == hi:
		want = strconv.Itoa(lo)
	default:
		want = strconv.Itoa(lo) + " to " + strconv.Itoa(hi)
	}
	c.errorf(x, CodeCallArity, "%s() takes %s argument%s, not %d: %s", f.Name, want, map[bool]string{true: "", false: "s"}[want == "1"], n, f.Signature)
	return false
}

func (c *checker) checkCallKind(x *syntax.CallExpr, f catalog.Function) {
	if c.probe == nil || c.probe.unknownKind {
		return
	}
	for _, kind := range c.probe.kinds {
		if !f.AllowedInAt(kind, c.dialect) {
			c.errorf(x.Fun, CodeCallProbeKind, "%s() cannot be used in %s probes; it is allowed in %s", f.Name, kind, kindList(f.KindsIn(c.dialect)))
			return
		}
	}
}

// resultType is the catalogue's return type of f.
func (c *checker) resultType(f catalog.Function) *Type {
	if f.Aggregation {
		return aggregate(f.Name)
	}
	if f.StatementIn(c.dialect) {
		return noneType
	}
	return typeFromName(f.ReturnsIn(c.dialect))
}
