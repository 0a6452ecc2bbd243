package retrieve

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// corpus is a small hand-written set of verified-looking examples. Their
// prompts are worded differently from the test queries on purpose, so the
// tests exercise stemming, synonyms and program identifiers.
var corpus = []Doc{
	{ID: "biolatency", Prompt: "Show a histogram of block I/O latency", Program: `
tracepoint:block:block_rq_issue { @start[args.dev, args.sector] = nsecs; }
tracepoint:block:block_rq_complete /@start[args.dev, args.sector]/ {
	@usecs = hist((nsecs - @start[args.dev, args.sector]) / 1000);
	delete(@start[args.dev, args.sector]);
}`},
	{ID: "biosize", Prompt: "Histogram of disk I/O request sizes", Program: `
tracepoint:block:block_rq_issue { @bytes = hist(args.bytes); }`},
	{ID: "tcpconnect", Prompt: "Count TCP connect calls by command name", Program: `
kprobe:tcp_connect { @[comm, pid] = count(); }`},
	{ID: "tcpv4port", Prompt: "Print the destination port of each IPv4 TCP connection attempt", Program: `
kprobe:tcp_v4_connect { $sk = (struct sock *)arg0; printf("%d\n", $sk->__sk_common.skc_dport); }`},
	{ID: "opensnoop", Prompt: "Print the files opened by each process", Program: `
tracepoint:syscalls:sys_enter_openat { printf("%s %s\n", comm, str(args.filename)); }`},
	{ID: "vfsreadcount", Prompt: "Count file reads per program", Program: `
kprobe:vfs_read { @[comm] = count(); }`},
	{ID: "syscount", Prompt: "Count system calls by process name", Program: `
tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }`},
	{ID: "execsnoop", Prompt: "Print every new program executed with its arguments", Program: `
tracepoint:syscalls:sys_enter_execve { printf("%s\n", str(args.filename)); }`},
	{ID: "runqlat", Prompt: "Histogram of run queue latency", Program: `
tracepoint:sched:sched_wakeup { @qtime[args.pid] = nsecs; }
tracepoint:sched:sched_switch /@qtime[args.next_pid]/ {
	@usecs = hist((nsecs - @qtime[args.next_pid]) / 1000);
	delete(@qtime[args.next_pid]);
}`},
	{ID: "pagefaults", Prompt: "Count page faults by process", Program: `
software:page-faults:1 { @[comm] = count(); }`},
	{ID: "tcpretrans", Prompt: "Print TCP retransmits with the socket state", Program: `
kprobe:tcp_retransmit_skb { $sk = (struct sock *)arg0; printf("%d\n", $sk->__sk_common.skc_state); }`},
	{ID: "killsnoop", Prompt: "Trace signals sent with kill", Program: `
tracepoint:syscalls:sys_enter_kill { printf("%d -> %d sig %d\n", pid, args.pid, args.sig); }`},
	{ID: "netrx", Prompt: "Count received network packets per interface", Program: `
tracepoint:net:netif_receive_skb { @[str(args.name)] = count(); }`},
	{ID: "vfswrite", Prompt: "Sum the bytes written to files by each process", Program: `
kprobe:vfs_write { @bytes[comm] = sum(arg2); }`},
	{ID: "readlat", Prompt: "Histogram of read() syscall latency", Program: `
tracepoint:syscalls:sys_enter_read { @start[tid] = nsecs; }
tracepoint:syscalls:sys_exit_read /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }`},
	{ID: "profile", Prompt: "Sample user stacks at 99 Hertz on each CPU", Program: `
profile:hz:99 { @[ustack] = count(); }`},
	{ID: "kmalloc", Prompt: "Histogram of kernel memory allocation sizes", Program: `
tracepoint:kmem:kmalloc { @bytes = hist(args.bytes_alloc); }`},
	{ID: "oomkill", Prompt: "Print the process killed by the out of memory killer", Program: `
kprobe:oom_kill_process { printf("oom kill in %s\n", comm); }`},
	{ID: "udpsend", Prompt: "Count UDP datagrams sent by process", Program: `
kprobe:udp_sendmsg { @[comm] = count(); }`},
	{ID: "unlink", Prompt: "Print names of removed files", Program: `
tracepoint:syscalls:sys_enter_unlinkat { printf("%s\n", str(args.pathname)); }`},
	{ID: "cswitch", Prompt: "Count context switches per CPU", Program: `
tracepoint:sched:sched_switch { @[cpu] = count(); }`},
}

func TestSearchRanking(t *testing.T) {
	ix := NewIndex(corpus)
	tests := []struct {
		query string
		want  string // ID of the expected first hit
	}{
		{"how long do disk reads take", "biolatency"},
		{"tcp connections by process", "tcpconnect"},
		{"which processes open files", "opensnoop"},
		{"count syscalls per process", "syscount"},
		{"distribution of time taken waiting on the run queue", "runqlat"},
		{"retransmitted tcp packets", "tcpretrans"},
		{"page fault counts per task", "pagefaults"},
		{"deleted files", "unlink"},
		{"how big are kernel memory allocations", "kmalloc"},
		{"duration of read system calls", "readlat"},
		{"number of packets received on each network device", "netrx"},
		{"programs being executed", "execsnoop"},
		{"context switching per processor", "cswitch"},
		{"which commands send UDP packets", "udpsend"},
		{"Bytes Written By Processes", "vfswrite"},
		// Program identifiers: these prompts do not name the functions.
		{"vfs_read", "vfsreadcount"},
		{"calls to vfs_read by process", "vfsreadcount"},
		{"tcp_v4_connect", "tcpv4port"},
		{"who calls oom_kill_process", "oomkill"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits, err := ix.Search(context.Background(), tt.query, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].ID != tt.want {
				t.Errorf("first hit = %s, want %s\n%s", ids(hits), tt.want, describe(hits))
			}
			if len(hits) > 0 && hits[0].Why == "" {
				t.Errorf("first hit has no explanation")
			}
		})
	}
}

