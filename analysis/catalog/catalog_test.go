package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/dialect"
)

func TestLookupProbeKind(t *testing.T) {
	tests := []struct {
		name string
		want string // "" when unknown
	}{
		{"kprobe", "kprobe"}, {"k", "kprobe"}, {"kr", "kretprobe"},
		{"u", "uprobe"}, {"ur", "uretprobe"}, {"U", "usdt"},
		{"t", "tracepoint"}, {"rt", "rawtracepoint"}, {"p", "profile"},
		{"i", "interval"}, {"s", "software"}, {"h", "hardware"},
		{"w", "watchpoint"}, {"aw", "asyncwatchpoint"},
		{"f", "fentry"}, {"kfunc", "fentry"}, {"fentry", "fentry"},
		{"fr", "fexit"}, {"kretfunc", "fexit"}, {"fexit", "fexit"},
		{"it", "iter"}, {"BEGIN", "begin"}, {"begin", "begin"}, {"END", "end"},
		{"self", "self"}, {"bench", "bench"}, {"test", "test"},
		{"KPROBE", "kprobe"}, {"Begin", "begin"},
		{"kprob", ""}, {"", ""}, {"x", ""},
	}
	for _, tt := range tests {
		if got := CanonicalKind(tt.name); got != tt.want {
			t.Errorf("CanonicalKind(%q) = %q, want %q", tt.name, got, tt.want)
		}
		k, ok := LookupProbeKind(tt.name)
		if ok != (tt.want != "") || k.Name != tt.want {
			t.Errorf("LookupProbeKind(%q) = %q, %v", tt.name, k.Name, ok)
		}
	}
}

func TestProbeKindVersions(t *testing.T) {
	tests := []struct {
		spelling string
		ver      dialect.Version
		want     bool
	}{
		{"BEGIN", dialect.V(0, 17), true},
		{"begin", dialect.V(0, 23), false},
		{"begin", dialect.V(0, 24), true},
		{"BEGIN", dialect.V(0, 26), true},
		{"kfunc", dialect.V(0, 17), true},
		{"fentry", dialect.V(0, 19), false},
		{"fentry", dialect.V(0, 20), true},
		{"fexit", dialect.V(0, 20), true},
		{"rawtracepoint", dialect.V(0, 17), false},
		{"rt", dialect.V(0, 18), true},
		{"self", dialect.V(0, 21), false},
		{"self", dialect.V(0, 22), true},
		{"bench", dialect.V(0, 23), false},
		{"bench", dialect.V(0, 24), true},
		{"test", dialect.V(0, 24), false},
		{"test", dialect.V(0, 25), true},
		{"asyncwatchpoint", dialect.V(0, 24), true},
		{"aw", dialect.V(0, 25), false},
		{"KPROBE", dialect.V(0, 23), false},
		{"KPROBE", dialect.V(0, 24), true},
		{"U", dialect.V(0, 26), true},
	}
	for _, tt := range tests {
		k, ok := LookupProbeKind(tt.spelling)
		if !ok {
			t.Fatalf("LookupProbeKind(%q) failed", tt.spelling)
		}
		if got := k.AcceptsName(tt.spelling, tt.ver); got != tt.want {
			t.Errorf("%s.AcceptsName(%q, %v) = %v, want %v", k.Name, tt.spelling, tt.ver, got, tt.want)
		}
	}
}

func TestLayoutIn(t *testing.T) {
	tests := []struct {
		kind     string
		ver      dialect.Version
		maxParts int
		minParts int
	}{
		{"kprobe", dialect.V(0, 19), 1, 1},
		{"kprobe", dialect.V(0, 20), 2, 1},
		{"interval", dialect.V(0, 23), 2, 2},
		{"interval", dialect.V(0, 24), 2, 1},
		{"rawtracepoint", dialect.V(0, 23), 1, 1},
		{"rawtracepoint", dialect.V(0, 24), 2, 1},
		{"tracepoint", dialect.V(0, 26), 2, 2},
		{"begin", dialect.V(0, 26), 0, 0},
		{"watchpoint", dialect.V(0, 17), 3, 3},
	}
	for _, tt := range tests {
		k, _ := LookupProbeKind(tt.kind)
		parts, minParts := k.LayoutIn(tt.ver)
		if len(parts) != tt.maxParts || minParts != tt.minParts {
			t.Errorf("%s.LayoutIn(%v) = %v, %d; want %d parts, min %d", tt.kind, tt.ver, parts, minParts, tt.maxParts, tt.minParts)
		}
	}
}

