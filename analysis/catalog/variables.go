package catalog

import "github.com/kenlsp/ken/analysis/dialect"

// Probe kind sets shared by variables and functions. The facts come from
// bpftrace's semantic analyser of each release; see the comments on the
// entries that use them.
var (
	// kindsArgN: argN reads registers, so only register-based probes.
	kindsArgN = []string{"kprobe", "uprobe", "usdt", "rawtracepoint"}
	// kindsSargN: sargN reads the stack of a probed function.
	kindsSargN = []string{"kprobe", "uprobe"}
	// kindsRetval: bpftrace also lets fentry through its first check but
	// then fails to find a return value, so fentry is left out.
	kindsRetval = []string{"kretprobe", "uretprobe", "fexit"}
	// kindsFunc: fentry and fexit since 0.19 (they need get_func_ip).
	kindsFunc    = []string{"kprobe", "kretprobe", "uprobe", "uretprobe", "fentry", "fexit"}
	kindsFuncOld = []string{"kprobe", "kretprobe", "uprobe", "uretprobe"}
	// kindsArgs: rawtracepoint since 0.24; uprobe needs DWARF.
	kindsArgs    = []string{"tracepoint", "rawtracepoint", "fentry", "fexit", "uprobe"}
	kindsArgsOld = []string{"tracepoint", "fentry", "fexit", "uprobe"}
	// kindsCtx: kprobe-like and perf event programs, and iterators.
	kindsCtx = []string{
		"kprobe", "kretprobe", "uprobe", "uretprobe", "usdt",
		"profile", "interval", "software", "hardware", "watchpoint", "asyncwatchpoint",
		"iter",
	}
)

