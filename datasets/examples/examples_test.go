package examples

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/internal/bpftracetest"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/kverify"
)

// Minimum sizes of the set, from the task that created it.
const (
	minExamples    = 150
	minPerCategory = 10
)

func all(t *testing.T) []Example {
	t.Helper()
	exs, err := All()
	if err != nil {
		t.Fatalf("All: %v", err)
	}
	return exs
}

func TestAll(t *testing.T) {
	exs := all(t)
	if len(exs) < minExamples {
		t.Errorf("%d examples, want at least %d", len(exs), minExamples)
	}
	names := map[string]bool{}
	prompts := map[string]string{}
	perCategory := map[string]int{}
	for _, ex := range exs {
		if names[ex.Name] {
			t.Errorf("duplicate name %s", ex.Name)
		}
		names[ex.Name] = true
		if other, ok := prompts[ex.Prompt]; ok {
			t.Errorf("%s and %s have the same prompt %q", other, ex.Name, ex.Prompt)
		}
		prompts[ex.Prompt] = ex.Name
		perCategory[ex.Category]++
		if !strings.HasSuffix(ex.Source, ex.Program) || strings.TrimSpace(ex.Program) == "" {
			t.Errorf("%s: Program is not the non-empty tail of Source", ex.Name)
		}
		if strings.HasPrefix(ex.Program, "//") {
			t.Errorf("%s: Program starts with a comment: the header has more than two lines?", ex.Name)
		}
	}
	for _, c := range Categories() {
		if perCategory[c] < minPerCategory {
			t.Errorf("category %s has %d examples, want at least %d", c, perCategory[c], minPerCategory)
		}
	}

	// All hands out copies: changing one must not change the set.
	exs[0].Prompt = "changed"
	if again := all(t); again[0].Prompt == "changed" {
		t.Error("All returned its own slice")
	}
	cs := Categories()
	cs[0] = "changed"
	if Categories()[0] == "changed" {
		t.Error("Categories returned its own slice")
	}
}

func TestParse(t *testing.T) {
	const good = "// prompt: Count opens by process.\n// category: filesystem\n\ntracepoint:syscalls:sys_enter_openat { @[comm] = count(); }\n"
	ex, err := parse("001-opens", []byte(good))
	if err != nil {
		t.Fatalf("parse(good): %v", err)
	}
	want := Example{
		Name:     "001-opens",
		Prompt:   "Count opens by process.",
		Category: "filesystem",
		Program:  "tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }\n",
		Source:   good,
	}
	if ex != want {
		t.Errorf("parse(good) = %+v\nwant %+v", ex, want)
	}

	tests := []struct {
		name, src string
		line      int
		msg       string // a part of the message
	}{
		{"001-x", "", 1, "must begin with"},
		{"001-x", "tracepoint:a:b {}\n", 1, "must begin with"},
		{"001-x", "// category: memory\n// prompt: x\n\nBEGIN {}\n", 1, "must begin with"},
		{"001-x", "//prompt: x\n// category: memory\n\nBEGIN {}\n", 1, "must begin with"},
		{"001-x", "// prompt:   \n// category: memory\n\nBEGIN {}\n", 1, "prompt is empty"},
		{"001-x", "// prompt: x\n", 2, "second line"},
		{"001-x", "// prompt: x\n\n// category: memory\n\nBEGIN {}\n", 2, "second line"},
		{"001-x", "// prompt: x\n// category: kernel\n\nBEGIN {}\n", 2, `unknown category "kernel"`},
		{"001-x", "// prompt: x\n// category:\n\nBEGIN {}\n", 2, `unknown category ""`},
		{"001-x", "// prompt: x\n// category: memory", 3, "blank line"},
		{"001-x", "// prompt: x\n// category: memory\n// note: y\n\nBEGIN {}\n", 3, "blank line"},
		{"001-x", "// prompt: x\n// category: memory\nBEGIN {}\n", 3, "blank line"},
		{"001-x", "// prompt: x\n// category: memory\n", 4, "no program"},
		{"001-x", "// prompt: x\n// category: memory\n\n \n\n", 4, "no program"},
		{"001-x", "// prompt: x\r\n// category: memory\r\n\r\nBEGIN {}\r\n", 0, `\n`},
		{"1-x", good, 0, "NNN-slug"},
		{"001", good, 0, "NNN-slug"},
		{"001-Opens", good, 0, "NNN-slug"},
		{"001-opens.bt", good, 0, "NNN-slug"},
		{"001--opens", good, 0, "NNN-slug"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%q", tt.name, tt.src), func(t *testing.T) {
			_, err := parse(tt.name, []byte(tt.src))
			var fe *FormatError
			if !errors.As(err, &fe) || !errors.Is(err, ErrFormat) {
				t.Fatalf("parse = %v, want a *FormatError wrapping ErrFormat", err)
			}
			if fe.File != tt.name+".bt" || fe.Line != tt.line || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("parse = %q (file %q, line %d), want file %q, line %d and a message containing %q",
					err, fe.File, fe.Line, tt.name+".bt", tt.line, tt.msg)
			}
			if !strings.Contains(err.Error(), tt.name+".bt") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	file := func(prompt string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("// prompt: " + prompt + "\n// category: memory\n\nBEGIN { exit(); }\n")}
	}
	exs, err := load(fstest.MapFS{
		"002-b.bt":   file("b"),
		"001-a.bt":   file("a"),
		"README.md":  {Data: []byte("not an example")},
		"sub/003.bt": file("c"),
	})
	if err != nil || len(exs) != 2 || exs[0].Name != "001-a" || exs[1].Name != "002-b" {
		t.Fatalf("load = %+v, %v; want 001-a and 002-b in order", exs, err)
	}

	_, err = load(fstest.MapFS{"001-a.bt": file("same"), "002-b.bt": file("same")})
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "002-b.bt") || !strings.Contains(err.Error(), "001-a.bt") {
		t.Errorf("load with a repeated prompt = %v, want an error naming both files", err)
	}

	_, err = load(fstest.MapFS{"001-a.bt": file("a"), "002-b.bt": {Data: []byte("BEGIN {}\n")}})
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "002-b.bt") {
		t.Errorf("load with a bad file = %v, want an error naming it", err)
	}
}

