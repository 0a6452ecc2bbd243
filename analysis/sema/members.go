package sema

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// Member is one field of a record as an editor shows it: what bpftrace
// reads it as and, when the record comes from BTF, how C declares it and
// where it lies.
type Member struct {
	Name string
	Type *Type // as bpftrace reads the field
	// C is the field's type as the kernel declares it ("__be16",
	// "struct sock *", "char[16]"); "" when the record is not described
	// by BTF.
	C string
	// BTF is the declared type, nil when the record is not described by
	// BTF; CDecl(BTF, Name) spells the member's declaration.
	BTF btf.Type
	// Offset is the byte offset from the start of the record, anonymous
	// members included; -1 when unknown.
	Offset int
	// BitOffset and BitSize place a bitfield inside its bytes; BitSize is
	// 0 for ordinary members.
	BitOffset, BitSize int
	// NetworkOrder is set when some typedef of the field's declared type
	// says its bytes are big-endian (__be16, __be32, __be64).
	NetworkOrder bool
}

// Members lists the fields of a record, or of the record a pointer points
// to, in declaration order. Members of anonymous structs and unions are
// listed in their place with offsets from the outer record, since C (and
// bpftrace) reach them without naming the anonymous member. Other types
// have no members.
func Members(t *Type) []Member {
	if t != nil && t.Kind == Pointer {
		t = t.Elem
	}
	if t == nil || t.Kind != Record {
		return nil
	}
	if t.BTF != nil {
		return btfMembers(t.BTF, 0, nil)
	}
	out := make([]Member, 0, len(t.Fields))
	for _, f := range t.Fields {
		out = append(out, Member{Name: f.Name, Type: orUnknown(f.Type), Offset: -1, NetworkOrder: f.Type.NetworkOrder()})
	}
	return out
}

// LookupMember returns the member of t (a record or a pointer to one)
// named name.
func LookupMember(t *Type, name string) (Member, bool) {
	for _, m := range Members(t) {
		if m.Name == name {
			return m, true
		}
	}
	return Member{}, false
}

// btfMembers appends the members of a BTF struct or union whose start is
// base bits into the outermost record.
func btfMembers(t btf.Type, base btf.Bits, out []Member) []Member {
	for _, m := range members(unqualified(t)) {
		at := base + m.Offset
		if m.Name == "" {
			out = btfMembers(m.Type, at, out)
			continue
		}
		mem := Member{
			Name:         m.Name,
			Type:         fromBTF(m.Type),
			C:            CDecl(m.Type, ""),
			BTF:          m.Type,
			Offset:       int(at / 8),
			NetworkOrder: networkOrderBTF(m.Type),
		}
		if m.BitfieldSize > 0 {
			mem.BitOffset, mem.BitSize = int(at%8), int(m.BitfieldSize)
		}
		out = append(out, mem)
	}
	return out
}

// NetworkOrder reports whether t is an integer whose typedef says it is
// stored big-endian, as __be16 port numbers and __be32 addresses are.
func (t *Type) NetworkOrder() bool {
	return t != nil && t.Kind == Int && isBigEndianName(t.Name)
}

// networkOrderBTF looks through every typedef of t, not just the first:
// a typedef of a typedef of __be16 is still big-endian.
func networkOrderBTF(t btf.Type) bool {
	for t != nil {
		if td, ok := t.(*btf.Typedef); ok && isBigEndianName(td.Name) {
			return true
		}
		t = skipQualifier(t)
	}
	return false
}

// isBigEndianName reports whether a typedef name is the kernel's spelling
// of a big-endian integer (__be16, __be32, __be64, and rte-style be16).
func isBigEndianName(name string) bool {
	rest, ok := strings.CutPrefix(strings.TrimLeft(name, "_"), "be")
	return ok && (rest == "16" || rest == "32" || rest == "64")
}

// CDecl spells a C declaration of name with type t, as kernel headers
// write it: CDecl(int, "x") is "int x", a pointer to a struct with no name
// is "struct sock *", and a function gives its prototype with parameter
// names, "int tcp_connect(struct sock *sk)".
func CDecl(t btf.Type, name string) string {
	return strings.TrimSpace(cDecl(t, name, 0))
}

// maxCDepth stops the spelling of types that refer to themselves through
// function pointers; BTF forbids such cycles except through pointers to
// named records, which are spelled by name, but a bound costs nothing.
const maxCDepth = 16

// cDecl wraps the declarator inner in the syntax of t, working from the
// name outwards as C declarators nest.
func cDecl(t btf.Type, inner string, depth int) string {
	if depth > maxCDepth {
		return "... " + inner
	}
	switch x := t.(type) {
	case *btf.Pointer:
		return cDecl(x.Target, "*"+inner, depth+1)
	case *btf.Array:
		return cDecl(x.Type, parenthesize(inner)+fmt.Sprintf("[%d]", x.Nelems), depth+1)
	case *btf.FuncProto:
		return cDecl(x.Return, parenthesize(inner)+"("+cParams(x, depth)+")", depth+1)
	case *btf.Func:
		return cDecl(x.Type, x.Name, depth+1)
	case *btf.Const:
		return qualified("const", x.Type, inner, depth)
	case *btf.Volatile:
		return qualified("volatile", x.Type, inner, depth)
	case *btf.Restrict:
		return qualified("restrict", x.Type, inner, depth)
	case *btf.TypeTag:
		return cDecl(x.Type, inner, depth+1)
	}
	return join(cBaseName(t), inner)
}

// parenthesize keeps a pointer declarator bound to its name before an
// array or parameter suffix: (*fn)(int), not *fn(int).
func parenthesize(inner string) string {
	if strings.HasPrefix(inner, "*") {
		return "(" + inner + ")"
	}
	return inner
}

// qualified places a qualifier where C reads it: before a base type
// ("const char"), after the star of a qualified pointer ("char *const p").
func qualified(qual string, t btf.Type, inner string, depth int) string {
	if _, ok := t.(*btf.Pointer); ok {
		return cDecl(t, join(qual, inner), depth+1)
	}
	return qual + " " + cDecl(t, inner, depth+1)
}

func cParams(fp *btf.FuncProto, depth int) string {
	if len(fp.Params) == 0 {
		return "void"
	}
	parts := make([]string, len(fp.Params))
	for i, p := range fp.Params {
		if _, void := p.Type.(*btf.Void); void || p.Type == nil {
			parts[i] = "..." // BTF marks a variadic tail with a void parameter
			continue
		}
		parts[i] = strings.TrimSpace(cDecl(p.Type, p.Name, depth+1))
	}
	return strings.Join(parts, ", ")
}

// cBaseName names a type that has no declarator syntax of its own.
func cBaseName(t btf.Type) string {
	switch x := t.(type) {
	case nil, *btf.Void:
		return "void"
	case *btf.Struct:
		return tagged("struct", x.Name)
	case *btf.Union:
		return tagged("union", x.Name)
	case *btf.Enum:
		return tagged("enum", x.Name)
	case *btf.Fwd:
		return tagged(x.Kind.String(), x.Name)
	}
	if name := t.TypeName(); name != "" {
		return name
	}
	return "?"
}

// tagged spells a struct, union or enum reference; anonymous ones get
// braces so that a reader sees that they have no name.
func tagged(keyword, name string) string {
	if name == "" {
		return keyword + " {...}"
	}
	return keyword + " " + name
}

// join puts a base and a declarator together with one space, none when
// the declarator is empty or an unnamed array ("char[16]").
func join(base, inner string) string {
	if inner == "" || strings.HasPrefix(inner, "[") {
		return base + inner
	}
	return base + " " + inner
}
