package kverify

import (
	"context"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/internal/bpftracetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.o from testdata/*.bt with bpftrace 0.23 (KEN_BPFTRACE_023)")

// bpftraceFixtures are the ELFs compiled by bpftrace 0.23 from the .bt
// file of the same name (old17.o comes from bpftrace 0.17 and lines.o from
// lines.ll: see there).
var bpftraceFixtures = []string{"pass", "ctx", "loop", "efault", "kinds"}

// TestFixturesMatchBpftrace023 compiles each fixture's source with a real
// bpftrace 0.23 and checks that the kernel's verdicts on the fresh ELF are
// those on the committed one; with -update it rewrites the committed ones.
func TestFixturesMatchBpftrace023(t *testing.T) {
	argv := bpftracetest.Bpftrace023(t)
	if !*update {
		requireBPF(t)
	}
	for _, name := range bpftraceFixtures {
		t.Run(name, func(t *testing.T) {
			fresh := filepath.Join(t.TempDir(), name+".o")
			cmd := exec.Command(argv[0], append(argv[1:], "--emit-elf", fresh, filepath.Join("testdata", name+".bt"))...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
			}
			elf, err := os.ReadFile(fresh)
			if err != nil || len(elf) == 0 {
				t.Fatalf("bpftrace wrote no ELF: %v", err)
			}
			if *update {
				if err := os.WriteFile(filepath.Join("testdata", name+".o"), elf, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			committed, src := fixture(t, name)
			want, got := verdicts(t, committed, src), verdicts(t, elf, src)
			if got != want {
				t.Errorf("bpftrace 0.23 now gives\n%s\nthe committed ELF gives\n%s", got, want)
			}
		})
	}
}

// verdicts loads elf and sums up the kernel's verdicts, one line a program.
func verdicts(t *testing.T, elf []byte, src *source.File) string {
	t.Helper()
	r, err := Load(context.Background(), elf, src)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range r.Programs {
		verdict := strconv.FormatBool(p.Loaded)
		if p.Rejection != nil {
			verdict = fmt.Sprintf("%q at line %d", p.Rejection.Message, p.Rejection.Line)
		}
		fmt.Fprintf(&b, "%s %s line %d: %s\n", p.Name, p.Type, p.Line, verdict)
	}
	return b.String()
}

// TestNeverAttaches keeps the package away from the one cilium/ebpf
// package that attaches programs.
func TestNeverAttaches(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(path, "github.com/cilium/ebpf/link") {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}

// FuzzReadELF feeds the ELF reader and the planner damaged ELFs: they may
// refuse them but must not panic.
func FuzzReadELF(f *testing.F) {
	for _, name := range append(bpftraceFixtures, "old17", "lines") {
		elf, err := os.ReadFile(filepath.Join("testdata", name+".o"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(elf)
		f.Add(elf[:len(elf)/3])
	}
	_, src := fixture(f, "kinds")
	f.Fuzz(func(t *testing.T, elf []byte) {
		spec, err := readELF(elf)
		if err != nil {
			return
		}
		plan(spec, src)
	})
}
