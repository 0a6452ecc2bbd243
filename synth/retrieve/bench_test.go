package retrieve

import (
	"context"
	"fmt"
	"testing"
)

// synthetic makes n varied docs by combining actions, events and
// groupings, with programs that hook matching probes, so benchmarks run on
// an index shaped like the real one (short prompts, short programs).
func synthetic(n int) []Doc {
	actions := []string{"Count", "Show a histogram of", "Print", "Sum the size of", "Measure the latency of", "Trace"}
	events := []struct{ words, probe string }{
		{"TCP connects", "kprobe:tcp_connect"},
		{"block I/O requests", "tracepoint:block:block_rq_issue"},
		{"file opens", "tracepoint:syscalls:sys_enter_openat"},
		{"VFS reads", "kprobe:vfs_read"},
		{"VFS writes", "kprobe:vfs_write"},
		{"page faults", "software:page-faults:1"},
		{"context switches", "tracepoint:sched:sched_switch"},
		{"process executions", "tracepoint:syscalls:sys_enter_execve"},
		{"UDP sends", "kprobe:udp_sendmsg"},
		{"received packets", "tracepoint:net:netif_receive_skb"},
		{"memory allocations", "tracepoint:kmem:kmalloc"},
		{"signals", "tracepoint:signal:signal_generate"},
		{"TCP retransmits", "kprobe:tcp_retransmit_skb"},
		{"system calls", "tracepoint:raw_syscalls:sys_enter"},
	}
	groups := []struct{ words, key string }{
		{"by process", "comm"}, {"per PID", "pid"}, {"per CPU", "cpu"},
		{"by user", "uid"}, {"by kernel stack", "kstack"}, {"", ""},
	}
	docs := make([]Doc, n)
	for i := range docs {
		a, e, g := actions[i%len(actions)], events[(i/len(actions))%len(events)], groups[(i/7)%len(groups)]
		key := ""
		if g.key != "" {
			key = "[" + g.key + "]"
		}
		docs[i] = Doc{
			ID:      fmt.Sprintf("syn%04d", i),
			Prompt:  fmt.Sprintf("%s %s %s (variant %d)", a, e.words, g.words, i),
			Program: fmt.Sprintf("%s { @%s = count(); }\ninterval:s:%d { print(@); clear(@); }", e.probe, key, 1+i%10),
			Origin:  OriginDataset,
		}
	}
	return docs
}

func BenchmarkSearch(b *testing.B) {
	ix := NewIndex(synthetic(500))
	ctx := context.Background()
	queries := []string{
		"how long do disk reads take",
		"tcp connections by process",
		"calls to vfs_read per cpu",
		"histogram of memory allocation sizes by kernel stack",
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ix.Search(ctx, queries[i%len(queries)], 5); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkNewIndex(b *testing.B) {
	docs := synthetic(500)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(docs)
	}
}
