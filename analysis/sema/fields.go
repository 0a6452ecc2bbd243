package sema

import (
	"slices"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// dotOnPointer is the first bpftrace that lets '.' reach through a pointer.
var dotOnPointer = dialect.V(0, 25)

// field types x.name and x->name.
func (c *checker) field(x *syntax.FieldExpr) *Type {
	t := c.expr(x.X)
	if x.Name == nil || t.IsUnknown() {
		return unknownType
	}
	rec := t
	if t.Kind == Pointer {
		rec = orUnknown(t.Elem)
		if !x.Arrow && !c.dialect.AtLeast(dotOnPointer) && rec.Kind == Record {
			c.reportDotOnPointer(x, t)
		}
	}
	if x.Arrow && t.Kind == Record && t.BTF != nil {
		c.reportArrowOnValue(x, t)
	}
	switch rec.Kind {
	case Unknown:
		return unknownType
	case Record:
		return c.member(x, rec)
	}
	c.errorf(x, CodeNotAStruct, "'%s' has no fields: cannot access '%s'", t, x.Name.Name)
	return unknownType
}

func (c *checker) reportDotOnPointer(x *syntax.FieldExpr, t *Type) {
	d := newDiag(diag.Error, span(x), CodeNotAStruct,
		"'.' cannot reach through the pointer '%s' before bpftrace %s; use '->'", t, dotOnPointer)
	d.Fixes = []diag.Fix{{Title: "Use '->'", Edits: []diag.Edit{{
		Span: source.Span{Start: int(x.OpPos), End: int(x.OpPos) + 1}, NewText: "->"}}}}
	c.report(d)
}

func (c *checker) reportArrowOnValue(x *syntax.FieldExpr, t *Type) {
	d := newDiag(diag.Error, span(x), CodeNotAStruct, "'%s' is not a pointer: use '.' to access its fields", t)
	d.Fixes = []diag.Fix{{Title: "Use '.'", Edits: []diag.Edit{{
		Span: source.Span{Start: int(x.OpPos), End: int(x.OpPos) + 2}, NewText: "."}}}}
	c.report(d)
}

// member looks the field x names up in the record rec.
func (c *checker) member(x *syntax.FieldExpr, rec *Type) *Type {
	name := x.Name.Name
	if rec.BTF != nil {
		if m, ok := findMember(rec.BTF, name); ok {
			return fromBTF(m.Type)
		}
		c.unknownField(x, rec, memberNames(rec.BTF))
		return unknownType
	}
	if rec.Fields == nil {
		return unknownType // a struct from the file's own C definitions
	}
	names := make([]string, len(rec.Fields))
	for i, f := range rec.Fields {
		if f.Name == name {
			return f.Type
		}
		names[i] = f.Name
	}
	c.unknownField(x, rec, names)
	return unknownType
}

func (c *checker) unknownField(x *syntax.FieldExpr, rec *Type, candidates []string) {
	name := x.Name.Name
	d := newDiag(diag.Error, span(x.Name), CodeUnknownField, "%s has no field named '%s'", describeRecord(rec), name)
	if best := closest(name, candidates); best != "" {
		d.Message += "; did you mean '" + best + "'?"
		d.Fixes = []diag.Fix{{Title: "Change to '" + best + "'", Edits: []diag.Edit{{Span: span(x.Name), NewText: best}}}}
	} else if via := nestedPath(rec, name); via != "" {
		d.Message += "; it is reached through '" + via + "'"
		d.Fixes = []diag.Fix{{Title: "Access it through '" + via + "'", Edits: []diag.Edit{{Span: span(x.Name), NewText: via + "." + name}}}}
	}
	c.report(d)
}

// nestedPath finds a named struct member of rec (one level down) that has
// the field name, as skc_dport lives in sock's __sk_common.
func nestedPath(rec *Type, name string) string {
	for _, m := range members(rec.BTF) {
		if m.Name == "" {
			continue
		}
		if _, ok := findMember(unqualified(m.Type), name); ok {
			return m.Name
		}
	}
	return ""
}

func describeRecord(rec *Type) string {
	if rec.Name == "" {
		return "the record"
	}
	return "'" + rec.Name + "'"
}

// cast types (type)x.
func (c *checker) cast(x *syntax.CastExpr) *Type {
	from := c.value(x.X)
	to := c.resolveType(x.Type)
	switch {
	case to.Kind == Record:
		c.errorf(x, CodeInvalidCast, "cannot cast to '%s', a struct value; cast to a pointer: (%s *)", to, to)
	case to.Kind == Int && (from.Kind == String || from.Kind == Tuple || from.Kind == Record):
		c.errorf(x, CodeInvalidCast, "cannot cast '%s' to '%s'", from, to)
	}
	return to
}

// resolveType turns a written type into a Type, reporting kernel types
// that do not exist.
func (c *checker) resolveType(t syntax.Type) *Type {
	switch t := t.(type) {
	case *syntax.NamedType:
		return c.namedType(t)
	case *syntax.PointerType:
		return pointerTo(c.resolveType(t.Elem))
	case *syntax.ArrayType:
		elem := c.resolveType(t.Elem)
		if t.Len == nil {
			return unknownType
		}
		return arrayOf(elem, int(t.Len.Value))
	case *syntax.TypeofType:
		if e, ok := t.Arg.(syntax.Expr); ok {
			return c.expr(e)
		}
		if ty, ok := t.Arg.(syntax.Type); ok {
			return c.resolveType(ty)
		}
	}
	return unknownType
}

func (c *checker) namedType(t *syntax.NamedType) *Type {
	if t.Keyword == "" {
		return c.plainTypeName(t)
	}
	full := t.Keyword + " " + t.Name
	if rec, ok := c.cStructs[full]; ok {
		return rec
	}
	if c.cTypes[full] {
		return &Type{Kind: Record, Name: full}
	}
	if c.kernel == nil || c.includes {
		return unknownType
	}
	if kt, ok := c.kernel.Type(full); ok {
		return fromBTF(kt)
	}
	c.unknownType(t, full)
	return unknownType
}

// plainTypeName resolves a type written without struct/union/enum: a
// bpftrace type, a C integer spelling, or a kernel typedef.
func (c *checker) plainTypeName(t *syntax.NamedType) *Type {
	if bt := builtinType(t.Name); bt != nil {
		return bt
	}
	if c.kernel == nil || c.includes || c.cTypes["typedef "+t.Name] {
		return unknownType
	}
	if kt, ok := c.kernel.Type(t.Name); ok {
		return fromBTF(kt)
	}
	d := newDiag(diag.Error, span(t), CodeUnknownType, "unknown type '%s'", t.Name)
	for _, keyword := range []string{"struct", "union", "enum"} {
		if _, ok := c.kernel.Type(keyword + " " + t.Name); ok {
			d.Message += "; the kernel has '" + keyword + " " + t.Name + "'"
			d.Fixes = []diag.Fix{{Title: "Write '" + keyword + " " + t.Name + "'", Edits: []diag.Edit{{Span: span(t), NewText: keyword + " " + t.Name}}}}
			break
		}
	}
	c.report(d)
	return unknownType
}

func (c *checker) unknownType(t *syntax.NamedType, full string) {
	d := newDiag(diag.Error, span(t), CodeUnknownType, "the kernel has no type '%s'", full)
	if best := c.closestKernelType(t.Keyword, t.Name); best != "" {
		d.Message += "; did you mean '" + t.Keyword + " " + best + "'?"
		d.Fixes = []diag.Fix{{Title: "Change to '" + t.Keyword + " " + best + "'", Edits: []diag.Edit{{
			Span: source.Span{Start: int(t.NameEnd) - len(t.Name), End: int(t.NameEnd)}, NewText: best}}}}
	}
	c.report(d)
}

// closestKernelType suggests a type of the same keyword whose name is
// close to name; it only tries a few likely spellings, since the kernel has
// too many types to compare with each.
func (c *checker) closestKernelType(keyword, name string) string {
	var tries []string
	for _, pre := range []string{"", "__"} {
		for _, cand := range []string{name, strings.TrimSuffix(name, "s"), name + "s", strings.TrimSuffix(name, "_struct"), name + "_struct"} {
			tries = append(tries, pre+cand)
		}
	}
	tries = append(tries, strings.TrimPrefix(name, "__"), strings.ReplaceAll(name, "socket", "sock"))
	for _, cand := range tries {
		if cand == name {
			continue
		}
		if _, ok := c.kernel.Type(keyword + " " + cand); ok {
			return cand
		}
	}
	return ""
}

// builtinType returns bpftrace's own type names.
func builtinType(name string) *Type {
	switch name {
	case "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64":
		signed := !strings.HasPrefix(name, "u")
		bits := name[strings.IndexAny(name, "123456789"):]
		return intType(atoiSmall(bits), signed)
	case "bool":
		return boolType
	case "string":
		return stringType(64)
	case "inet":
		return &Type{Kind: Inet}
	}
	if t, ok := cIntTypes[name]; ok {
		return t
	}
	return nil
}

func atoiSmall(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// cIntTypes are C's integer spellings as tracepoint formats write them.
var cIntTypes = map[string]*Type{
	"char": {Kind: Int, Bits: 8, Signed: true, Name: "char"}, "signed char": intType(8, true),
	"unsigned char": intType(8, false), "u8": intType(8, false), "__u8": intType(8, false), "s8": intType(8, true), "__s8": intType(8, true),
	"short": intType(16, true), "short int": intType(16, true), "signed short": intType(16, true),
	"unsigned short": intType(16, false), "unsigned short int": intType(16, false), "u16": intType(16, false), "__u16": intType(16, false), "s16": intType(16, true), "__s16": intType(16, true),
	"int": intType(32, true), "signed": intType(32, true), "signed int": intType(32, true),
	"unsigned": intType(32, false), "unsigned int": intType(32, false), "u32": intType(32, false), "__u32": intType(32, false), "s32": intType(32, true), "__s32": intType(32, true),
	"long": intType(64, true), "long int": intType(64, true), "signed long": intType(64, true), "long long": intType(64, true), "long long int": intType(64, true),
	"unsigned long": intType(64, false), "unsigned long int": intType(64, false), "unsigned long long": intType(64, false), "unsigned long long int": intType(64, false),
	"u64": intType(64, false), "__u64": intType(64, false), "s64": intType(64, true), "__s64": intType(64, true),
	"size_t": intType(64, false), "ssize_t": intType(64, true), "_Bool": intType(8, false),
}

// tracepointField types one field of a tracepoint format.
func (c *checker) tracepointField(f kernel.Field) *Type {
	if f.DataLoc {
		// bpftrace reads a __data_loc field as the 32-bit locator; str()
		// knows to follow it.
		return &Type{Kind: Int, Bits: 32, Name: "__data_loc"}
	}
	elem := c.cType(f.Type)
	if f.ArrayLen >= 0 {
		return arrayOf(elem, f.ArrayLen)
	}
	// The format's size wins over the declared type's, its signedness
	// does not: the syscall tracepoints store "unsigned int fd" in 8
	// bytes, and bpftrace reads it as uint64 ("int flags" as int64).
	if elem.Kind == Int && !elem.Enum && slices.Contains([]int{1, 2, 4, 8}, f.Size) && f.Size*8 != elem.Bits {
		return &Type{Kind: Int, Bits: f.Size * 8, Signed: elem.Signed, Name: elem.Name}
	}
	return elem
}

// cType types a C type as a tracepoint format spells it: "const char *",
// "unsigned long", "struct sockaddr *", "umode_t".
func (c *checker) cType(text string) *Type {
	stars := strings.Count(text, "*")
	text = strings.ReplaceAll(text, "*", " ")
	var words []string
	for _, w := range strings.Fields(text) {
		switch w {
		case "const", "volatile", "__user", "__rcu", "__iomem", "restrict", "__restrict":
			continue
		}
		words = append(words, w)
	}
	base := strings.Join(words, " ")
	t, ok := cIntTypes[base]
	if !ok {
		t = unknownType
		if c.kernel != nil {
			if kt, found := c.kernel.Type(base); found {
				t = fromBTF(kt)
			}
		}
		if base == "void" {
			t = noneType
		}
	}
	for range stars {
		t = pointerTo(t)
	}
	return t
}