func TestLookupVariable(t *testing.T) {
	tests := []struct {
		name string
		want string // "" when unknown
	}{
		{"pid", "pid"}, {"arg0", "argN"}, {"arg3", "argN"}, {"arg12", "argN"},
		{"argN", "argN"}, {"sarg0", "sargN"}, {"$1", "$N"}, {"$10", "$N"}, {"$#", "$#"},
		{"retval", "retval"}, {"__builtin_comm", "__builtin_comm"},
		{"arg", ""}, {"argx", ""}, {"sarg", ""}, {"$", ""}, {"$x", ""}, {"nosuch", ""},
	}
	for _, tt := range tests {
		va, ok := LookupVariable(tt.name)
		if ok != (tt.want != "") || va.Name != tt.want {
			t.Errorf("LookupVariable(%q) = %q, %v; want %q", tt.name, va.Name, ok, tt.want)
		}
	}
}

func TestVariableKinds(t *testing.T) {
	tests := []struct {
		variable string
		kind     string
		ver      dialect.Version // zero: newest
		want     bool
	}{
		{"retval", "kprobe", dialect.Version{}, false},
		{"retval", "kretprobe", dialect.Version{}, true},
		{"retval", "uretprobe", dialect.Version{}, true},
		{"retval", "fexit", dialect.Version{}, true},
		{"retval", "kretfunc", dialect.V(0, 17), true},
		{"retval", "tracepoint", dialect.Version{}, false},
		{"args", "tracepoint", dialect.Version{}, true},
		{"args", "t", dialect.V(0, 17), true},
		{"args", "fentry", dialect.Version{}, true},
		{"args", "uprobe", dialect.Version{}, true},
		{"args", "kprobe", dialect.Version{}, false},
		{"args", "rawtracepoint", dialect.V(0, 23), false},
		{"args", "rawtracepoint", dialect.V(0, 24), true},
		{"arg3", "kprobe", dialect.Version{}, true},
		{"arg0", "usdt", dialect.Version{}, true},
		{"arg0", "rawtracepoint", dialect.Version{}, true},
		{"arg0", "tracepoint", dialect.Version{}, false},
		{"arg0", "kretprobe", dialect.Version{}, false},
		{"arg0", "fentry", dialect.Version{}, false},
		{"sarg0", "uprobe", dialect.V(0, 24), true},
		{"sarg0", "usdt", dialect.V(0, 24), false},
		{"func", "kprobe", dialect.Version{}, true},
		{"func", "uretprobe", dialect.Version{}, true},
		{"func", "fentry", dialect.V(0, 18), false},
		{"func", "fentry", dialect.V(0, 19), true},
		{"func", "tracepoint", dialect.Version{}, false},
		{"ctx", "kprobe", dialect.Version{}, true},
		{"ctx", "iter", dialect.Version{}, true},
		{"ctx", "tracepoint", dialect.Version{}, false},
		{"ctx", "BEGIN", dialect.Version{}, false},
		{"probe", "BEGIN", dialect.Version{}, true},
		{"kstack", "begin", dialect.Version{}, true},
		{"pid", "anything", dialect.Version{}, true},
	}
	for _, tt := range tests {
		va, ok := LookupVariable(tt.variable)
		if !ok {
			t.Fatalf("LookupVariable(%q) failed", tt.variable)
		}
		got := va.AllowedInAt(tt.kind, tt.ver)
		if got != tt.want {
			t.Errorf("%s.AllowedInAt(%q, %v) = %v, want %v", tt.variable, tt.kind, tt.ver, got, tt.want)
		}
		if tt.ver.IsZero() && va.AllowedIn(tt.kind) != got {
			t.Errorf("%s.AllowedIn(%q) disagrees with AllowedInAt", tt.variable, tt.kind)
		}
	}
}

