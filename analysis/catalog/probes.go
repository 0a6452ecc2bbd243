package catalog

import "github.com/kenlsp/ken/analysis/dialect"

// rel shortens dialect.V in the tables below.
var rel = dialect.V

// probeKinds lists every probe kind ken knows, in the order bpftrace lists
// them.
var probeKinds = []ProbeKind{
	{
		Name: "kprobe", Aliases: []string{"k"}, ProbeType: "kprobe",
		Parts: []string{"module", "function"}, MinParts: 1, Wildcards: true,
		Doc:          "Fires when a kernel function starts; the function may carry a +offset",
		OlderLayouts: []LayoutBefore{{Until: rel(0, 20), Parts: []string{"function"}, MinParts: 1}},
	},
	{
		Name: "kretprobe", Aliases: []string{"kr"}, ProbeType: "kretprobe",
		Parts: []string{"module", "function"}, MinParts: 1, Wildcards: true,
		Doc:          "Fires when a kernel function returns; retval holds the result",
		OlderLayouts: []LayoutBefore{{Until: rel(0, 20), Parts: []string{"function"}, MinParts: 1}},
	},
	{
		Name: "uprobe", Aliases: []string{"u"}, ProbeType: "uprobe",
		Parts: []string{"binary", "language", "function"}, MinParts: 1, Wildcards: true,
		Doc:          "Fires when a function in a user binary or library starts",
		OlderLayouts: []LayoutBefore{{Until: rel(0, 19), Parts: []string{"binary", "function"}, MinParts: 1}},
	},
	{
		Name: "uretprobe", Aliases: []string{"ur"}, ProbeType: "uretprobe",
		Parts: []string{"binary", "language", "function"}, MinParts: 1, Wildcards: true,
		Doc:          "Fires when a function in a user binary or library returns",
		OlderLayouts: []LayoutBefore{{Until: rel(0, 19), Parts: []string{"binary", "function"}, MinParts: 1}},
	},
	{
		Name: "usdt", Aliases: []string{"U"}, ProbeType: "usdt",
		Parts: []string{"binary", "namespace", "probe"}, MinParts: 1, Wildcards: true,
		Doc: "Fires at a static tracing point compiled into a user program",
	},
	{
		Name: "begin", Aliases: []string{"BEGIN"}, ProbeType: "special",
		Doc:       "Runs once when the program starts, before other probes attach",
		NameSince: map[string]dialect.Version{"begin": rel(0, 24)},
	},
	{
		Name: "end", Aliases: []string{"END"}, ProbeType: "special",
		Doc:       "Runs once when the program stops, after other probes detach",
		NameSince: map[string]dialect.Version{"end": rel(0, 24)},
	},
	{
		Name: "self", ProbeType: "special",
		Parts: []string{"event", "name"}, MinParts: 2,
		Doc:   "Fires on an event of the bpftrace process itself, e.g. self:signal:SIGUSR1",
		Since: rel(0, 22),
	},
	{
		Name: "test", ProbeType: "test",
		Parts: []string{"name"}, MinParts: 1,
		Doc:   "A named test case, run only in bpftrace's test mode",
		Since: rel(0, 25),
	},
	{
		Name: "bench", ProbeType: "benchmark",
		Parts: []string{"name"}, MinParts: 1,
		Doc:   "A named micro benchmark, run repeatedly only in bpftrace's bench mode",
		Since: rel(0, 24),
	},
	{
		Name: "tracepoint", Aliases: []string{"t"}, ProbeType: "tracepoint",
		Parts: []string{"category", "name"}, MinParts: 2, Wildcards: true,
		Doc: "Fires at a static kernel tracepoint; its fields are in args",
	},
	{
		Name: "rawtracepoint", Aliases: []string{"rt"}, ProbeType: "rawtracepoint",
		Parts: []string{"module", "event"}, MinParts: 1, Wildcards: true,
		Doc:          "Fires at a kernel tracepoint with its raw, unformatted arguments",
		Since:        rel(0, 18),
		OlderLayouts: []LayoutBefore{{Until: rel(0, 24), Parts: []string{"event"}, MinParts: 1}},
	},
	{
		Name: "profile", Aliases: []string{"p"}, ProbeType: "profile",
		Parts: []string{"unit", "rate"}, MinParts: 1,
		Doc:          "Samples every CPU at a fixed rate; a lone number is a period in nanoseconds",
		OlderLayouts: []LayoutBefore{{Until: rel(0, 24), Parts: []string{"unit", "rate"}, MinParts: 2}},
	},
	{
		Name: "interval", Aliases: []string{"i"}, ProbeType: "interval",
		Parts: []string{"unit", "rate"}, MinParts: 1,
		Doc:          "Fires on one CPU at a fixed period; a lone number is nanoseconds",
		OlderLayouts: []LayoutBefore{{Until: rel(0, 24), Parts: []string{"unit", "rate"}, MinParts: 2}},
	},
	{
		Name: "software", Aliases: []string{"s"}, ProbeType: "software",
		Parts: []string{"event", "count"}, MinParts: 1,
		Doc: "Samples a kernel software event such as page-faults every count occurrences",
	},
	{
		Name: "hardware", Aliases: []string{"h"}, ProbeType: "hardware",
		Parts: []string{"event", "count"}, MinParts: 1,
		Doc: "Samples a CPU performance counter such as cache-misses every count occurrences",
	},
	{
		Name: "watchpoint", Aliases: []string{"w"}, ProbeType: "watchpoint",
		Parts: []string{"address", "length", "mode"}, MinParts: 3,
		Doc: "Fires when memory at an address is read, written or executed (function+argN before 0.25)",
	},
	{
		Name: "asyncwatchpoint", Aliases: []string{"aw"}, ProbeType: "asyncwatchpoint",
		Parts: []string{"address", "length", "mode"}, MinParts: 3,
		Doc:   "Like watchpoint on function+argN, but without stopping the traced process while attaching",
		Until: rel(0, 25),
	},
	{
		Name: "fentry", Aliases: []string{"f", "kfunc"}, ProbeType: "fentry",
		Parts: []string{"module", "id", "function"}, MinParts: 1, Wildcards: true,
		Doc:          "Fires when a kernel function starts, with typed arguments in args (BTF)",
		NameSince:    map[string]dialect.Version{"fentry": rel(0, 20)},
		OlderLayouts: []LayoutBefore{{Until: rel(0, 24), Parts: []string{"module", "function"}, MinParts: 1}},
	},
	{
		Name: "fexit", Aliases: []string{"fr", "kretfunc"}, ProbeType: "fexit",
		Parts: []string{"module", "id", "function"}, MinParts: 1, Wildcards: true,
		Doc:          "Fires when a kernel function returns, with its arguments and typed retval (BTF)",
		NameSince:    map[string]dialect.Version{"fexit": rel(0, 20)},
		OlderLayouts: []LayoutBefore{{Until: rel(0, 24), Parts: []string{"module", "function"}, MinParts: 1}},
	},
	{
		Name: "iter", Aliases: []string{"it"}, ProbeType: "iter",
		Parts: []string{"iterator", "pin"}, MinParts: 1,
		Doc: "Walks kernel objects such as tasks with a BPF iterator, optionally pinned to a file",
	},
}
