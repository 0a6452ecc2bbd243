package catalog

import "github.com/kenlsp/ken/analysis/dialect"

// Probe kind sets of functions restricted to some probes.
var (
	// kindsReg: probes whose context holds the CPU registers.
	kindsReg = []string{
		"kprobe", "kretprobe", "uprobe", "uretprobe", "usdt",
		"profile", "interval", "software", "hardware", "watchpoint", "asyncwatchpoint",
	}
	// kindsUser: probes on a user binary, whose symbols uaddr resolves.
	kindsUser = []string{"uprobe", "uretprobe", "usdt"}
	// kindsSignal: probes that run in the context of the signalled task.
	kindsSignal = []string{
		"kprobe", "kretprobe", "uprobe", "uretprobe", "usdt",
		"tracepoint", "profile", "fentry", "fexit", "rawtracepoint",
	}
	// kindsPath: BTF-typed programs allowed to call bpf_d_path.
	kindsPath = []string{"fentry", "fexit", "iter"}
	// kindsTracing: probes compiled as BPF tracing programs (rawtracepoint
	// became one in 0.24).
	kindsTracing = []string{"fentry", "fexit", "iter", "rawtracepoint"}
)

// functions lists every builtin function except the call forms of builtin
// variables, which callForms derives.
var functions = []Function{
	// Output and control.
	{
		Name: "printf", Signature: "printf(string fmt, ...) : none", MinArgs: 1, MaxArgs: -1,
		Returns: "none", Statement: true,
		Doc: "Prints the arguments formatted by fmt, C style",
	},
	{
		Name: "print", Signature: "print(value | @map [, int top [, int div]]) : none", MinArgs: 1, MaxArgs: 3,
		Returns: "none", Statement: true,
		Doc: "Prints a value, or a map (only its top entries, values divided by div)",
	},
	{
		Name: "time", Signature: "time([string fmt]) : none", MinArgs: 0, MaxArgs: 1,
		Returns: "none", Statement: true,
		Doc: "Prints the current wall-clock time using strftime(3) format fmt",
	},
	{
		Name: "join", Signature: "join(char *arr[] [, string sep]) : none", MinArgs: 1, MaxArgs: 2,
		Returns: "none", Statement: true,
		Doc: "Prints the strings of a NULL-terminated array, separated by sep (a space by default)",
	},
	{
		Name: "cat", Signature: "cat(string fmt, ...) : none", MinArgs: 1, MaxArgs: -1,
		Returns: "none", Statement: true,
		Doc: "Prints the contents of the file whose name fmt and the arguments build",
	},
	{
		Name: "system", Signature: "system(string fmt, ...) : none", MinArgs: 1, MaxArgs: -1,
		Returns: "none", Statement: true, Unsafe: true,
		Doc: "Runs the shell command that fmt and the arguments build, printing its output",
	},
	{
		Name: "exit", Signature: "exit([int code]) : none", MinArgs: 0, MaxArgs: 1,
		Returns: "none", Statement: true,
		Doc:       "Stops bpftrace after end probes run; code becomes the exit status",
		OlderArgs: []ArgsBefore{{Until: rel(0, 22), MinArgs: 0, MaxArgs: 0}},
	},
	{
		Name: "debugf", Signature: "debugf(string fmt, ...) : none", MinArgs: 1, MaxArgs: -1,
		Returns: "none", Statement: true, Internal: true,
		Doc: "Writes a formatted line to the kernel trace pipe; meant for debugging only",
	},
	{
		Name: "errorf", Signature: "errorf(string fmt, ...) : none", MinArgs: 1, MaxArgs: -1,
		Returns: "none", Statement: true, Since: rel(0, 24),
		Doc: "Reports a formatted runtime error that points at this call in the source",
	},
	{
		Name: "warnf", Signature: "warnf(string fmt, ...) : none", MinArgs: 1, MaxArgs: -1,
		Returns: "none", Statement: true, Since: rel(0, 25),
		Doc: "Reports a formatted runtime warning that points at this call; silent with --no-warnings",
	},
	{
		Name: "fail", Signature: "fail(string fmt, ...) : none", MinArgs: 1, MaxArgs: -1,
		Returns: "none", Statement: true, Since: rel(0, 25),
		Doc: "Aborts compilation with a formatted error if this code is kept; literal arguments only",
	},
	{
		Name: "assert", Signature: "assert(bool cond, string msg) : none", MinArgs: 2, MaxArgs: 2,
		Returns: "none", Statement: true, Since: rel(0, 24),
		Doc: "Stops the program with an error showing msg when cond is false",
	},
	{
		Name: "static_assert", Signature: "static_assert(bool cond, string msg) : none", MinArgs: 2, MaxArgs: 2,
		Returns: "none", Statement: true, Since: rel(0, 25),
		Doc: "Aborts compilation with msg when the compile-time condition is false",
	},

	// Maps.
	{
		Name: "clear", Signature: "clear(@map) : none", MinArgs: 1, MaxArgs: 1,
		Returns: "none", Statement: true,
		Doc: "Removes every key of a map",
	},
	{
		Name: "zero", Signature: "zero(@map) : none", MinArgs: 1, MaxArgs: 1,
		Returns: "none", Statement: true,
		Doc: "Resets every value of a map to zero, keeping the keys",
	},
	{
		Name: "delete", Signature: "delete(@map [, key]) : bool", MinArgs: 1, MaxArgs: 2,
		Returns: "bool", StatementBefore: rel(0, 24),
		Doc: "Removes one key of a map (delete(@m[key]) is the old form); true if it was there",
		OlderArgs: []ArgsBefore{
			{Until: rel(0, 21), MinArgs: 1, MaxArgs: 1},
			{Until: rel(0, 22), MinArgs: 1, MaxArgs: -1},
		},
		OlderReturns: []TypeBefore{{Until: rel(0, 24), Type: "none"}},
	},
	{
		Name: "has_key", Signature: "has_key(@map, key) : bool", MinArgs: 2, MaxArgs: 2,
		Returns: "bool", Since: rel(0, 22),
		Doc:          "Whether a map holds the key",
		OlderReturns: []TypeBefore{{Until: rel(0, 24), Type: "uint8"}},
	},
	{
		Name: "find", Signature: "find(@map, key, $var) : bool", MinArgs: 3, MaxArgs: 3,
		Returns: "bool", Since: rel(0, 25),
		Doc: "Copies the value under key into $var and reports whether the key exists",
	},
	{
		Name: "len", Signature: "len(@map | kstack | ustack) : int64", MinArgs: 1, MaxArgs: 1,
		Returns: "int64", Since: rel(0, 20),
		Doc: "Number of keys in a map, or of frames in a stack (stacks from 0.23)",
	},

	// Aggregations.
	{
		Name: "count", Signature: "count() : count_t", MinArgs: 0, MaxArgs: 0,
		Returns: "count_t", Aggregation: true,
		Doc: "Counts how many times it runs",
	},
	{
		Name: "sum", Signature: "sum(int64 n) : sum_t", MinArgs: 1, MaxArgs: 1,
		Returns: "sum_t", Aggregation: true,
		Doc: "Adds up every n",
	},
	{
		Name: "avg", Signature: "avg(int64 n) : avg_t", MinArgs: 1, MaxArgs: 1,
		Returns: "avg_t", Aggregation: true,
		Doc: "Keeps the running average of n",
	},
	{
		Name: "min", Signature: "min(int64 n) : min_t", MinArgs: 1, MaxArgs: 1,
		Returns: "min_t", Aggregation: true,
		Doc: "Keeps the smallest n seen",
	},
	{
		Name: "max", Signature: "max(int64 n) : max_t", MinArgs: 1, MaxArgs: 1,
		Returns: "max_t", Aggregation: true,
		Doc: "Keeps the largest n seen",
	},
	{
		Name: "stats", Signature: "stats(int64 n) : stats_t", MinArgs: 1, MaxArgs: 1,
		Returns: "stats_t", Aggregation: true,
		Doc: "Keeps the count, average and total of n",
	},
	{
		Name: "hist", Signature: "hist(int64 n [, int k]) : hist_t", MinArgs: 1, MaxArgs: 2,
		Returns: "hist_t", Aggregation: true,
		Doc:       "Log2 histogram of n; k from 0 to 5 splits each power of two into 2^k buckets",
		OlderArgs: []ArgsBefore{{Until: rel(0, 20), MinArgs: 1, MaxArgs: 1}},
	},
	{
		Name: "lhist", Signature: "lhist(int64 n, int64 min, int64 max, int64 step) : lhist_t", MinArgs: 4, MaxArgs: 4,
		Returns: "lhist_t", Aggregation: true,
		Doc: "Linear histogram of n with buckets step wide from min to max, plus two for outliers",
	},
	{
		Name: "tseries", Signature: "tseries(int64 n, int64 interval, int64 count [, string agg]) : tseries_t",
		MinArgs: 3, MaxArgs: 4, Returns: "tseries_t", Aggregation: true, Since: rel(0, 24),
		Doc: "Time series of n over the last count intervals; agg is avg, min, max or sum",
	},

	// Strings and data.
	{
		Name: "str", Signature: "str(char *data [, int64 length]) : string", MinArgs: 1, MaxArgs: 2,
		Returns: "string",
		Doc:     "Reads a NUL-terminated string from memory, at most length bytes",
	},
	{
		Name: "buf", Signature: "buf(void *data [, int64 length]) : buffer", MinArgs: 1, MaxArgs: 2,
		Returns: "buffer",
		Doc:     "Reads length raw bytes from memory (length optional for arrays); print with %r",
	},
	{
		Name: "strncmp", Signature: "strncmp(string s1, string s2, int64 n) : uint64", MinArgs: 3, MaxArgs: 3,
		Returns: "uint64",
		Doc:     "Compares at most n characters of two strings; 0 means equal",
	},
	{
		Name: "strcontains", Signature: "strcontains(string haystack, string needle) : bool", MinArgs: 2, MaxArgs: 2,
		Returns:      "bool",
		Doc:          "Whether needle occurs in haystack",
		OlderReturns: []TypeBefore{{Until: rel(0, 24), Type: "uint64"}},
	},
	{
		Name: "strerror", Signature: "strerror(int errno) : string", MinArgs: 1, MaxArgs: 1,
		Returns:      "string",
		Doc:          "Message text for an errno value",
		OlderReturns: []TypeBefore{{Until: rel(0, 25), Type: "strerror_t"}},
	},
	{
		Name: "strftime", Signature: "strftime(string fmt, int64 nsecs) : timestamp", MinArgs: 2, MaxArgs: 2,
		Returns: "timestamp",
		Doc:     "Formats a boot-relative nanosecond timestamp as wall-clock time when printed",
	},
	{
		Name: "strlen", Signature: "strlen(string s) : uint64", MinArgs: 1, MaxArgs: 1,
		Returns: "uint64", Since: rel(0, 25),
		Doc: "Length of a string, char array or char pointer",
	},
	{
		Name: "strcap", Signature: "strcap(string s) : int64", MinArgs: 1, MaxArgs: 1,
		Returns: "int64", Since: rel(0, 25),
		Doc: "Buffer capacity of a string-like value, which bounds its length",
	},
	{
		Name: "strstr", Signature: "strstr(string haystack, string needle) : int64", MinArgs: 2, MaxArgs: 2,
		Returns: "int64", Since: rel(0, 25),
		Doc: "Position of needle in haystack, or -1 if absent",
	},
	{
		Name: "memcmp", Signature: "memcmp(left, right, uint64 count) : int64", MinArgs: 3, MaxArgs: 3,
		Returns: "int64", Since: rel(0, 25),
		Doc: "Compares the first count bytes of two values; 0 means equal",
	},
	{
		Name: "syscall_name", Signature: "syscall_name(int nr) : string", MinArgs: 1, MaxArgs: 1,
		Returns: "string", Since: rel(0, 25),
		Doc: "Name of a system call number",
	},
	{
		Name: "signal_name", Signature: "signal_name(int sig) : string", MinArgs: 1, MaxArgs: 1,
		Returns: "string", Since: rel(0, 26),
		Doc: "Name of a signal number",
	},
	{
		Name: "path", Signature: "path(struct path *p [, int32 size]) : string", MinArgs: 1, MaxArgs: 2,
		Returns: "string", Kinds: kindsPath,
		Doc:       "Full path of a struct path, at most size bytes (needs kernel 5.10)",
		OlderArgs: []ArgsBefore{{Until: rel(0, 22), MinArgs: 1, MaxArgs: 1}},
	},
	{
		Name: "ntop", Signature: "ntop([int64 af,] int | char[4] | char[16] addr) : inet", MinArgs: 1, MaxArgs: 2,
		Returns: "inet",
		Doc:     "Text form of an IPv4 or IPv6 address, the family guessed from its size",
	},
	{
		Name: "pton", Signature: "pton(string addr) : uint8[N]", MinArgs: 1, MaxArgs: 1,
		Returns: "uint8[N]",
		Doc:     "Bytes of a literal IPv4 (4) or IPv6 (16) address, computed at compile time",
	},
	{
		Name: "macaddr", Signature: "macaddr(char[6] mac) : mac_address", MinArgs: 1, MaxArgs: 1,
		Returns: "mac_address",
		Doc:     "Six bytes shown as a MAC address when printed",
	},
	{
		Name: "bswap", Signature: "bswap(uintN n) : uintN", MinArgs: 1, MaxArgs: 1,
		Returns: "uintN",
		Doc:     "Integer with its bytes in reverse order",
	},
	{
		Name: "cgroup_path", Signature: "cgroup_path(int cgroupid [, string filter]) : cgroup_path_t", MinArgs: 1, MaxArgs: 2,
		Returns: "cgroup_path_t",
		Doc:     "Path of a cgroup ID, looked up only when printed",
	},

	// Symbols, addresses and stacks.
	{
		Name: "ksym", Signature: "ksym(uint64 addr) : ksym_t", MinArgs: 1, MaxArgs: 1,
		Returns: "ksym_t",
		Doc:     "Kernel function containing an address, resolved when printed",
	},
	{
		Name: "usym", Signature: "usym(uint64 addr) : usym_t", MinArgs: 1, MaxArgs: 1,
		Returns: "usym_t",
		Doc:     "User function containing an address, resolved when printed",
	},
	{
		Name: "kaddr", Signature: "kaddr(string name) : uint64", MinArgs: 1, MaxArgs: 1,
		Returns: "uint64",
		Doc:     "Address of a kernel symbol, looked up at compile time",
	},
	{
		Name: "uaddr", Signature: "uaddr(string name) : uintN *", MinArgs: 1, MaxArgs: 1,
		Returns: "uintN *", Kinds: kindsUser,
		Doc: "Address of a symbol of the probed binary, looked up at compile time",
	},
	{
		Name: "percpu_kaddr", Signature: "percpu_kaddr(string name [, int cpu]) : uint64", MinArgs: 1, MaxArgs: 2,
		Returns: "uint64", Since: rel(0, 22),
		Doc: "Address of a per-CPU kernel variable on this CPU or on cpu (may be 0)",
	},
	{
		Name: "reg", Signature: "reg(string name) : uint64", MinArgs: 1, MaxArgs: 1,
		Returns: "uint64", Kinds: kindsReg,
		Doc: "Value of the named CPU register when the probe fired",
	},
	{
		Name: "kptr", Signature: "kptr(T *ptr) : T *", MinArgs: 1, MaxArgs: 1,
		Returns: "T *",
		Doc:     "The same pointer, marked as pointing to kernel memory",
	},
	{
		Name: "uptr", Signature: "uptr(T *ptr) : T *", MinArgs: 1, MaxArgs: 1,
		Returns: "T *",
		Doc:     "The same pointer, marked as pointing to user memory",
	},
	{
		Name: "cgroupid", Signature: "cgroupid(string path) : uint64", MinArgs: 1, MaxArgs: 1,
		Returns: "uint64",
		Doc:     "cgroup v2 ID of a cgroupfs path, looked up at compile time",
	},
	{
		Name: "kstack", Signature: "kstack([mode,] [int limit]) : kstack", MinArgs: 0, MaxArgs: 2,
		Returns: "kstack",
		Doc:     "Kernel call stack, at most limit frames, shown in mode bpftrace, perf or raw",
	},
	{
		Name: "ustack", Signature: "ustack([mode,] [int limit]) : ustack", MinArgs: 0, MaxArgs: 2,
		Returns: "ustack",
		Doc:     "User call stack, at most limit frames, shown in mode bpftrace, perf or raw",
	},
	{
		Name: "dw_ustack", Signature: "dw_ustack([mode,] [int limit]) : ustack", MinArgs: 0, MaxArgs: 2,
		Returns: "ustack", Since: rel(0, 26),
		Doc: "User call stack unwound with DWARF data instead of frame pointers (x86_64, unstable)",
	},
	{
		Name: "nsecs", Signature: "nsecs([boot | monotonic | tai | sw_tai]) : uint64", MinArgs: 0, MaxArgs: 1,
		Returns: "uint64", Since: rel(0, 19),
		Doc: "Nanosecond timestamp from the chosen clock, boot by default",
	},
	{
		Name: "sizeof", Signature: "sizeof(type | expr) : uint64", MinArgs: 1, MaxArgs: 1,
		Returns: "uint64",
		Doc:     "Size in bytes of a type or of an expression's type, at compile time",
	},
	{
		Name: "offsetof", Signature: "offsetof(struct, field[.field]) : uint64", MinArgs: 2, MaxArgs: 2,
		Returns: "uint64", Since: rel(0, 18),
		Doc: "Byte offset of a field, possibly nested, inside a struct, at compile time",
	},

	// Effects on the traced system.
	{
		Name: "signal", Signature: "signal(string name | uint32 num) : none", MinArgs: 1, MaxArgs: 1,
		Returns: "none", Statement: true, Unsafe: true, Kinds: kindsSignal,
		Doc: "Sends a signal, by name or number, to the current process",
	},
	{
		Name: "signal_thread", Signature: "signal_thread(string name | uint32 num) : none", MinArgs: 1, MaxArgs: 1,
		Returns: "none", Statement: true, Unsafe: true, Kinds: kindsSignal, Since: rel(0, 25),
		Doc: "Sends a signal, by name or number, to the current thread only",
	},
	{
		Name: "override", Signature: "override(uint64 rc) : none", MinArgs: 1, MaxArgs: 1,
		Returns: "none", Statement: true, Unsafe: true, Kinds: []string{"kprobe"},
		Doc: "Skips the probed kernel function and makes it return rc (error injection)",
	},
	{
		Name: "unwatch", Signature: "unwatch(void *addr) : none", MinArgs: 1, MaxArgs: 1,
		Returns: "none", Statement: true,
		Doc: "Removes the watchpoint on an address",
	},
	{
		Name: "skboutput", Signature: "skboutput(string path, struct sk_buff *skb, uint64 length, uint64 offset) : uint32",
		MinArgs: 4, MaxArgs: 4, Returns: "uint32", Kinds: kindsTracing,
		Doc:        "Appends length bytes of a packet from offset to a pcap file; 0 on success",
		OlderKinds: []KindsBefore{{Until: rel(0, 24)}},
	},
	{
		Name: "socket_cookie", Signature: "socket_cookie(struct sock *sk) : uint64", MinArgs: 1, MaxArgs: 1,
		Returns: "uint64", Kinds: kindsTracing, Since: rel(0, 24),
		Doc: "Stable kernel cookie identifying a socket, 0 for NULL",
	},
	{
		Name: "write_user", Signature: "write_user(T *dst, T *src, uint32 len) : bool", MinArgs: 3, MaxArgs: 3,
		Returns: "bool", Unsafe: true, Since: rel(0, 26),
		Doc: "Copies len bytes into the current task's user memory; true on success",
	},

	// Process information with arguments.
	{
		Name: "comm", Signature: "comm([int pid]) : string", MinArgs: 0, MaxArgs: 1,
		Returns: "string", Since: rel(0, 24),
		Doc:       "Name of the current thread, or of the process with that PID (from 0.25)",
		OlderArgs: []ArgsBefore{{Until: rel(0, 25), MinArgs: 0, MaxArgs: 0}},
	},
	{
		Name: "pid", Signature: "pid([curr_ns | init]) : uint32", MinArgs: 0, MaxArgs: 1,
		Returns: "uint32", Since: rel(0, 24),
		Doc: "Process ID as seen from bpftrace's PID namespace (default) or the initial one",
	},
	{
		Name: "tid", Signature: "tid([curr_ns | init]) : uint32", MinArgs: 0, MaxArgs: 1,
		Returns: "uint32", Since: rel(0, 24),
		Doc: "Thread ID as seen from bpftrace's PID namespace (default) or the initial one",
	},
	{
		Name: "ppid", Signature: "ppid([struct task_struct *task]) : int32", MinArgs: 0, MaxArgs: 1,
		Returns: "int32", Since: rel(0, 24),
		Doc:       "PID of the parent process of task, the current one by default",
		OlderArgs: []ArgsBefore{{Until: rel(0, 25), MinArgs: 1, MaxArgs: 1}},
	},
	{
		Name: "pcomm", Signature: "pcomm([struct task_struct *task]) : string", MinArgs: 0, MaxArgs: 1,
		Returns: "string", Since: rel(0, 25),
		Doc: "Name of the parent process of task, the current one by default",
	},
	{
		Name: "leader_tid", Signature: "leader_tid([struct task_struct *task]) : int32", MinArgs: 0, MaxArgs: 1,
		Returns: "int32", Since: rel(0, 26),
		Doc: "Thread ID of the thread group leader of task, the current one by default",
	},
	{
		Name: "leader_comm", Signature: "leader_comm([struct task_struct *task]) : string", MinArgs: 0, MaxArgs: 1,
		Returns: "string", Since: rel(0, 26),
		Doc: "Name of the thread group leader of task, the current one by default",
	},
	{
		Name: "getopt", Signature: "getopt(string name [, T default [, string description]]) : T", MinArgs: 1, MaxArgs: 3,
		Returns: "T", Since: rel(0, 24),
		Doc:       "Value of program option --name, typed like default (bool when there is none)",
		OlderArgs: []ArgsBefore{{Until: rel(0, 25), MinArgs: 1, MaxArgs: 2}},
	},

	// Compile-time checks.
	{
		Name: "is_array", Signature: "is_array(expr) : bool", MinArgs: 1, MaxArgs: 1,
		Returns: "bool", Since: rel(0, 25),
		Doc: "Whether the expression is an array",
	},
	{
		Name: "is_integer", Signature: "is_integer(expr) : bool", MinArgs: 1, MaxArgs: 1,
		Returns: "bool", Since: rel(0, 25),
		Doc: "Whether the expression is an integer",
	},
	{
		Name: "is_unsigned_integer", Signature: "is_unsigned_integer(expr) : bool", MinArgs: 1, MaxArgs: 1,
		Returns: "bool", Since: rel(0, 25),
		Doc: "Whether the expression is an unsigned integer",
	},
	{
		Name: "is_literal", Signature: "is_literal(expr) : bool", MinArgs: 1, MaxArgs: 1,
		Returns: "bool", Since: rel(0, 25),
		Doc: "Whether the expression is a literal such as 1, true or \"text\"",
	},
	{
		Name: "is_ptr", Signature: "is_ptr(expr) : bool", MinArgs: 1, MaxArgs: 1,
		Returns: "bool", Since: rel(0, 25),
		Doc: "Whether the expression is a pointer",
	},
	{
		Name: "is_str", Signature: "is_str(expr) : bool", MinArgs: 1, MaxArgs: 1,
		Returns: "bool", Since: rel(0, 25),
		Doc: "Whether the expression is a string",
	},
	{
		Name: "is_err", Signature: "is_err(void *ptr) : bool", MinArgs: 1, MaxArgs: 1,
		Returns: "bool", Since: rel(0, 26),
		Doc: "Whether a kernel pointer actually encodes an error code (ERR_PTR)",
	},
	{
		Name: "kfunc_exist", Signature: "kfunc_exist(string kfunc) : bool", MinArgs: 1, MaxArgs: 1,
		Returns: "bool", Since: rel(0, 25),
		Doc: "Whether the kernel's BTF has a BPF kfunc of that literal name",
	},
	{
		Name: "kfunc_allowed", Signature: "kfunc_allowed(string kfunc) : bool", MinArgs: 1, MaxArgs: 1,
		Returns: "bool", Since: rel(0, 25),
		Doc: "Whether this probe's program type may call the named BPF kfunc",
	},
	{
		Name: "default_str_length", Signature: "default_str_length() : uint64", MinArgs: 0, MaxArgs: 0,
		Returns: "uint64", Since: rel(0, 25), Internal: true,
		Doc: "Size used for strings read without an explicit length",
	},
	{
		Name: "assert_str", Signature: "assert_str(expr) : none", MinArgs: 1, MaxArgs: 1,
		Returns: "none", Statement: true, Since: rel(0, 25), Internal: true,
		Doc: "Aborts compilation unless the value is a string, char array or char pointer",
	},
}