func TestFunctionKinds(t *testing.T) {
	tests := []struct {
		function string
		kind     string
		ver      dialect.Version // zero: newest
		want     bool
	}{
		{"override", "kprobe", dialect.Version{}, true},
		{"override", "kretprobe", dialect.Version{}, false},
		{"override", "fentry", dialect.Version{}, false},
		{"reg", "kprobe", dialect.Version{}, true},
		{"reg", "profile", dialect.Version{}, true},
		{"reg", "tracepoint", dialect.Version{}, false},
		{"reg", "fentry", dialect.Version{}, false},
		{"reg", "begin", dialect.Version{}, false},
		{"uaddr", "uprobe", dialect.Version{}, true},
		{"uaddr", "U", dialect.Version{}, true},
		{"uaddr", "kprobe", dialect.Version{}, false},
		{"signal", "kprobe", dialect.Version{}, true},
		{"signal", "tracepoint", dialect.Version{}, true},
		{"signal", "interval", dialect.Version{}, false},
		{"signal", "BEGIN", dialect.Version{}, false},
		{"path", "fentry", dialect.Version{}, true},
		{"path", "iter", dialect.Version{}, true},
		{"path", "kprobe", dialect.Version{}, false},
		{"skboutput", "kprobe", dialect.V(0, 23), true},
		{"skboutput", "kprobe", dialect.V(0, 24), false},
		{"skboutput", "fentry", dialect.V(0, 24), true},
		{"socket_cookie", "fexit", dialect.Version{}, true},
		{"printf", "begin", dialect.Version{}, true},
		{"retval", "kretprobe", dialect.Version{}, true},
		{"retval", "kprobe", dialect.Version{}, false},
	}
	for _, tt := range tests {
		f, ok := LookupFunction(tt.function)
		if !ok {
			t.Fatalf("LookupFunction(%q) failed", tt.function)
		}
		got := f.AllowedInAt(tt.kind, tt.ver)
		if got != tt.want {
			t.Errorf("%s.AllowedInAt(%q, %v) = %v, want %v", tt.function, tt.kind, tt.ver, got, tt.want)
		}
		if tt.ver.IsZero() && f.AllowedIn(tt.kind) != got {
			t.Errorf("%s.AllowedIn(%q) disagrees with AllowedInAt", tt.function, tt.kind)
		}
	}
}

func TestAvailableIn(t *testing.T) {
	type availability interface{ AvailableIn(dialect.Version) bool }
	lookup := func(kind, name string) availability {
		var (
			a  availability
			ok bool
		)
		switch kind {
		case "var":
			a, ok = LookupVariable(name)
		case "func":
			a, ok = LookupFunction(name)
		case "probe":
			a, ok = LookupProbeKind(name)
		}
		if !ok {
			t.Fatalf("no %s %q", kind, name)
		}
		return a
	}
	tests := []struct {
		kind, name string
		ver        dialect.Version
		want       bool
	}{
		{"var", "jiffies", dialect.V(0, 19), false},
		{"var", "jiffies", dialect.V(0, 20), true},
		{"var", "ncpus", dialect.V(0, 23), false},
		{"var", "ncpus", dialect.V(0, 24), true},
		{"var", "sarg1", dialect.V(0, 24), true},
		{"var", "sarg1", dialect.V(0, 25), false},
		{"var", "__builtin_comm", dialect.V(0, 23), false},
		{"var", "__builtin_numaid", dialect.V(0, 25), true},
		{"var", "__builtin_numaid", dialect.V(0, 26), false},
		{"var", "pid", dialect.V(0, 17), true},
		{"var", "pid", dialect.Version{Major: 0, Minor: 16}, true}, // clamped to 0.17
		{"func", "len", dialect.V(0, 19), false},
		{"func", "len", dialect.V(0, 20), true},
		{"func", "has_key", dialect.V(0, 22), true},
		{"func", "offsetof", dialect.V(0, 17), false},
		{"func", "nsecs", dialect.V(0, 18), false},
		{"func", "nsecs", dialect.V(0, 19), true},
		{"func", "comm", dialect.V(0, 23), false},
		{"func", "comm", dialect.V(0, 24), true},
		{"func", "errorf", dialect.V(0, 24), true},
		{"func", "warnf", dialect.V(0, 24), false},
		{"func", "probetype", dialect.V(0, 24), false},
		{"func", "probetype", dialect.V(0, 25), true},
		{"func", "tseries", dialect.V(0, 24), true},
		{"func", "write_user", dialect.V(0, 25), false},
		{"func", "write_user", dialect.Version{}, true},
		{"probe", "fentry", dialect.V(0, 17), true},
		{"probe", "asyncwatchpoint", dialect.Version{}, false},
	}
	for _, tt := range tests {
		if got := lookup(tt.kind, tt.name).AvailableIn(tt.ver); got != tt.want {
			t.Errorf("%s %q AvailableIn(%v) = %v, want %v", tt.kind, tt.name, tt.ver, got, tt.want)
		}
	}
}

