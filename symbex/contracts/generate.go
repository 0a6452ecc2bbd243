package contracts

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"

	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/sema"
)

// ErrnoMin is the most negative error result, -MAX_ERRNO.
const ErrnoMin = -4095

// Generate describes every function, tracepoint and network-order struct
// member of k, with only the facts the kernel's own descriptions state:
//
//   - functions: the C prototype, each parameter's name and type, and the
//     result type. A parameter typed __be16, __be32 or __be64 (through any
//     typedefs) is in network byte order, and a pointer whose target has the
//     BTF type tag "user" is a __user pointer (kernels built without type
//     tags say nothing). Unnamed parameters are called argN, as bpftrace
//     does. Nothing is guessed about nullability or error results: those
//     come from the curated part.
//   - tracepoints: every field but the common_* header, with its C type. A
//     field whose type names __be16, __be32 or __be64 is in network order.
//     For syscalls:sys_enter_*, pointer fields are __user pointers; for
//     syscalls:sys_exit_*, ret is errno-valued and at least -4095 (the
//     syscall ABI), except for rt_sigreturn, which returns the restored
//     register.
//   - fields: every member of a named struct or union whose type is a __be
//     typedef, or an array of one, members of nested anonymous structs and
//     unions included.
//
// The result passes Parse's validation; it is sorted as Write sorts.
func Generate(k *kernel.Kernel) *Set {
	s := &Set{Format: Format, Kernel: k.Info().Release}
	s.Functions = generateFunctions(k)
	s.Tracepoints = generateTracepoints(k)
	s.Fields = generateFields(k)
	sortSet(&s.Functions, &s.Tracepoints, &s.Fields)
	return s
}

func generateFunctions(k *kernel.Kernel) []Function {
	names := k.FuncNames()
	out := make([]Function, 0, len(names))
	for _, name := range names {
		fn, ok := k.Func(name)
		if !ok {
			continue
		}
		proto, ok := fn.Type.(*btf.FuncProto)
		if !ok {
			continue
		}
		f := Function{
			Name:    name,
			Proto:   sema.CDecl(fn, name),
			Returns: Return{Type: typeText(proto.Return)},
		}
		if len(proto.Params) > 0 {
			f.Params = make([]Param, 0, len(proto.Params))
		}
		for i, p := range proto.Params {
			if _, void := p.Type.(*btf.Void); void || p.Type == nil {
				continue // the variadic tail
			}
			pname := p.Name
			if pname == "" {
				pname = fmt.Sprintf("arg%d", i)
			}
			param := Param{Name: pname, Type: typeText(p.Type), User: userPointer(p.Type)}
			if networkOrder(p.Type) {
				param.ByteOrder = Network
			}
			f.Params = append(f.Params, param)
		}
		out = append(out, f)
	}
	return out
}

// typeText spells t as a C type without a name: "struct sock *".
func typeText(t btf.Type) string {
	return sema.CDecl(t, "")
}

// networkOrder reports whether t is, through typedefs and qualifiers, a
// __be16, __be32 or __be64.
func networkOrder(t btf.Type) bool {
	for range 16 {
		switch x := t.(type) {
		case *btf.Typedef:
			if isBigEndianName(x.Name) {
				return true
			}
			t = x.Type
		case *btf.Const:
			t = x.Type
		case *btf.Volatile:
			t = x.Type
		case *btf.Restrict:
			t = x.Type
		case *btf.TypeTag:
			t = x.Type
		default:
			return false
		}
	}
	return false
}

// isBigEndianName reports whether a typedef name is a kernel big-endian
// integer: __be16, __be32, __be64.
func isBigEndianName(name string) bool {
	switch name {
	case "__be16", "__be32", "__be64":
		return true
	}
	return false
}

// userPointer reports whether t is a pointer whose target carries the BTF
// type tag "user" (__user in kernels built with type tags).
func userPointer(t btf.Type) bool {
	for range 16 {
		switch x := t.(type) {
		case *btf.Pointer:
			for tt, ok := x.Target.(*btf.TypeTag); ok; tt, ok = tt.Type.(*btf.TypeTag) {
				if tt.Value == "user" {
					return true
				}
			}
			return false
		case *btf.Typedef:
			t = x.Type
		case *btf.Const:
			t = x.Type
		case *btf.Volatile:
			t = x.Type
		case *btf.Restrict:
			t = x.Type
		default:
			return false
		}
	}
	return false
}

func generateTracepoints(k *kernel.Kernel) []Tracepoint {
	ids := k.Tracepoints()
	out := make([]Tracepoint, 0, len(ids))
	for _, id := range ids {
		tp, ok := k.Tracepoint(id.Category, id.Name)
		if !ok {
			continue
		}
		t := Tracepoint{Name: id.String()}
		enter := id.Category == "syscalls" && strings.HasPrefix(id.Name, "sys_enter_")
		exit := id.Category == "syscalls" && strings.HasPrefix(id.Name, "sys_exit_") && id.Name != "sys_exit_rt_sigreturn"
		for _, f := range tp.Fields {
			if f.Common {
				continue
			}
			tf := TPField{Name: f.Name, Type: fieldType(f)}
			if strings.Contains(f.Type, "__be16") || strings.Contains(f.Type, "__be32") || strings.Contains(f.Type, "__be64") {
				tf.ByteOrder = Network
			}
			if enter && strings.HasSuffix(f.Type, "*") && !f.DataLoc && f.ArrayLen < 0 {
				tf.User = true
			}
			if exit && f.Name == "ret" {
				tf.Errno = true
				tf.Min = ptr(ErrnoMin)
			}
			t.Fields = append(t.Fields, tf)
		}
		out = append(out, t)
	}
	return out
}

// fieldType spells a tracepoint field's type with its array suffix.
func fieldType(f kernel.Field) string {
	switch {
	case f.DataLoc:
		return "__data_loc " + f.Type + "[]"
	case f.ArrayLen > 0:
		return fmt.Sprintf("%s[%d]", f.Type, f.ArrayLen)
	case f.ArrayLen == 0:
		return f.Type + "[]"
	}
	return f.Type
}

func generateFields(k *kernel.Kernel) []FieldFact {
	var out []FieldFact
	seen := make(map[fieldKey]bool)
	for _, name := range k.TypeNames() {
		if !strings.HasPrefix(name, "struct ") && !strings.HasPrefix(name, "union ") {
			continue
		}
		t, ok := k.Type(name)
		if !ok {
			continue
		}
		sname := StructName(name)
		eachMember(t, func(m btf.Member) {
			elem := m.Type
			if a, ok := elem.(*btf.Array); ok {
				elem = a.Type
			}
			if !networkOrder(elem) {
				return
			}
			key := fieldKey{sname, m.Name}
			if seen[key] {
				return
			}
			seen[key] = true
			out = append(out, FieldFact{Struct: sname, Field: m.Name, Type: typeText(m.Type), ByteOrder: Network})
		})
	}
	return out
}

// eachMember calls fn for each named member of a struct or union, looking
// into members that are anonymous structs or unions, as C does.
func eachMember(t btf.Type, fn func(btf.Member)) {
	var members []btf.Member
	switch x := t.(type) {
	case *btf.Struct:
		members = x.Members
	case *btf.Union:
		members = x.Members
	default:
		return
	}
	for _, m := range members {
		if m.Name == "" {
			eachMember(m.Type, fn)
			continue
		}
		fn(m)
	}
}

// ptr returns a pointer to a copy of v.
func ptr(v int64) *int64 { return &v }
