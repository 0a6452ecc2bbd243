// Package kernel is ken's knowledge of one Linux kernel: its BTF types and
// functions and its tracepoints, read from the running kernel or from a
// snapshot file saved on another machine.
package kernel

import (
	"io"

	"github.com/cilium/ebpf/btf"
)

// Kernel answers questions about one kernel. It is safe for concurrent use
// once built and never changes.
type Kernel struct {
	// SKELETON: the kernel helper replaces this file.
}

// Info describes where a Kernel's knowledge came from.
type Info struct {
	Release  string // uname -r of the kernel described
	Machine  string // uname -m
	Source   string // "live" or the snapshot path
	Features Features
}

// Features are kernel capabilities that decide whether bpftrace accepts a
// probe kind.
type Features struct {
	Fentry       bool // fentry/fexit (kfunc/kretfunc) programs can be loaded
	KallsymsData bool // /proc/kallsyms lists data symbols (kaddr of variables works)
	KprobeMulti  bool
	UprobeMulti  bool
}

// TracepointID names a tracepoint.
type TracepointID struct{ Category, Name string }

// Tracepoint is one tracefs event and its fields.
type Tracepoint struct {
	TracepointID
	Fields []Field // in format-file order, common_* fields included with Common set
}

// Field is one field of a tracepoint's format.
type Field struct {
	Name     string
	Type     string // C type without the name or array suffix: "const char *", "unsigned short", "char"
	ArrayLen int    // -1 when not an array; 0 for a flexible "[]"
	DataLoc  bool   // __data_loc: a dynamic array stored elsewhere in the record
	Offset   int
	Size     int
	Signed   bool
	Common   bool // common_* header field, not part of args
}

// Live reads the running kernel: /sys/kernel/btf/vmlinux and tracefs.
func Live() (*Kernel, error) { return nil, nil }

// ReadSnapshot loads a snapshot written by WriteSnapshot.
func ReadSnapshot(path string) (*Kernel, error) { return nil, nil }

// WriteSnapshot saves everything ken knows about k to w, compressed.
func (k *Kernel) WriteSnapshot(w io.Writer) error { return nil }

// Info describes k.
func (k *Kernel) Info() Info { return Info{} }

// Func returns the BTF function named name (its Type is a *btf.FuncProto).
func (k *Kernel) Func(name string) (*btf.Func, bool) { return nil, false }

// FuncNames returns every BTF function name, sorted.
func (k *Kernel) FuncNames() []string { return nil }

// MatchFuncs returns the sorted function names matching a bpftrace wildcard
// pattern ("*" matches any run of characters), at most limit (<=0: all).
func (k *Kernel) MatchFuncs(pattern string, limit int) []string { return nil }

// Tracepoint returns the tracepoint category:name.
func (k *Kernel) Tracepoint(category, name string) (*Tracepoint, bool) { return nil, false }

// Tracepoints returns every tracepoint, sorted by category then name.
func (k *Kernel) Tracepoints() []TracepointID { return nil }

// MatchTracepoints returns the tracepoints whose category and name match the
// wildcard patterns, at most limit (<=0: all).
func (k *Kernel) MatchTracepoints(category, name string, limit int) []TracepointID { return nil }

// RawTracepoint returns the prototype of the raw tracepoint name, taken from
// the BTF typedef btf_trace_<name>; the first parameter (void *) is dropped.
func (k *Kernel) RawTracepoint(name string) (*btf.FuncProto, bool) { return nil, false }

// Type returns the named BTF type. name is written as in C: "struct sock",
// "union bpf_attr", "enum sock_type", or a typedef or base type ("pid_t",
// "int").
func (k *Kernel) Type(name string) (btf.Type, bool) { return nil, false }

// Enumerator returns the value of an enum constant such as TCP_ESTABLISHED.
func (k *Kernel) Enumerator(name string) (int64, bool) { return 0, false }

// Symbol reports whether /proc/kallsyms listed name.
func (k *Kernel) Symbol(name string) bool { return false }
