package kernel

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cilium/ebpf/btf"
)

// Kernel answers questions about one kernel. It is safe for concurrent use
// once built and never changes.
//
// Answers are computed when first asked for: the name indexes over BTF, the
// decoded BTF types, each tracepoint's parsed format and, for a live kernel,
// the feature probes and /proc/kallsyms. A Kernel read from a snapshot of a
// live one gives the same answers as that live one, except for Info's
// Source and SnapshotFormat.
//
// Values handed out (slices, *Tracepoint, BTF types) are shared between
// callers and must not be modified.
type Kernel struct {
	info    Info   // static part; Features and the probes' notes are added by Info
	btfData []byte // the raw BTF blob, kept for WriteSnapshot

	funcs func() (*funcIndex, error)
	types func() (typeIndex, error)
	enums func() (map[string]int64, error)
	spec  func() (*btf.Spec, error)

	tpIDs []TracepointID // sorted by category, then name
	tps   []tpEntry      // tps[i] describes tpIDs[i]
	// readFormat reads a tracepoint's format text on demand (live kernels);
	// nil when every entry already holds its text (snapshots).
	readFormat func(TracepointID) []byte

	probes   func() probeResult // feature probes, computed once
	kallsyms func() []string    // sorted names of kallsyms data symbols
}

// Info describes where a Kernel's knowledge came from.
type Info struct {
	Release  string // uname -r of the kernel described
	Machine  string // uname -m
	Source   string // "live" or the snapshot path
	Features Features
	// Created is when the knowledge was gathered from the running kernel:
	// when Live ran, or when the snapshot's live kernel did. UTC, whole
	// seconds.
	Created time.Time
	// Tracefs is true when the tracepoints come from tracefs. Without it
	// Tracepoints is empty and Tracepoint falls back to BTF (see there).
	Tracefs bool
	// Notes explain knowledge that is missing or degraded, e.g. tracefs not
	// mounted or a feature probe that failed, one sentence each.
	Notes []string
	// SnapshotFormat is the format version of the snapshot read, 0 for a
	// live kernel.
	SnapshotFormat int
}

// Features are kernel capabilities that decide whether bpftrace accepts a
// probe kind.
type Features struct {
	Fentry       bool // fentry/fexit (kfunc/kretfunc) programs can be loaded
	KallsymsData bool // /proc/kallsyms lists data symbols (kaddr of variables works)
}

// TracepointID names a tracepoint.
type TracepointID struct{ Category, Name string }

// String returns "category:name".
func (id TracepointID) String() string { return id.Category + ":" + id.Name }

// compare orders tracepoints by category, then name.
func (id TracepointID) compare(other TracepointID) int {
	if c := strings.Compare(id.Category, other.Category); c != 0 {
		return c
	}
	return strings.Compare(id.Name, other.Name)
}

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

// tpEntry holds one tracepoint's format text and, once parsed, its fields.
type tpEntry struct {
	once sync.Once
	text []byte // nil: unreadable (or not read yet, on a live kernel)
	tp   *Tracepoint
}

// probeResult is what the feature probes found.
type probeResult struct {
	features Features
	notes    []string
}

// newKernel builds a Kernel around a raw BTF blob, checking it well enough
// that the lazy indexes cannot fail later.
func newKernel(info Info, btfData []byte) (*Kernel, error) {
	raw, err := parseRawBTF(btfData)
	if err != nil {
		return nil, err
	}
	if err := raw.walk(func(*btfRecord) {}); err != nil {
		return nil, err
	}
	k := &Kernel{info: info, btfData: btfData}
	k.funcs = sync.OnceValues(func() (*funcIndex, error) { return buildFuncIndex(raw) })
	k.types = sync.OnceValues(func() (typeIndex, error) { return buildTypeIndex(raw) })
	k.enums = sync.OnceValues(func() (map[string]int64, error) { return buildEnumIndex(raw) })
	k.spec = sync.OnceValues(func() (*btf.Spec, error) { return loadSpec(btfData) })
	return k, nil
}

// setTracepoints installs the sorted, duplicate-free list of tracepoints.
func (k *Kernel) setTracepoints(ids []TracepointID) {
	k.tpIDs = ids
	k.tps = make([]tpEntry, len(ids))
}

// Info describes k. On a live kernel the first call runs the feature
// probes (see Features), which takes tens of milliseconds.
func (k *Kernel) Info() Info {
	info := k.info
	p := k.probes()
	info.Features = p.features
	info.Notes = slices.Concat(k.info.Notes, p.notes)
	return info
}

// Preload starts building, in the background, what the first Type, Func
// and Enumerator lookups would otherwise build while the caller waits (the
// BTF name indexes and cilium/ebpf's decoder, about 20 ms together), and
// returns at once. A caller that knows it will look types up, such as a
// one-shot check, calls it right after loading and does other work, like
// parsing, meanwhile. Calling it more than once is harmless.
func (k *Kernel) Preload() {
	go k.spec()
	go func() {
		k.types()
		k.funcs()
		k.enums()
	}()
}