func TestVersionedDetails(t *testing.T) {
	args := []struct {
		function string
		ver      dialect.Version
		min, max int
	}{
		{"exit", dialect.V(0, 21), 0, 0},
		{"exit", dialect.V(0, 22), 0, 1},
		{"delete", dialect.V(0, 20), 1, 1},
		{"delete", dialect.V(0, 21), 1, -1},
		{"delete", dialect.V(0, 22), 1, 2},
		{"hist", dialect.V(0, 19), 1, 1},
		{"hist", dialect.V(0, 20), 1, 2},
		{"path", dialect.V(0, 21), 1, 1},
		{"path", dialect.V(0, 22), 1, 2},
		{"getopt", dialect.V(0, 24), 1, 2},
		{"getopt", dialect.V(0, 25), 1, 3},
		{"printf", dialect.Version{}, 1, -1},
	}
	for _, tt := range args {
		f, _ := LookupFunction(tt.function)
		if lo, hi := f.ArgsIn(tt.ver); lo != tt.min || hi != tt.max {
			t.Errorf("%s.ArgsIn(%v) = %d, %d; want %d, %d", tt.function, tt.ver, lo, hi, tt.min, tt.max)
		}
	}

	del, _ := LookupFunction("delete")
	if !del.StatementIn(dialect.V(0, 23)) || del.StatementIn(dialect.V(0, 24)) {
		t.Error("delete should be a statement before 0.24 only")
	}
	if got := del.ReturnsIn(dialect.V(0, 23)); got != "none" {
		t.Errorf("delete returns %q in 0.23", got)
	}
	printf, _ := LookupFunction("printf")
	if !printf.StatementIn(dialect.Version{}) {
		t.Error("printf should be a statement")
	}
	pid, _ := LookupVariable("pid")
	if pid.TypeIn(dialect.V(0, 21)) != "uint64" || pid.TypeIn(dialect.V(0, 22)) != "uint32" {
		t.Error("pid is uint64 before 0.22 and uint32 from it")
	}
	count, _ := LookupFunction("count")
	if !count.Aggregation {
		t.Error("count should be an aggregation")
	}
	cpu, _ := LookupFunction("cpu")
	if cpu.MinArgs != 0 || cpu.MaxArgs != 0 || cpu.Since != dialect.V(0, 24) {
		t.Errorf("cpu() call form = %+v", cpu)
	}
}

// TestConsistency checks invariants every entry must keep.
func TestConsistency(t *testing.T) {
	seen := map[string]string{}
	for _, k := range ProbeKinds() {
		for _, s := range append([]string{k.Name}, k.Aliases...) {
			if prev, dup := seen[s]; dup {
				t.Errorf("probe spelling %q used by %s and %s", s, prev, k.Name)
			}
			seen[s] = k.Name
		}
		checkDoc(t, "probe "+k.Name, k.Doc)
		checkRange(t, "probe "+k.Name, k.Since, k.Until)
		if k.MinParts < 0 || k.MinParts > len(k.Parts) {
			t.Errorf("probe %s: MinParts %d with %d parts", k.Name, k.MinParts, len(k.Parts))
		}
		if k.ProbeType == "" {
			t.Errorf("probe %s: no ProbeType", k.Name)
		}
		for s := range k.NameSince {
			if !slices.Contains(k.spellings(), s) {
				t.Errorf("probe %s: NameSince for unknown spelling %q", k.Name, s)
			}
		}
		var prev dialect.Version
		for _, l := range k.OlderLayouts {
			checkUntil(t, "probe "+k.Name, &prev, l.Until, k.Since, k.Until)
			if l.MinParts < 0 || l.MinParts > len(l.Parts) {
				t.Errorf("probe %s: older MinParts %d with %d parts", k.Name, l.MinParts, len(l.Parts))
			}
		}
	}

	names := map[string]bool{}
	for _, va := range Variables() {
		what := "variable " + va.Name
		if names[va.Name] {
			t.Errorf("%s listed twice", what)
		}
		names[va.Name] = true
		checkDoc(t, what, va.Doc)
		checkRange(t, what, va.Since, va.Until)
		if va.Type == "" {
			t.Errorf("%s: no Type", what)
		}
		if va.Family != strings.HasSuffix(va.Name, "N") {
			t.Errorf("%s: Family is %v", what, va.Family)
		}
		checkKinds(t, what, va.Kinds, va.OlderKinds, va.Since, va.Until)
		var prev dialect.Version
		for _, ty := range va.OlderTypes {
			checkUntil(t, what, &prev, ty.Until, va.Since, va.Until)
		}
	}

	names = map[string]bool{}
	for _, f := range Functions() {
		what := "function " + f.Name
		if names[f.Name] {
			t.Errorf("%s listed twice", what)
		}
		names[f.Name] = true
		checkDoc(t, what, f.Doc)
		checkRange(t, what, f.Since, f.Until)
		if !strings.HasPrefix(f.Signature, f.Name+"(") {
			t.Errorf("%s: signature %q does not start with the name", what, f.Signature)
		}
		if !strings.HasSuffix(f.Signature, " : "+f.Returns) {
			t.Errorf("%s: signature %q does not end in its result %q", what, f.Signature, f.Returns)
		}
		checkArgs(t, what, f.MinArgs, f.MaxArgs)
		var prev dialect.Version
		for _, a := range f.OlderArgs {
			checkUntil(t, what, &prev, a.Until, f.Since, f.Until)
			checkArgs(t, what, a.MinArgs, a.MaxArgs)
		}
		prev = dialect.Version{}
		for _, r := range f.OlderReturns {
			checkUntil(t, what, &prev, r.Until, f.Since, f.Until)
		}
		checkKinds(t, what, f.Kinds, f.OlderKinds, f.Since, f.Until)
		if f.Statement && f.Returns != "none" {
			t.Errorf("%s: statement returning %q", what, f.Returns)
		}
		if f.Statement && f.Aggregation {
			t.Errorf("%s: both statement and aggregation", what)
		}
		if !f.StatementBefore.IsZero() && f.Statement {
			t.Errorf("%s: StatementBefore set on a statement", what)
		}
	}
}

