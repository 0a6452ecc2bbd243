package kernel

import (
	"strings"

	"github.com/cilium/ebpf/btf"
)

// btfTracepoint builds a tracepoint's fields from the BTF struct
// trace_event_raw_<name>, the record layout the kernel's TRACE_EVENT macros
// generate, for kernels whose tracefs cannot be read (not mounted, or not
// root). The record starts with "struct trace_entry ent", whose members
// become the common_* fields; a u32 "__data_loc_<field>" member becomes a
// __data_loc field whose element type BTF does not record: it is given as
// "char", the type of nearly all of them (strings).
func (k *Kernel) btfTracepoint(category, name string) (*Tracepoint, bool) {
	s, ok := k.lookupType("struct trace_event_raw_" + name).(*btf.Struct)
	if !ok {
		return nil, false
	}
	tp := &Tracepoint{TracepointID: TracepointID{category, name}}
	for _, m := range s.Members {
		off := int(m.Offset / 8)
		switch {
		case m.Name == "ent":
			tp.Fields = append(tp.Fields, commonFields(m.Type, off)...)
		case m.Name == "__data": // the flexible tail that holds __data_loc payloads
		default:
			tp.Fields = append(tp.Fields, btfField(m.Name, m.Type, off))
		}
	}
	return tp, true
}

// commonFields turns the members of struct trace_entry into the common_*
// fields tracefs shows.
func commonFields(typ btf.Type, base int) []Field {
	s, ok := btf.UnderlyingType(typ).(*btf.Struct)
	if !ok {
		return nil
	}
	fields := make([]Field, 0, len(s.Members))
	for _, m := range s.Members {
		f := btfField("common_"+m.Name, m.Type, base+int(m.Offset/8))
		f.Common = true
		fields = append(fields, f)
	}
	return fields
}

// btfField describes one member of a trace_event_raw struct as a Field.
func btfField(name string, typ btf.Type, off int) Field {
	for _, prefix := range []string{"__data_loc_", "__rel_loc_"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			return Field{Name: rest, Type: "char", DataLoc: true, Offset: off, Size: 4}
		}
	}
	f := Field{Name: name, ArrayLen: -1, Offset: off}
	if size, err := btf.Sizeof(typ); err == nil {
		f.Size = size
	}
	if arr, ok := typ.(*btf.Array); ok {
		f.ArrayLen = int(arr.Nelems)
		f.Type = cTypeName(arr.Type)
		return f
	}
	f.Type = cTypeName(typ)
	f.Signed = isSigned(typ)
	return f
}

// isSigned reports whether typ is a signed integer or enum type.
func isSigned(typ btf.Type) bool {
	switch t := btf.UnderlyingType(typ).(type) {
	case *btf.Int:
		return t.Encoding&btf.Signed != 0
	case *btf.Enum:
		return t.Signed
	}
	return false
}

// maxTypeDepth bounds how many qualifiers and pointers cTypeName follows:
// far more than C code uses, and hostile BTF may hold cycles.
const maxTypeDepth = 32

// cTypeName spells typ as a C type without a declarator name, the way
// tracefs formats do: "const char *", "struct sock *", "u32".
func cTypeName(typ btf.Type) string {
	return cTypeNameDepth(typ, maxTypeDepth)
}

func cTypeNameDepth(typ btf.Type, depth int) string {
	if depth == 0 {
		return "?"
	}
	depth--
	switch t := typ.(type) {
	case *btf.Void:
		return "void"
	case *btf.Pointer:
		if _, ok := t.Target.(*btf.FuncProto); ok {
			return "void *"
		}
		return cTypeNameDepth(t.Target, depth) + " *"
	case *btf.Const:
		return "const " + cTypeNameDepth(t.Type, depth)
	case *btf.Volatile:
		return "volatile " + cTypeNameDepth(t.Type, depth)
	case *btf.Restrict:
		return cTypeNameDepth(t.Type, depth)
	case *btf.TypeTag:
		return cTypeNameDepth(t.Type, depth)
	case *btf.Struct:
		return "struct " + t.Name
	case *btf.Union:
		return "union " + t.Name
	case *btf.Enum:
		return "enum " + t.Name
	case *btf.Fwd:
		if t.Kind == btf.FwdUnion {
			return "union " + t.Name
		}
		return "struct " + t.Name
	case *btf.Array:
		return cTypeNameDepth(t.Type, depth) + " *"
	case *btf.FuncProto:
		return "void"
	case *btf.Int:
		if name, ok := tracefsIntNames[t.Name]; ok {
			return name
		}
		return t.Name
	case nil:
		return "?"
	}
	return typ.TypeName()
}

// tracefsIntNames maps GCC's DWARF names of integer types, which BTF
// keeps, to the shorter spelling tracefs formats use.
var tracefsIntNames = map[string]string{
	"short int":              "short",
	"short unsigned int":     "unsigned short",
	"long int":               "long",
	"long unsigned int":      "unsigned long",
	"long long int":          "long long",
	"long long unsigned int": "unsigned long long",
	"_Bool":                  "bool",
}