// Func returns the BTF function named name (its Type is a *btf.FuncProto).
func (k *Kernel) Func(name string) (*btf.Func, bool) {
	idx, err := k.funcs()
	if err != nil {
		return nil, false
	}
	id, ok := idx.lookup(name)
	if !ok {
		return nil, false
	}
	fn, ok := k.typeByID(id).(*btf.Func)
	return fn, ok
}

// FuncNames returns every BTF function name, sorted and without
// duplicates.
func (k *Kernel) FuncNames() []string {
	idx, err := k.funcs()
	if err != nil {
		return nil
	}
	return idx.names
}

// MatchFuncs returns the sorted function names matching a bpftrace wildcard
// pattern ("*" matches any run of characters), at most limit (<=0: all).
// See MatchWildcard.
func (k *Kernel) MatchFuncs(pattern string, limit int) []string {
	return matchSorted(k.FuncNames(), pattern, limit)
}

// Tracepoint returns the tracepoint category:name.
//
// When the kernel has no tracefs knowledge (Info().Tracefs is false), the
// fields are taken from the BTF struct trace_event_raw_<name> instead, and
// category is not checked. That struct exists only for events that have
// their own event class, so this fallback finds sched_switch but not, for
// example, the syscalls tracepoints, which exist only in tracefs.
func (k *Kernel) Tracepoint(category, name string) (*Tracepoint, bool) {
	if !k.info.Tracefs {
		return k.btfTracepoint(category, name)
	}
	id := TracepointID{category, name}
	i, ok := slices.BinarySearchFunc(k.tpIDs, id, TracepointID.compare)
	if !ok {
		return nil, false
	}
	tp := k.loadTracepoint(i)
	return tp, tp != nil
}

// loadTracepoint parses the format of the i-th tracepoint once; nil means
// its format was unreadable or described no field.
func (k *Kernel) loadTracepoint(i int) *Tracepoint {
	e := &k.tps[i]
	e.once.Do(func() {
		if k.readFormat != nil {
			e.text = k.readFormat(k.tpIDs[i])
		}
		if fields, ok := ParseFormat(e.text); ok {
			e.tp = &Tracepoint{TracepointID: k.tpIDs[i], Fields: fields}
		}
	})
	return e.tp
}

// Tracepoints returns every tracepoint, sorted by category then name; none
// when the kernel has no tracefs knowledge.
func (k *Kernel) Tracepoints() []TracepointID { return k.tpIDs }

// MatchTracepoints returns the tracepoints whose category and name match the
// wildcard patterns, at most limit (<=0: all).
func (k *Kernel) MatchTracepoints(category, name string, limit int) []TracepointID {
	var out []TracepointID
	for _, id := range k.tpIDs {
		if MatchWildcard(category, id.Category) && MatchWildcard(name, id.Name) {
			out = append(out, id)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}

// RawTracepoint returns the prototype of the raw tracepoint name, taken from
// the BTF typedef btf_trace_<name>; the first parameter (void *) is dropped.
// The result is a new FuncProto whose parameter types are shared.
func (k *Kernel) RawTracepoint(name string) (*btf.FuncProto, bool) {
	td, ok := k.lookupType("btf_trace_" + name).(*btf.Typedef)
	if !ok {
		return nil, false
	}
	ptr, ok := td.Type.(*btf.Pointer)
	if !ok {
		return nil, false
	}
	proto, ok := ptr.Target.(*btf.FuncProto)
	if !ok {
		return nil, false
	}
	params := proto.Params
	if len(params) > 0 {
		if _, ok := params[0].Type.(*btf.Pointer); ok {
			params = params[1:]
		}
	}
	return &btf.FuncProto{Return: proto.Return, Params: slices.Clone(params)}, true
}

// Enumerator returns the value of an enum constant such as TCP_ESTABLISHED.
// When several enums define the same constant, the first in BTF order wins;
// an unsigned 64-bit value above MaxInt64 is returned wrapped.
func (k *Kernel) Enumerator(name string) (int64, bool) {
	idx, err := k.enums()
	if err != nil {
		return 0, false
	}
	v, ok := idx[name]
	return v, ok
}

// Symbol reports whether /proc/kallsyms listed name as a data symbol
// (types d, D, b, B, r and R: data, bss and read-only data). Functions are
// not recorded here: FuncNames lists the traceable ones.
func (k *Kernel) Symbol(name string) bool {
	_, ok := slices.BinarySearch(k.kallsyms(), name)
	return ok
}

// typeByID decodes the BTF type id, or returns nil.
func (k *Kernel) typeByID(id btf.TypeID) (typ btf.Type) {
	spec, err := k.spec()
	if err != nil {
		return nil
	}
	defer recoverBTF(&err)
	typ, err = spec.TypeByID(id)
	if err != nil {
		return nil
	}
	return typ
}