// callForms lists builtin variables that bpftrace also accepts as calls
// without arguments, name(), with the first version accepting the call.
// Variables whose call takes arguments have their own Function entry.
var callForms = []struct {
	name  string
	since dialect.Version
}{
	{"cgroup", rel(0, 24)}, {"cpid", rel(0, 24)}, {"cpu", rel(0, 24)}, {"curtask", rel(0, 24)},
	{"elapsed", rel(0, 24)}, {"func", rel(0, 24)}, {"gid", rel(0, 24)}, {"jiffies", rel(0, 24)},
	{"ncpus", rel(0, 24)}, {"numaid", rel(0, 24)}, {"probe", rel(0, 24)}, {"rand", rel(0, 24)},
	{"retval", rel(0, 24)}, {"uid", rel(0, 24)}, {"usermode", rel(0, 24)}, {"username", rel(0, 24)},
	{"has_cpid", rel(0, 25)}, {"probetype", rel(0, 25)},
}

// callFunctions derives the Function entries of callForms from the
// variables they call.
func callFunctions(byName map[string]Variable) []Function {
	out := make([]Function, 0, len(callForms))
	for _, c := range callForms {
		va, ok := byName[c.name]
		if !ok {
			panic("catalog: no variable " + c.name)
		}
		since := c.since
		if since.Less(va.Since) {
			since = va.Since
		}
		out = append(out, Function{
			Name:      va.Name,
			Signature: va.Name + "() : " + va.Type,
			Returns:   va.Type,
			Kinds:     va.Kinds,
			Doc:       va.Doc,
			Since:     since,
			Until:     va.Until,
		})
	}
	return out
}