// variables lists every builtin variable. Entries whose Name ends in N are
// families (see Variable.Family).
var variables = []Variable{
	{
		Name: "pid", Type: "uint32",
		Doc:        "Process ID (thread group ID) of the current task",
		OlderTypes: []TypeBefore{{Until: rel(0, 22), Type: "uint64"}},
	},
	{
		Name: "tid", Type: "uint32",
		Doc:        "Thread ID of the current task",
		OlderTypes: []TypeBefore{{Until: rel(0, 22), Type: "uint64"}},
	},
	{Name: "uid", Type: "uint64", Doc: "User ID of the current task, in the initial namespace"},
	{Name: "gid", Type: "uint64", Doc: "Group ID of the current task, in the initial namespace"},
	{Name: "nsecs", Type: "uint64", Doc: "Current time in nanoseconds since boot"},
	{Name: "elapsed", Type: "uint64", Doc: "Nanoseconds since bpftrace started"},
	{Name: "numaid", Type: "uint64", Doc: "NUMA node the probe runs on"},
	{Name: "cpu", Type: "uint64", Doc: "Processor the probe runs on"},
	{Name: "ncpus", Type: "uint64", Doc: "Number of CPUs of the machine", Since: rel(0, 24)},
	{Name: "comm", Type: "string[16]", Doc: "Name of the current thread"},
	{Name: "kstack", Type: "kstack", Doc: "Kernel call stack at the probe"},
	{Name: "ustack", Type: "ustack", Doc: "User call stack at the probe"},
	{
		Name: "argN", Type: "uint64", Kinds: kindsArgN, Family: true,
		Doc: "The Nth argument of the traced function, read from registers (arg0 is the first)",
	},
	{
		Name: "sargN", Type: "uint64", Kinds: kindsSargN, Family: true,
		Doc:   "The Nth argument passed on the stack (deprecated in 0.21)",
		Until: rel(0, 25),
	},
	{
		Name: "retval", Type: "uint64", Kinds: kindsRetval,
		Doc: "Return value of the traced function; in fexit it keeps the BTF type",
	},
	{
		Name: "func", Type: "ksym_t", Kinds: kindsFunc,
		Doc:        "Name of the traced function (usym_t in user probes)",
		OlderKinds: []KindsBefore{{Until: rel(0, 19), Kinds: kindsFuncOld}},
	},
	{
		Name: "probe", Type: "string",
		Doc:        "Full name of the probe that fired, e.g. kprobe:vfs_read",
		OlderTypes: []TypeBefore{{Until: rel(0, 23), Type: "probe"}},
	},
	{Name: "curtask", Type: "struct task_struct *", Doc: "The current task's task_struct"},
	{Name: "rand", Type: "uint64", Doc: "A pseudo random 32-bit number"},
	{Name: "cgroup", Type: "uint64", Doc: "cgroup v2 ID of the current task"},
	{
		Name: "cpid", Type: "uint64",
		Doc:        "PID of the child command started with -c",
		OlderTypes: []TypeBefore{{Until: rel(0, 25), Type: "uint32"}},
	},
	{
		Name: "args", Type: "args record", Kinds: kindsArgs,
		Doc:        "The traced function's or tracepoint's arguments, as fields (args.name)",
		OlderKinds: []KindsBefore{{Until: rel(0, 24), Kinds: kindsArgsOld}},
	},
	{
		Name: "ctx", Type: "ctx pointer", Kinds: kindsCtx,
		Doc: "Raw pointer to the BPF program context (pt_regs, perf event data, iterator)",
	},
	{Name: "username", Type: "username", Doc: "Name of the user running the current task"},
	{Name: "jiffies", Type: "uint64", Doc: "Kernel jiffies counter", Since: rel(0, 20)},
	{Name: "usermode", Type: "uint8", Doc: "1 if the CPU was in user mode when the probe fired (x86_64 only)", Since: rel(0, 24)},
	{Name: "has_cpid", Type: "bool", Doc: "Whether a child command (-c) exists, so cpid is set", Since: rel(0, 25)},
	{Name: "ppid", Type: "int32", Doc: "PID of the current task's parent process", Since: rel(0, 25)},
	{Name: "pcomm", Type: "string[16]", Doc: "Name of the current task's parent process", Since: rel(0, 25)},
	{Name: "probetype", Type: "string", Doc: "Kind of the probe that fired, e.g. kprobe (begin and end give special)", Since: rel(0, 25)},
	{Name: "leader_tid", Type: "int32", Doc: "Thread ID of the current thread group's leader", Since: rel(0, 26)},
	{Name: "leader_comm", Type: "string[16]", Doc: "Name of the current thread group's leader", Since: rel(0, 26)},
	{
		Name: "$N", Type: "int64", Family: true,
		Doc: "Positional parameter N from the command line; 0 or \"\" when missing, use str() for text",
	},
	{Name: "$#", Type: "int64", Doc: "Number of positional parameters given"},
}

// internalSpellings lists the builtins the parser also accepts as
// __builtin_name from 0.24, with the version that dropped that spelling
// (zero: still accepted).
var internalSpellings = []struct {
	name  string
	until dialect.Version
}{
	{name: "cgroup"}, {name: "comm"}, {name: "cpid"}, {name: "cpu"}, {name: "curtask"},
	{name: "elapsed"}, {name: "func"}, {name: "gid"}, {name: "jiffies"}, {name: "ncpus"},
	{name: "numaid", until: rel(0, 26)}, {name: "probe"}, {name: "rand"}, {name: "retval"},
	{name: "uid"}, {name: "usermode"}, {name: "username"},
}

// internalVariables derives the __builtin_ spellings from the entries they
// stand for.
func internalVariables(byName map[string]Variable) []Variable {
	out := make([]Variable, 0, len(internalSpellings))
	for _, s := range internalSpellings {
		base, ok := byName[s.name]
		if !ok {
			panic("catalog: no variable " + s.name)
		}
		base.Name = "__builtin_" + s.name
		base.Internal = true
		base.Doc = "Internal spelling of " + s.name
		base.Since, base.Until = rel(0, 24), s.until
		base.OlderKinds, base.OlderTypes = nil, nil
		out = append(out, base)
	}
	return out
}
