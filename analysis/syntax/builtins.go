package syntax

import "strings"

// builtinNames are the identifiers bpftrace 0.26's parser treats as
// builtin values rather than names: (pid) - 1 is a subtraction while
// (my_t) - 1 is a cast, and (pid = 1) is not a record. Other builtins such as
// comm are macros in 0.26 and parse as plain names there.
var builtinNames = map[string]bool{
	"args": true, "ctx": true, "kstack": true, "nsecs": true,
	"pid": true, "tid": true, "ustack": true,
}

// IsBuiltin reports whether bpftrace's parser treats name as a builtin
// value: pid, tid, nsecs, args, ctx, kstack, ustack, argN, sargN and the
// __builtin_ names.
func IsBuiltin(name string) bool {
	if builtinNames[name] || strings.HasPrefix(name, "__builtin_") {
		return true
	}
	for _, prefix := range []string{"arg", "sarg"} {
		if digits, ok := strings.CutPrefix(name, prefix); ok && digits != "" && allDigits(digits) {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// builtinTypeNames are the type names bpftrace knows without BTF.
var builtinTypeNames = map[string]bool{
	"bool": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint8": true, "uint16": true, "uint32": true, "uint64": true, "void": true,
	"min_t": true, "max_t": true, "sum_t": true, "count_t": true, "avg_t": true,
	"stats_t": true, "umin_t": true, "umax_t": true, "usum_t": true, "uavg_t": true,
	"ustats_t": true, "timestamp": true, "macaddr_t": true, "cgroup_path_t": true,
	"string": true, "buffer": true, "inet": true,
}

// IsBuiltinType reports whether name is a type bpftrace knows by itself,
// such as uint32 or string.
func IsBuiltinType(name string) bool { return builtinTypeNames[name] }
