// Package catalog describes bpftrace's probe kinds, builtin variables and
// builtin functions: their signatures, where they may be used, the bpftrace
// version that introduced them and a one-line description. The semantic
// checker, hover and completion all read it.
//
// Every entry describes the newest modelled release (dialect.Newest). Where
// an older release differed, the Older* fields record how: each is a list
// ordered by its Until version, oldest first, and an entry applies to every
// version before its Until that no earlier entry covers. The *In methods
// (KindsIn, ArgsIn, TypeIn, ...) resolve that history for one version.
//
// Probe kinds are named by their canonical 0.26 spelling ("fentry", "begin");
// CanonicalKind maps every alias to it.
package catalog

import "github.com/kenlsp/ken/analysis/dialect"

// ProbeKind is one attach point provider such as kprobe or tracepoint.
type ProbeKind struct {
	Name    string   // canonical name as bpftrace 0.26 spells it: "kprobe", "begin", "fentry"
	Aliases []string // other accepted spellings: "k", "BEGIN", "kfunc"
	// Parts names the colon-separated parts after the provider in their
	// fullest form, e.g. {"module", "function"}; {"category", "name"}.
	// len(Parts) is the most parts the kind accepts.
	Parts []string
	// MinParts is how many of Parts are required (uprobe's target may be
	// implied with -p, kprobe's module is optional, ...).
	MinParts  int
	Wildcards bool // the attach point may contain * wildcards
	Doc       string
	Since     dialect.Version // zero: every modelled version
	Until     dialect.Version // zero: still supported; else the first version without it
	// ProbeType is what the probetype builtin yields in these probes:
	// "special" for begin, end and self, "benchmark" for bench.
	ProbeType string
	// NameSince gives, for Name or an alias accepted later than Since, the
	// first version accepting that spelling ("begin" only from 0.24).
	NameSince map[string]dialect.Version
	// OlderLayouts records attach point layouts of older versions.
	OlderLayouts []LayoutBefore
}

// LayoutBefore is the attach point layout a probe kind had in versions
// older than Until.
type LayoutBefore struct {
	Until    dialect.Version
	Parts    []string
	MinParts int
}

// Variable is a builtin variable such as pid or retval.
type Variable struct {
	Name  string
	Type  string   // as bpftrace prints it: "uint32", "string[16]", "kstack", "ctx pointer"
	Kinds []string // canonical probe kinds where it is valid; nil: every kind
	Doc   string
	Since dialect.Version
	Until dialect.Version
	// Family marks a name ending in N that stands for a numbered family:
	// "argN" covers arg0, arg1, ...; "$N" covers $1, $2, ...
	Family bool
	// Internal marks spellings bpftrace accepts but does not document, such
	// as __builtin_comm; completion should not offer them.
	Internal bool
	// OlderKinds records the kinds it was valid in before some versions.
	OlderKinds []KindsBefore
	// OlderTypes records types it had before some versions.
	OlderTypes []TypeBefore
}

// Function is a builtin function such as printf or count.
type Function struct {
	Name      string
	Signature string // as documented: "str(char *data [, int64 length]) : string"
	MinArgs   int
	MaxArgs   int // -1: variadic
	// Returns is the result type as bpftrace prints it; "none" for
	// statements. T, N and similar placeholders stand for parts that depend
	// on the arguments ("T *", "uintN").
	Returns string
	Kinds   []string // canonical probe kinds where it is valid; nil: every kind
	// Aggregation marks count, sum, hist...: valid only as the value assigned
	// to a map (@x = count()).
	Aggregation bool
	// Statement marks functions with no value (printf, exit, clear...):
	// valid only as a statement.
	Statement bool
	Doc       string
	Since     dialect.Version
	Until     dialect.Version
	// Unsafe marks functions that need bpftrace's --unsafe flag.
	Unsafe bool
	// Internal marks helpers bpftrace accepts but that mostly serve its own
	// library code; completion may rank them low.
	Internal bool
	// StatementBefore, when non-zero, is the first version in which the
	// function has a value; older versions treat it as a statement.
	StatementBefore dialect.Version
	// OlderArgs records argument counts accepted before some versions.
	OlderArgs []ArgsBefore
	// OlderKinds records the kinds it was valid in before some versions.
	OlderKinds []KindsBefore
	// OlderReturns records result types it had before some versions.
	OlderReturns []TypeBefore
}

// KindsBefore is the set of probe kinds a builtin was valid in for versions
// older than Until.
type KindsBefore struct {
	Until dialect.Version
	Kinds []string // canonical kinds; nil: every kind
}

// TypeBefore is the type a builtin had in versions older than Until.
type TypeBefore struct {
	Until dialect.Version
	Type  string
}

// ArgsBefore is the argument count a function accepted in versions older
// than Until.
type ArgsBefore struct {
	Until   dialect.Version
	MinArgs int
	MaxArgs int // -1: variadic
}
