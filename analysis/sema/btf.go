package sema

import (
	"github.com/cilium/ebpf/btf"
)

// fromBTF converts a kernel type. Integer typedef names such as __be16 or
// pid_t are kept on the result: they say what the value means.
func fromBTF(t btf.Type) *Type {
	name := ""
	for {
		if td, ok := t.(*btf.Typedef); ok && name == "" {
			name = td.Name
		}
		next := skipQualifier(t)
		if next == nil {
			break
		}
		t = next
	}
	switch x := t.(type) {
	case *btf.Int:
		if name == "" && x.Name == "char" {
			name = "char"
		}
		return &Type{Kind: Int, Bits: int(x.Size) * 8, Signed: x.Encoding&btf.Signed != 0, Name: name}
	case *btf.Enum:
		return &Type{Kind: Int, Bits: int(x.Size) * 8, Signed: x.Signed, Name: "enum " + x.Name, Enum: x.Name != ""}
	case *btf.Pointer:
		return pointerTo(fromBTF(x.Target))
	case *btf.Struct:
		return &Type{Kind: Record, Name: "struct " + x.Name, BTF: x}
	case *btf.Union:
		return &Type{Kind: Record, Name: "union " + x.Name, BTF: x}
	case *btf.Array:
		return arrayOf(fromBTF(x.Type), int(x.Nelems))
	case *btf.Void:
		return &Type{Kind: None}
	}
	return unknownType
}

// skipQualifier returns what a typedef or a qualifier (const, volatile,
// restrict, a type tag) stands for, or nil for any other type.
func skipQualifier(t btf.Type) btf.Type {
	switch x := t.(type) {
	case *btf.Typedef:
		return x.Type
	case *btf.Const:
		return x.Type
	case *btf.Volatile:
		return x.Type
	case *btf.Restrict:
		return x.Type
	case *btf.TypeTag:
		return x.Type
	}
	return nil
}

// arrayOf returns elem[n]; bpftrace reads a char array as a string.
func arrayOf(elem *Type, n int) *Type {
	if elem.Kind == Int && elem.Bits == 8 && (elem.Signed || elem.Name == "char") {
		return stringType(n)
	}
	return &Type{Kind: Array, Elem: elem, Len: n}
}

// members returns the members of a struct or union.
func members(t btf.Type) []btf.Member {
	switch x := t.(type) {
	case *btf.Struct:
		return x.Members
	case *btf.Union:
		return x.Members
	}
	return nil
}

// findMember looks name up in a struct or union, descending into anonymous
// members as C does.
func findMember(t btf.Type, name string) (btf.Member, bool) {
	for _, m := range members(t) {
		if m.Name == name {
			return m, true
		}
		if m.Name == "" {
			if inner, ok := findMember(btf.UnderlyingType(m.Type), name); ok {
				return inner, true
			}
		}
	}
	return btf.Member{}, false
}

// memberNames lists the names findMember would accept, for suggestions.
func memberNames(t btf.Type) []string {
	var names []string
	for _, m := range members(t) {
		if m.Name == "" {
			names = append(names, memberNames(btf.UnderlyingType(m.Type))...)
			continue
		}
		names = append(names, m.Name)
	}
	return names
}

// unqualified skips typedefs and qualifiers to the type that has members.
func unqualified(t btf.Type) btf.Type { return btf.UnderlyingType(t) }

// funcArgs is the args record of an fentry/fexit probe: the function's
// parameters by name.
func funcArgs(name string, proto btf.Type) *Type {
	fp, ok := proto.(*btf.FuncProto)
	if !ok {
		return unknownType
	}
	t := &Type{Kind: Record, Name: "args of " + name, Fields: []RecordField{}}
	for _, p := range fp.Params {
		t.Fields = append(t.Fields, RecordField{Name: p.Name, Type: fromBTF(p.Type)})
	}
	return t
}
