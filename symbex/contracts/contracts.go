package contracts

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"sync/atomic"
)

// Format is the format version of the JSON form. A change that an older
// reader would misread gets a new version; adding an optional field does
// not.
const Format = "ken-contracts/1"

// Byte orders of integers (Param.ByteOrder, TPField.ByteOrder,
// FieldFact.ByteOrder). The empty string means the order is not stated;
// Host says outright that a value needs no conversion, which matters where
// a neighbouring value does (skc_num next to skc_dport).
const (
	Network = "network"
	Host    = "host"
)

// Return.Pointer values.
const (
	NonNull  = "nonnull"  // never NULL
	Nullable = "nullable" // NULL on failure or when there is nothing to return
	ErrPtr   = "err_ptr"  // a valid pointer or ERR_PTR(-errno), never NULL
)

// Set is a collection of contracts. Names are unique within each list.
//
// Lookups (Function, Tracepoint, Field) build their indexes on first use;
// a Set must not be modified after its first lookup, except by appending,
// which the indexes notice.
type Set struct {
	Format string `json:"format"`
	// Kernel is the release (uname -r) the generated part describes; empty
	// for a set that was written by hand only.
	Kernel      string       `json:"kernel,omitempty"`
	Functions   []Function   `json:"functions"`
	Tracepoints []Tracepoint `json:"tracepoints"`
	Fields      []FieldFact  `json:"fields"`

	idx atomic.Pointer[index]
}

// Function is the contract of one kernel function, as seen by kprobes and
// fentry (arguments) and kretprobes and fexit (retval).
type Function struct {
	Name string `json:"name"`
	// Proto is the C prototype with parameter names, as BTF gives it.
	Proto   string  `json:"proto,omitempty"`
	Params  []Param `json:"params,omitempty"`
	Returns Return  `json:"returns,omitzero"`
	// Pre holds conditions over the parameters that hold at entry; Post
	// holds conditions over retval and the parameters' entry values that
	// hold at return.
	Pre  []string `json:"pre,omitempty"`
	Post []string `json:"post,omitempty"`
	Doc  string   `json:"doc,omitempty"`
	// Curated is true for an entry that came from the curated part.
	Curated bool     `json:"curated,omitempty"`
	Tags    []string `json:"tags,omitempty"`
}

// Param is one parameter of a Function.
type Param struct {
	Name string `json:"name"`
	Type string `json:"type,omitempty"` // C type, e.g. "struct sock *"
	// NonNull: the pointer is never NULL at entry. Nullable: it may be, and
	// a probe must check before following it. Both false: not stated.
	NonNull   bool   `json:"nonnull,omitempty"`
	Nullable  bool   `json:"nullable,omitempty"`
	ByteOrder string `json:"byte_order,omitempty"` // "", Network or Host
	// User: a __user pointer into the calling process's memory, read with
	// the user-space helpers (bpftrace's str() and buf() on uptr()).
	User bool `json:"user,omitempty"`
}

// Return describes a Function's result.
type Return struct {
	Type string `json:"type,omitempty"` // C type; "void" for none
	// Errno: a negative result is an error code, -errno, in [-4095, -1].
	// With Max 0 the function returns 0 or -errno.
	Errno bool `json:"errno,omitempty"`
	// Min and Max bound the result (inclusive) when known.
	Min *int64 `json:"min,omitempty"`
	Max *int64 `json:"max,omitempty"`
	// Pointer is "", NonNull, Nullable or ErrPtr for pointer results.
	Pointer string `json:"pointer,omitempty"`
}

// Tracepoint is the contract of one tracepoint.
type Tracepoint struct {
	Name   string    `json:"name"` // "category:name"
	Fields []TPField `json:"fields,omitempty"`
	// Pre holds conditions over the field names that hold whenever the
	// tracepoint fires.
	Pre     []string `json:"pre,omitempty"`
	Doc     string   `json:"doc,omitempty"`
	Curated bool     `json:"curated,omitempty"`
	Tags    []string `json:"tags,omitempty"`
}

// TPField is one field of a Tracepoint (common_* fields are left out).
type TPField struct {
	Name string `json:"name"`
	// Type is the C type from the format file with its array suffix, e.g.
	// "char[16]", or "__data_loc char[]" for a dynamic array.
	Type      string `json:"type,omitempty"`
	ByteOrder string `json:"byte_order,omitempty"`
	User      bool   `json:"user,omitempty"`  // a __user pointer
	Errno     bool   `json:"errno,omitempty"` // negative values are -errno
	Min       *int64 `json:"min,omitempty"`
	Max       *int64 `json:"max,omitempty"`
	Doc       string `json:"doc,omitempty"`
}

// FieldFact is a fact about one member of a kernel struct or union, such as
// the network byte order of sock_common.skc_dport. A member of an anonymous
// struct or union nested in Struct is named as C reaches it: skc_dport,
// not the path through the anonymous members.
type FieldFact struct {
	Struct    string `json:"struct"` // tag name without "struct ": "sock_common"
	Field     string `json:"field"`
	Type      string `json:"type,omitempty"`
	ByteOrder string `json:"byte_order,omitempty"`
	Doc       string `json:"doc,omitempty"`
}

