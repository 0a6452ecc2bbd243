package kernel

import (
	"bytes"
	"os"
	"slices"
	"testing"
)

// The benchmarks measure what a one-shot "ken check" pays: reading the
// snapshot (or the live kernel), then the first lookups, which build the
// lazy indexes. Run them with
//
//	go test -run '^$' -bench . -benchmem ./analysis/kernel

func BenchmarkReadSnapshot(b *testing.B) {
	data, err := os.ReadFile(testdataSnapshot)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadSnapshotFrom(bytes.NewReader(data), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLive(b *testing.B) {
	requireLive(b)
	for b.Loop() {
		if _, err := Live(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLiveInfo includes the feature probes and /proc/kallsyms.
func BenchmarkLiveInfo(b *testing.B) {
	requireLive(b)
	for b.Loop() {
		k, err := Live()
		if err != nil {
			b.Fatal(err)
		}
		k.Info()
	}
}

// benchFirst measures fn on a fresh snapshot-loaded kernel each time, so
// that the lazy indexes it needs are built inside the measurement.
func benchFirst(b *testing.B, fn func(*Kernel)) {
	data, err := os.ReadFile(testdataSnapshot)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		k, err := ReadSnapshotFrom(bytes.NewReader(data), "bench")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		fn(k)
	}
}

func BenchmarkFirstTypeSock(b *testing.B) {
	benchFirst(b, func(k *Kernel) {
		if _, ok := k.Type("struct sock"); !ok {
			b.Fatal("no struct sock")
		}
	})
}

func BenchmarkFirstFunc(b *testing.B) {
	benchFirst(b, func(k *Kernel) {
		if _, ok := k.Func("tcp_connect"); !ok {
			b.Fatal("no tcp_connect")
		}
	})
}

func BenchmarkFirstMatchFuncs(b *testing.B) {
	benchFirst(b, func(k *Kernel) { k.MatchFuncs("tcp_*", 0) })
}

// BenchmarkFirstTypeSockPreload is BenchmarkFirstTypeSock when the caller
// called Preload right after loading: the indexes and the decoder are
// built in parallel.
func BenchmarkFirstTypeSockPreload(b *testing.B) {
	benchFirst(b, func(k *Kernel) {
		k.Preload()
		if _, ok := k.Type("struct sock"); !ok {
			b.Fatal("no struct sock")
		}
	})
}

// BenchmarkParseFormat is the cost of a tracepoint's first lookup.
func BenchmarkParseFormat(b *testing.B) {
	k := testdataKernel(b)
	i, _ := slices.BinarySearchFunc(k.tpIDs, TracepointID{"sched", "sched_switch"}, TracepointID.compare)
	text := k.tps[i].text
	for b.Loop() {
		ParseFormat(text)
	}
}

func BenchmarkFirstEnumerator(b *testing.B) {
	benchFirst(b, func(k *Kernel) { k.Enumerator("TCP_ESTABLISHED") })
}

func BenchmarkTypeWarm(b *testing.B) {
	k := testdataKernel(b)
	k.Type("struct sock")
	for b.Loop() {
		k.Type("struct sock")
	}
}

func BenchmarkMatchFuncsPrefix(b *testing.B) {
	k := testdataKernel(b)
	k.FuncNames()
	for b.Loop() {
		k.MatchFuncs("tcp_*", 0)
	}
}

func BenchmarkMatchFuncsInfix(b *testing.B) {
	k := testdataKernel(b)
	k.FuncNames()
	for b.Loop() {
		k.MatchFuncs("*sock*", 0)
	}
}

func BenchmarkMatchFuncsPrefixInfix(b *testing.B) {
	k := testdataKernel(b)
	k.FuncNames()
	for b.Loop() {
		k.MatchFuncs("tcp_*connect*", 0)
	}
}

func BenchmarkTracepointWarm(b *testing.B) {
	k := testdataKernel(b)
	for b.Loop() {
		k.Tracepoint("syscalls", "sys_enter_openat")
	}
}

func BenchmarkWriteSnapshot(b *testing.B) {
	k := testdataKernel(b)
	for b.Loop() {
		var buf bytes.Buffer
		if err := k.WriteSnapshot(&buf); err != nil {
			b.Fatal(err)
		}
	}
}
