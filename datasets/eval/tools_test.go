package eval

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/internal/bpftracetest"
	"github.com/kenlsp/ken/pipeline"
)

// program is a named bpftrace program to give to the real tools.
type program struct{ name, src string }

// programs returns every reference solution and every alternative.
func programs(t *testing.T) []program {
	var ps []program
	for _, p := range load(t) {
		src, err := Solution(p.ID)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, program{p.ID, src})
	}
	for i, alt := range alternatives {
		ps = append(ps, program{fmt.Sprintf("%s-alternative-%d", alt.id, i+1), alt.src})
	}
	return ps
}

// TestSolutionsPassKen runs ken's whole pipeline, symbolic verifier
// included, over every reference solution and alternative against the test
// kernel snapshot, for bpftrace 0.23 and 0.26: no errors and no warnings.
func TestSolutionsPassKen(t *testing.T) {
	k := kerneltest.Snapshot(t)
	ps := programs(t)
	for _, v := range []dialect.Version{dialect.V(0, 23), dialect.V(0, 26)} {
		cfg := pipeline.Config{Analysis: analysis.Config{Kernel: k, Dialect: v}, Symbex: true}
		for _, p := range ps {
			t.Run(v.String()+"/"+p.name, func(t *testing.T) {
				f := source.NewFile(p.name+".bt", []byte(p.src))
				r := pipeline.Check(context.Background(), f, cfg)
				for _, d := range r.Diagnostics {
					if d.Severity <= diag.Warning {
						pos := f.Position(d.Span.Start)
						t.Errorf("%d:%d: %s: %s [%s]", pos.Line, pos.Column, d.Severity, d.Message, d.Code)
					}
				}
				if r.Verification == nil {
					t.Errorf("the symbolic verifier did not run")
				}
			})
		}
	}
}

// TestSolutionsCompile compiles every reference solution and alternative
// with bpftrace 0.23's --emit-elf, which neither loads nor attaches
// anything.
func TestSolutionsCompile(t *testing.T) {
	argv := bpftracetest.Bpftrace023(t)
	dir := t.TempDir()
	for _, p := range programs(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, p.name+".bt")
			if err := os.WriteFile(path, []byte(p.src), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			out := filepath.Join(dir, p.name+".o")
			args := append(append([]string{}, argv[1:]...), "--emit-elf", out, path)
			output, err := exec.CommandContext(ctx, argv[0], args...).CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %v\n%s", argv, err, strings.TrimSpace(string(output)))
			}
			if info, err := os.Stat(out); err != nil || info.Size() == 0 {
				t.Errorf("no ELF object written (%v)\n%s", err, output)
			}
		})
	}
}
