package main

import (
	"os"
	"strings"
	"testing"

	"github.com/kenlsp/ken/internal/bpftracetest"
)

// TestRealStages runs the command with the real bpftrace 0.23 and the
// running kernel over one program for each stage that finds what the
// earlier ones miss. The kernel's program needs root to be judged: without
// it that file is checked only when KEN_REQUIRE_KERNEL asks for the
// kernel stage, and then the test fails.
func TestRealStages(t *testing.T) {
	argv := bpftracetest.Bpftrace023(t)
	dir := writeCorpus(t, map[string]string{
		// ken rejects it: retval in a kprobe.
		"1-ken.bt": "kprobe:tcp_connect { printf(\"%d\\n\", retval); }\n",
		// bpftrace 0.23 types $1 as an integer, which %s cannot print.
		"2-bpftrace.bt": "BEGIN { printf(\"%s\\n\", $1); }\n",
		// bpftrace compiles the read past the end of the context; the
		// kernel's verifier refuses it.
		"3-kernel.bt": "struct big { char pad[200]; unsigned long x; };\n\nkprobe:hrtimer_nanosleep\n{\n\t@x = ((struct big *)ctx)->x;\n}\n",
	})
	rep, text := readReport(t, only(dir, "-bpftrace", strings.Join(argv, " ")))
	t.Log(text)
	want := map[string]string{"1-ken.bt": "parse+semantic", "2-bpftrace.bt": "bpftrace", "3-kernel.bt": "kernel"}
	if os.Geteuid() != 0 && os.Getenv("KEN_REQUIRE_KERNEL") == "" {
		t.Log("not root: the kernel stage cannot judge 3-kernel.bt")
		delete(want, "3-kernel.bt")
	}
	got := firstFinders(rep)
	for name, first := range want {
		if got[name] != first {
			t.Errorf("%s: first finder %q, want %q", name, got[name], first)
		}
	}
	b := rep.Corpora[0].Summary.Stages[2]
	if b.Judged != 3 || b.Ran != 2 || b.Flagged != 2 || b.New != 1 {
		t.Errorf("bpftrace stage: judged %d, ran %d, flagged %d, new %d; want 3, 2, 2, 1", b.Judged, b.Ran, b.Flagged, b.New)
	}
}