func TestSearchWhy(t *testing.T) {
	ix := NewIndex(corpus)
	hits, err := ix.Search(context.Background(), "how long do disk reads take", 1)
	if err != nil {
		t.Fatal(err)
	}
	// The explanation uses the user's words and names the synonym.
	if got, want := hits[0].Why, "prompt: how long (≈latency), disk"; !strings.HasPrefix(got, want) {
		t.Errorf("Why = %q, want prefix %q", got, want)
	}
	hits, err = ix.Search(context.Background(), "vfs_read", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := hits[0].Why; !strings.Contains(got, "program: vfs_read") {
		t.Errorf("Why = %q, want it to name the program identifier", got)
	}
}

func TestSearchEdges(t *testing.T) {
	ctx := context.Background()
	ix := NewIndex(corpus)
	tests := []struct {
		name  string
		ix    *Index
		query string
		k     int
		want  int // number of hits
	}{
		{"empty query", ix, "", 5, 0},
		{"blank query", ix, " \t\n", 5, 0},
		{"only stop words", ix, "how do I do this", 5, 0},
		{"unknown words", ix, "zebra giraffe", 5, 0},
		{"k zero", ix, "tcp", 0, 0},
		{"k negative", ix, "tcp", -1, 0},
		{"no docs", NewIndex(nil), "tcp", 5, 0},
		{"k beyond matches", ix, "tcp", 100, 3},
		{"k limits", ix, "count", 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := tt.ix.Search(ctx, tt.query, tt.k)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != tt.want {
				t.Errorf("%d hits, want %d: %s", len(hits), tt.want, ids(hits))
			}
		})
	}
}

func TestSearchCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewIndex(corpus).Search(ctx, "tcp", 3); err == nil {
		t.Error("search with a cancelled context succeeded")
	}
}

func TestSearchTiesByID(t *testing.T) {
	// Identical docs score identically; the order must follow the IDs, not
	// the input order or map iteration.
	docs := []Doc{
		{ID: "c", Prompt: "count tcp connects", Program: "kprobe:tcp_connect { @ = count(); }"},
		{ID: "a", Prompt: "count tcp connects", Program: "kprobe:tcp_connect { @ = count(); }"},
		{ID: "b", Prompt: "count tcp connects", Program: "kprobe:tcp_connect { @ = count(); }"},
	}
	for range 20 {
		hits, err := NewIndex(docs).Search(context.Background(), "tcp connections", 3)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(hits); got != "a,b,c" {
			t.Fatalf("order = %s, want a,b,c", got)
		}
		if hits[0].Score != hits[2].Score {
			t.Errorf("identical docs scored %v and %v", hits[0].Score, hits[2].Score)
		}
	}
}

func TestNewIndexCopiesDocs(t *testing.T) {
	docs := slices.Clone(corpus)
	ix := NewIndex(docs)
	docs[0].ID = "changed"
	hits, err := ix.Search(context.Background(), "block I/O latency", 1)
	if err != nil {
		t.Fatal(err)
	}
	if hits[0].ID != "biolatency" {
		t.Errorf("index saw a later change to its input: %s", hits[0].ID)
	}
}

func TestAnalyse(t *testing.T) {
	tests := []struct {
		text string
		want string // keys, space-separated
	}{
		{"How long do disk reads take?", "latency disk read"},
		{"time taken by system calls", "latency syscall"},
		{"Block I/O", "disk disk"},
		{"kprobe:tcp_v4_connect", "tcp_v4_connect kprob tcp v4 connect"},
		{"tracepoint:syscalls:sys_enter_openat", "sys_enter_openat tracepoint syscall syscall enter open"},
		{"opening opened opens", "open open open"},
		{"dropped packets", "drop packet"},
		{"latencies durations", "latency latency"},
		{"tracing traced trace", "trac trac trac"},
		{"processes tasks PIDs", "process process process"},
		{"top 10 files", "top file"},
	}
	for _, tt := range tests {
		var keys []string
		for _, term := range analyse(tt.text) {
			keys = append(keys, term.key)
		}
		if got := strings.Join(keys, " "); got != tt.want {
			t.Errorf("analyse(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestSynonymGroupsDisjoint(t *testing.T) {
	// A word in two groups would silently belong to the later one.
	owner := map[string]string{}
	for _, g := range synonymGroups {
		for _, w := range g {
			s := stem(w)
			if prev, ok := owner[s]; ok && prev != g[0] {
				t.Errorf("%q (stem %q) is in groups %q and %q", w, s, prev, g[0])
			}
			owner[s] = g[0]
		}
	}
}

func ids(hits []Hit) string {
	var s []string
	for _, h := range hits {
		s = append(s, h.ID)
	}
	return strings.Join(s, ",")
}

func describe(hits []Hit) string {
	var b strings.Builder
	for _, h := range hits {
		fmt.Fprintf(&b, "  %-14s %.3f  %s\n", h.ID, h.Score, h.Why)
	}
	return b.String()
}
