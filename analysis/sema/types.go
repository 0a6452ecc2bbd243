package sema

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// Kind classifies a Type. Unknown is the type of anything ken could not
// determine; checks treat it as compatible with everything, so that one
// gap in ken's knowledge never becomes a false error.
type Kind int

// The kinds of bpftrace values.
const (
	Unknown   Kind = iota
	None           // no value: printf(), exit()
	Int            // integers, with width and signedness
	Bool           // true/false and comparisons in 0.24+
	String         // string[N]
	Pointer        // a typed pointer into kernel or user memory
	Record         // a C struct or union, or a tracepoint's args
	Array          // a fixed-size C array
	Tuple          // (a, b, ...)
	Aggregate      // the value of count(), sum(), hist()...
	KStack
	UStack
	Ksym
	Usym
	Inet
	Buffer
	Timestamp
	MacAddr
	CgroupPath
	StrError
	Username
)

// Type is the type of a bpftrace expression.
type Type struct {
	Kind   Kind
	Bits   int    // Int: 8, 16, 32 or 64
	Signed bool   // Int
	Name   string // Int: the C typedef (__be16, pid_t); Record: "struct sock"; Aggregate: "count"
	Size   int    // String and Buffer: bytes
	Elem   *Type  // Pointer, Array
	Len    int    // Array
	Elems  []*Type
	// BTF is the kernel type behind a Record (or a Pointer's element), used
	// for field lookups; nil for tracepoint args, which use Fields.
	BTF btf.Type
	// Fields lists a Record's members when they do not come from BTF.
	Fields []RecordField
	// Enum is set on Ints whose C type is an enum.
	Enum bool
}

// RecordField is a member of a Record that is not described by BTF.
type RecordField struct {
	Name string
	Type *Type
}

// field returns the type of the named field of a record listed field by
// field, or nil.
func (t *Type) field(name string) *Type {
	for _, f := range t.Fields {
		if f.Name == name {
			return f.Type
		}
	}
	return nil
}

var (
	unknownType = &Type{Kind: Unknown}
	noneType    = &Type{Kind: None}
	boolType    = &Type{Kind: Bool}
	int64Type   = &Type{Kind: Int, Bits: 64, Signed: true}
	uint64Type  = &Type{Kind: Int, Bits: 64}
)

// intType returns an integer type of the given width and signedness.
func intType(bits int, signed bool) *Type {
	return &Type{Kind: Int, Bits: bits, Signed: signed}
}

// stringType returns string[size].
func stringType(size int) *Type { return &Type{Kind: String, Size: size} }

// pointerTo returns a pointer to elem.
func pointerTo(elem *Type) *Type { return &Type{Kind: Pointer, Elem: elem} }

// aggregate returns the value type of the aggregation function name.
func aggregate(name string) *Type { return &Type{Kind: Aggregate, Name: name} }

// IsUnknown reports whether t carries no information.
func (t *Type) IsUnknown() bool { return t == nil || t.Kind == Unknown }

// IsIntegral reports whether t behaves as an integer in arithmetic and
// printf: integers, booleans, pointers and enums.
func (t *Type) IsIntegral() bool {
	switch t.Kind {
	case Int, Bool, Pointer:
		return true
	}
	return false
}

// String spells t as bpftrace's own messages do: int64, string[16],
// struct sock *, (int64,string[16]), count_t.
func (t *Type) String() string {
	if t == nil {
		return "unknown"
	}
	switch t.Kind {
	case Int:
		if t.Name != "" && t.Enum {
			return t.Name
		}
		if t.Signed {
			return fmt.Sprintf("int%d", t.Bits)
		}
		return fmt.Sprintf("uint%d", t.Bits)
	case String:
		return fmt.Sprintf("string[%d]", t.Size)
	case Pointer:
		return t.Elem.String() + " *"
	case Record:
		return t.Name
	case Array:
		return fmt.Sprintf("%s[%d]", t.Elem, t.Len)
	case Tuple:
		parts := make([]string, len(t.Elems))
		for i, e := range t.Elems {
			parts[i] = e.String()
		}
		return "(" + strings.Join(parts, ",") + ")"
	case Aggregate:
		return t.Name + "_t"
	case Buffer:
		return fmt.Sprintf("buffer[%d]", t.Size)
	}
	return kindNames[t.Kind]
}

var kindNames = map[Kind]string{
	Unknown:    "unknown",
	None:       "none",
	Bool:       "bool",
	KStack:     "kstack",
	UStack:     "ustack",
	Ksym:       "ksym_t",
	Usym:       "usym_t",
	Inet:       "inet",
	Timestamp:  "timestamp",
	MacAddr:    "mac_address",
	CgroupPath: "cgroup_path_t",
	StrError:   "strerror_t",
	Username:   "username",
}

// class is the coarse category bpftrace compares when it checks that two
// uses of a map agree: integers of any width agree with each other,
// strings of any size likewise.
func (t *Type) class() string {
	switch t.Kind {
	case Int, Bool:
		return "int"
	case String:
		return "string"
	case Tuple:
		parts := make([]string, len(t.Elems))
		for i, e := range t.Elems {
			parts[i] = e.class()
		}
		return "(" + strings.Join(parts, ",") + ")"
	case Pointer:
		return "pointer"
	case Record:
		return "record " + t.Name
	case Aggregate:
		return t.Name
	}
	return t.String()
}

// containsUnknown reports whether any part of t is Unknown.
func (t *Type) containsUnknown() bool {
	if t.IsUnknown() {
		return true
	}
	for _, e := range t.Elems {
		if e.containsUnknown() {
			return true
		}
	}
	return false
}

// compatible reports whether a value of type u may be stored where t was
// stored before: the same class, or either side unknown.
func compatible(t, u *Type) bool {
	if t.containsUnknown() || u.containsUnknown() {
		return true
	}
	return t.class() == u.class()
}
