package pipeline_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/internal/bpftracetest"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
)

// stagesConfig is every stage against the real bpftrace 0.23 and the
// running kernel's verifier.
func stagesConfig(t *testing.T) pipeline.Config {
	t.Helper()
	argv := bpftracetest.Bpftrace023(t)
	if os.Geteuid() != 0 {
		reason := "loading programs into the kernel verifier needs root"
		if os.Getenv("KEN_REQUIRE_KERNEL") != "" {
			t.Fatal(reason)
		}
		t.Skip(reason)
	}
	return pipeline.Config{
		Analysis: analysis.Config{Kernel: kerneltest.Snapshot(t), Dialect: dialect.V(0, 23)},
		Symbex:   true, Compiler: &compile.Compiler{Argv: argv}, KernelVerifier: true,
	}
}

// TestRealStages runs each stage to the one that finds the mistake: a
// program only bpftrace rejects, one only the kernel rejects, and one
// every stage accepts, whose verifier cost is reported.
func TestRealStages(t *testing.T) {
	cfg := stagesConfig(t)
	tests := []struct {
		name, src string
		code      string // the finding; "" for none
		at        string // the text its span starts with
	}{
		{"bpftrace rejects", "BEGIN\n{\n\tprintf(\"%s\\n\", $1);\n}\n", compile.CodeError, "printf"},
		{"the kernel rejects", "struct big {\n\tchar pad[200];\n\tunsigned long x;\n};\n\nkprobe:do_nanosleep\n{\n\t@sleeps = count();\n}\n\nkprobe:hrtimer_nanosleep\n{\n\t@x = ((struct big *)ctx)->x;\n}\n",
			pipeline.CodeKernelRejected, "kprobe:hrtimer_nanosleep"},
		{"every stage accepts", "tracepoint:syscalls:sys_enter_openat\n{\n\t@opens[comm] = count();\n}\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := source.NewFile("t.bt", []byte(tt.src))
			r := pipeline.Check(context.Background(), f, cfg)
			var found bool
			for _, d := range r.Diagnostics {
				if d.Code == tt.code && strings.HasPrefix(string(f.Text[d.Span.Start:]), tt.at) {
					found = true
				}
				if tt.code == "" && d.Severity <= 1 {
					t.Errorf("unexpected %s: %s", d.Code, d.Message)
				}
			}
			if tt.code != "" && !found {
				t.Fatalf("no %s at %q in %+v", tt.code, tt.at, r.Diagnostics)
			}
			if tt.code != "" {
				return
			}
			if r.Load == nil || r.Load.Report == nil || !r.Load.Report.Accepted() {
				t.Fatalf("the kernel stage did not accept it: %+v", r.Load)
			}
			for _, p := range r.Load.Report.Programs {
				if p.Processed <= 0 || p.Insns <= 0 || p.Line != 1 {
					t.Errorf("program %s: processed %d, size %d, line %d", p.Name, p.Processed, p.Insns, p.Line)
				}
			}
		})
	}
}

// TestStagesWithoutBpftrace checks that a missing bpftrace is one note,
// not an error, and that the kernel stage says why it did not run.
func TestStagesWithoutBpftrace(t *testing.T) {
	cfg := pipeline.Config{
		Analysis: analysis.Config{Kernel: kerneltest.Snapshot(t)},
		Compiler: &compile.Compiler{Argv: []string{"/nonexistent/bpftrace"}}, KernelVerifier: true,
	}
	r := pipeline.Check(context.Background(), source.NewFile("t.bt", []byte("BEGIN { printf(\"hi\\n\"); }")), cfg)
	if len(r.Diagnostics) != 1 || r.Diagnostics[0].Severity != 2 || r.Diagnostics[0].Code != compile.CodeNotRun {
		t.Fatalf("diagnostics = %+v, want one bpftrace/not-run note", r.Diagnostics)
	}
	last := r.Stages[len(r.Stages)-1]
	if last.Name != pipeline.StageKernel || last.Ran || last.Note == "" {
		t.Errorf("kernel stage = %+v, want not run with a reason", last)
	}
}
