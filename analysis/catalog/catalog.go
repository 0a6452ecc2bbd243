// Package catalog describes bpftrace's probe kinds, builtin variables and
// builtin functions: their signatures, where they may be used, the bpftrace
// version that introduced them and a one-line description. The semantic
// checker, hover and completion all read it.
package catalog

import "github.com/kenlsp/ken/analysis/dialect"

// ProbeKind is one attach point provider such as kprobe or tracepoint.
type ProbeKind struct {
	Name    string   // canonical name as bpftrace 0.26 spells it: "kprobe", "begin", "fentry"
	Aliases []string // other accepted spellings: "k", "BEGIN", "kfunc"
	Parts   []string // names of the colon-separated parts after the provider, e.g. {"function"}; {"category", "name"}
	// MinParts is how many of Parts are required (uprobe's target may be
	// implied with -p, kprobe's module is optional, ...).
	MinParts  int
	Wildcards bool // the attach point may contain * wildcards
	Doc       string
	Since     dialect.Version // zero: every modelled version
	Until     dialect.Version // zero: still supported; else the first version without it
}

// Variable is a builtin variable such as pid or retval.
type Variable struct {
	Name  string
	Type  string   // as bpftrace prints it: "uint32", "string[16]", "kstack", "ctx pointer"
	Kinds []string // canonical probe kinds where it is valid; nil: every kind
	Doc   string
	Since dialect.Version
	Until dialect.Version
}

// Function is a builtin function such as printf or count.
type Function struct {
	Name      string
	Signature string // as documented: "str(char *data [, int64 length]) : string"
	MinArgs   int
	MaxArgs   int // -1: variadic
	Returns   string
	Kinds     []string // canonical probe kinds where it is valid; nil: every kind
	// Aggregation marks count, sum, hist...: valid only as the value assigned
	// to a map (@x = count()).
	Aggregation bool
	// Statement marks functions with no value (printf, exit, clear...):
	// valid only as a statement.
	Statement bool
	Doc       string
	Since     dialect.Version
	Until     dialect.Version
}