func checkDoc(t *testing.T, what, doc string) {
	t.Helper()
	switch {
	case doc == "":
		t.Errorf("%s: empty Doc", what)
	case len(doc) > 120:
		t.Errorf("%s: Doc longer than 120 bytes (%d)", what, len(doc))
	case strings.HasSuffix(doc, "."):
		t.Errorf("%s: Doc ends with a period", what)
	case strings.ContainsAny(doc, "\n\t"):
		t.Errorf("%s: Doc is not one line", what)
	case strings.TrimSpace(doc) != doc:
		t.Errorf("%s: Doc has surrounding space", what)
	}
}

func checkRange(t *testing.T, what string, since, until dialect.Version) {
	t.Helper()
	if !since.IsZero() && since.Less(dialect.Oldest) {
		t.Errorf("%s: Since %v is older than the oldest modelled version", what, since)
	}
	if !since.IsZero() && dialect.Newest.Less(since) {
		t.Errorf("%s: Since %v is newer than the newest modelled version", what, since)
	}
	if !until.IsZero() && !since.Less(until) {
		t.Errorf("%s: Until %v not after Since %v", what, until, since)
	}
}

// checkUntil checks that older entries are in increasing order and fall
// inside the entry's lifetime.
func checkUntil(t *testing.T, what string, prev *dialect.Version, until, since, end dialect.Version) {
	t.Helper()
	if !prev.Less(until) {
		t.Errorf("%s: older entries out of order at %v", what, until)
	}
	if !since.Less(until) || (!end.IsZero() && end.Less(until)) {
		t.Errorf("%s: older entry until %v outside [%v, %v)", what, until, since, end)
	}
	*prev = until
}

func checkArgs(t *testing.T, what string, lo, hi int) {
	t.Helper()
	if lo < 0 || (hi != -1 && hi < lo) {
		t.Errorf("%s: bad argument counts %d..%d", what, lo, hi)
	}
}

func checkKinds(t *testing.T, what string, kinds []string, older []KindsBefore, since, until dialect.Version) {
	t.Helper()
	check := func(ks []string) {
		for _, k := range ks {
			if CanonicalKind(k) != k {
				t.Errorf("%s: %q is not a canonical probe kind", what, k)
			}
		}
	}
	check(kinds)
	var prev dialect.Version
	for _, o := range older {
		checkUntil(t, what, &prev, o.Until, since, until)
		check(o.Kinds)
	}
}

// TestCallForms checks that every call form mirrors its variable.
func TestCallForms(t *testing.T) {
	for _, c := range callForms {
		va, _ := LookupVariable(c.name)
		f, ok := LookupFunction(c.name)
		if !ok {
			t.Errorf("no call form for %s", c.name)
			continue
		}
		if f.Returns != va.Type || !slices.Equal(f.Kinds, va.Kinds) {
			t.Errorf("%s(): %q %v differs from the variable %q %v", c.name, f.Returns, f.Kinds, va.Type, va.Kinds)
		}
	}
}
