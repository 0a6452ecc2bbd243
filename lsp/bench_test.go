package lsp

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// benchProgram is a realistic file of about lines lines: tracepoint and
// kprobe probes with maps, struct casts, printf and predicates.
func benchProgram(lines int) string {
	var b strings.Builder
	for i := 0; strings.Count(b.String(), "\n") < lines; i++ {
		fmt.Fprintf(&b, `// probe %d: opens and connects
tracepoint:syscalls:sys_enter_openat
/pid > %d/
{
	@opens%d[comm, pid] = count();
	$name = str(args->filename);
	printf("%%-16s %%-6d %%s\n", comm, pid, $name);
}

kprobe:tcp_connect
{
	$sk = (struct sock *)arg0;
	$dport = $sk->__sk_common.skc_dport;
	@ports%d[$dport] = count();
	@start%d[tid] = nsecs;
}

kretprobe:tcp_connect
/@start%d[tid]/
{
	@lat%d = hist(nsecs - @start%d[tid]);
	delete(@start%d[tid]);
}

`, i, i, i, i, i, i, i, i, i)
	}
	return b.String()
}

// BenchmarkKeystrokeToDiagnostics measures, with the debounce ken lsp
// uses, the time from an edit of a 2,000-line file to the diagnostics of
// that version, over 200 one-character edits, and reports p50 and p99.
func BenchmarkKeystrokeToDiagnostics(b *testing.B) {
	c := startServerWith(b, testSettings(), Options{Debounce: DefaultDebounce})
	uri := protocol.DocumentURI("file:///bench/big.bt")
	text := benchProgram(2000)
	c.open(uri, text)
	c.waitDiagnostics(uri, 1, func([]protocol.Diagnostic) bool { return true })
	var latencies []time.Duration
	version := int32(1)
	for b.Loop() {
		for i := 0; i < 200; i++ {
			version++
			// Type one digit into the first comment, as a person would.
			start := time.Now()
			c.edit(uri, version, protocol.Range{Start: pos(0, 9), End: pos(0, 9)}, strconv.Itoa(i%10))
			c.waitDiagnostics(uri, uint32(version), func([]protocol.Diagnostic) bool { return true })
			latencies = append(latencies, time.Since(start))
		}
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(percentile(latencies, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(latencies, 99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(residentMiB()), "rss-MiB")
}

// percentile returns the p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

// residentMiB is the process's resident memory (VmRSS), which with the
// server in-process is the server's, the kernel snapshot included.
func residentMiB() int {
	runtime.GC()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return kb / 1024
		}
	}
	return -1
}