// index maps names to positions in a Set's lists.
type index struct {
	nf, nt, nff int // list lengths the maps were built for
	funcs       map[string]int
	tps         map[string]int
	fields      map[fieldKey]int
}

type fieldKey struct{ s, f string }

// lookupIndex returns s's indexes, building them when they are missing or
// the lists have grown since.
func (s *Set) lookupIndex() *index {
	if x := s.idx.Load(); x != nil && x.nf == len(s.Functions) && x.nt == len(s.Tracepoints) && x.nff == len(s.Fields) {
		return x
	}
	x := &index{
		nf: len(s.Functions), nt: len(s.Tracepoints), nff: len(s.Fields),
		funcs:  make(map[string]int, len(s.Functions)),
		tps:    make(map[string]int, len(s.Tracepoints)),
		fields: make(map[fieldKey]int, len(s.Fields)),
	}
	for i, f := range s.Functions {
		if _, dup := x.funcs[f.Name]; !dup {
			x.funcs[f.Name] = i
		}
	}
	for i, t := range s.Tracepoints {
		if _, dup := x.tps[t.Name]; !dup {
			x.tps[t.Name] = i
		}
	}
	for i, f := range s.Fields {
		k := fieldKey{StructName(f.Struct), f.Field}
		if _, dup := x.fields[k]; !dup {
			x.fields[k] = i
		}
	}
	s.idx.Store(x)
	return x
}

// Function returns the contract of the function name.
func (s *Set) Function(name string) (*Function, bool) {
	if s == nil {
		return nil, false
	}
	i, ok := s.lookupIndex().funcs[name]
	if !ok {
		return nil, false
	}
	return &s.Functions[i], true
}

// Tracepoint returns the contract of the tracepoint "category:name".
func (s *Set) Tracepoint(name string) (*Tracepoint, bool) {
	if s == nil {
		return nil, false
	}
	i, ok := s.lookupIndex().tps[name]
	if !ok {
		return nil, false
	}
	return &s.Tracepoints[i], true
}

// Field returns the fact about member field of the struct or union
// structName, which may be written with or without its "struct " or
// "union " keyword.
func (s *Set) Field(structName, field string) (*FieldFact, bool) {
	if s == nil {
		return nil, false
	}
	i, ok := s.lookupIndex().fields[fieldKey{StructName(structName), field}]
	if !ok {
		return nil, false
	}
	return &s.Fields[i], true
}

// Param returns f's parameter name.
func (f *Function) Param(name string) (*Param, bool) {
	for i := range f.Params {
		if f.Params[i].Name == name {
			return &f.Params[i], true
		}
	}
	return nil, false
}

// Field returns t's field name.
func (t *Tracepoint) Field(name string) (*TPField, bool) {
	for i := range t.Fields {
		if t.Fields[i].Name == name {
			return &t.Fields[i], true
		}
	}
	return nil, false
}

// StructName drops a leading "struct " or "union " and surrounding spaces:
// StructName("struct sock_common") is "sock_common".
func StructName(s string) string {
	s = strings.TrimSpace(s)
	for _, kw := range []string{"struct ", "union "} {
		if rest, ok := strings.CutPrefix(s, kw); ok {
			return strings.TrimSpace(rest)
		}
	}
	return s
}

// Write writes s as indented JSON, functions and tracepoints sorted by name
// and field facts by struct then member, so that the same set always gives
// the same bytes. It does not modify s.
func (s *Set) Write(w io.Writer) error {
	out := struct {
		Format      string       `json:"format"`
		Kernel      string       `json:"kernel,omitempty"`
		Functions   []Function   `json:"functions"`
		Tracepoints []Tracepoint `json:"tracepoints"`
		Fields      []FieldFact  `json:"fields"`
	}{
		Format:      cmp.Or(s.Format, Format),
		Kernel:      s.Kernel,
		Functions:   slices.Clone(s.Functions),
		Tracepoints: slices.Clone(s.Tracepoints),
		Fields:      slices.Clone(s.Fields),
	}
	sortSet(&out.Functions, &out.Tracepoints, &out.Fields)
	if out.Functions == nil {
		out.Functions = []Function{}
	}
	if out.Tracepoints == nil {
		out.Tracepoints = []Tracepoint{}
	}
	if out.Fields == nil {
		out.Fields = []FieldFact{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "->" and "&&" readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// sortSet sorts the lists of a set in place, stably, in Write's order.
func sortSet(fns *[]Function, tps *[]Tracepoint, fields *[]FieldFact) {
	slices.SortStableFunc(*fns, func(a, b Function) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(*tps, func(a, b Tracepoint) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(*fields, func(a, b FieldFact) int {
		return cmp.Or(strings.Compare(StructName(a.Struct), StructName(b.Struct)), strings.Compare(a.Field, b.Field))
	})
}