// TestKenAccepts runs ken's whole pipeline, symbolic verifier included,
// over every example as "ken check --kernel SNAPSHOT --dialect V" does,
// for both dialects the programs are written for: no errors and no
// warnings are allowed (notes are).
func TestKenAccepts(t *testing.T) {
	exs := all(t)
	k := kerneltest.Snapshot(t)
	for _, v := range []dialect.Version{dialect.V(0, 23), dialect.V(0, 26)} {
		t.Run(v.String(), func(t *testing.T) {
			cfg := pipeline.Config{Analysis: analysis.Config{Kernel: k, Dialect: v}, Symbex: true}
			for _, ex := range exs {
				f := source.NewFile(ex.Name+".bt", []byte(ex.Source))
				res := pipeline.Check(context.Background(), f, cfg)
				for _, d := range res.Diagnostics {
					if d.Severity <= diag.Warning {
						pos := f.Position(d.Span.Start)
						t.Errorf("%s:%d:%d: %s: %s [%s]", f.Name, pos.Line, pos.Column, d.Severity, d.Message, d.Code)
					}
				}
			}
		})
	}
}

// compileWorkers bounds the bpftrace processes run at once.
const compileWorkers = 2

// TestBpftraceCompiles compiles every example with bpftrace 0.23's
// --emit-elf, which compiles without loading or attaching anything, and,
// as root, loads the result into the kernel's verifier.
func TestBpftraceCompiles(t *testing.T) {
	argv := bpftracetest.Bpftrace023(t)
	// The kernel verifier runs too where this process may load programs.
	loadable := os.Geteuid() == 0
	if !loadable && os.Getenv("KEN_REQUIRE_KERNEL") != "" {
		t.Fatal("the kernel verifier check of the examples needs root")
	}
	exs := all(t)
	dir := t.TempDir()
	sem := make(chan struct{}, compileWorkers)
	for _, ex := range exs {
		t.Run(ex.Name, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()

			src := filepath.Join(dir, ex.Name+".bt")
			elf := filepath.Join(dir, ex.Name+".o")
			if err := os.WriteFile(src, []byte(ex.Source), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, argv[0], append(argv[1:], "--emit-elf", elf, src)...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("bpftrace 0.23 rejects %s: %v\n%s", ex.Name, err, out)
			}
			obj, err := os.ReadFile(elf)
			if err != nil || !bytes.HasPrefix(obj, []byte("\x7fELF")) {
				t.Fatalf("bpftrace 0.23 wrote no ELF object for %s: %v\n%s", ex.Name, err, out)
			}
			if loadable {
				checkKernelAccepts(t, ctx, obj, ex)
			}
		})
	}
}

// checkKernelAccepts puts an example's ELF to the running kernel's
// verifier (load only, never attach). A kind of program this kernel
// cannot load at all (ErrUnsupported) is no fault of the example.
func checkKernelAccepts(t *testing.T, ctx context.Context, obj []byte, ex Example) {
	t.Helper()
	rep, err := kverify.Load(ctx, obj, source.NewFile(ex.Name+".bt", []byte(ex.Source)))
	if err != nil {
		t.Fatalf("loading %s into the kernel verifier: %v", ex.Name, err)
	}
	for _, p := range rep.Programs {
		if p.Rejection != nil {
			t.Errorf("the kernel verifier rejects %s (line %d): %s", p.Name, p.Rejection.Line, p.Rejection.Message)
		}
		if p.Err != nil && !errors.Is(p.Err, kverify.ErrUnsupported) {
			t.Errorf("%s: %v", p.Name, p.Err)
		}
	}
}
