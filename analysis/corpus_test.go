package analysis_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
)

func testKernel(t testing.TB) *kernel.Kernel { return kerneltest.Snapshot(t) }

var verdictLine = regexp.MustCompile(`(?m)^// bpftrace-0\.23: (\S+)`)

// corpus lists the .bt files of a testdata directory with their recorded
// bpftrace 0.23 verdict.
func corpus(t *testing.T, dir string) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.bt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus in testdata/%s: %v", dir, err)
	}
	files := make(map[string]string, len(paths))
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m := verdictLine.FindSubmatch(text)
		if m == nil {
			t.Fatalf("%s: no // bpftrace-0.23: line", p)
		}
		files[p] = string(m[1])
	}
	return files
}

func checkFile(t *testing.T, path string, v dialect.Version) (*source.File, []diag.Diagnostic) {
	return checkFileOn(t, path, analysis.Config{Kernel: testKernel(t), Dialect: v})
}

func checkFileOn(t *testing.T, path string, cfg analysis.Config) (*source.File, []diag.Diagnostic) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := source.NewFile(path, text)
	return f, analysis.Check(f, cfg).Diagnostics
}

// kernelFeatureCodes are verdicts about this kernel rather than the
// program: programs that need them are "parse-only" in the corpus.
var kernelFeatureCodes = map[string]bool{sema.CodeProbeUnavailable: true, sema.CodeUnknownKernelSymbol: true}

// TestNoFalseErrors checks every program bpftrace accepts: those 0.23
// accepts under the 0.23 dialect, and those written for newer versions
// under the newest. A false error is the worst thing a checker can do.
func TestNoFalseErrors(t *testing.T) {
	for path, verdict := range corpus(t, "valid") {
		v := dialect.V(0, 23)
		switch verdict {
		case "ok":
		case "newer":
			v = dialect.Newest
		default:
			continue // needs headers, binaries or kernel features this kernel lacks
		}
		f, ds := checkFile(t, path, v)
		for _, d := range ds {
			if d.Severity == diag.Error && !(verdict == "newer" && kernelFeatureCodes[d.Code]) {
				pos := f.Position(d.Span.Start)
				t.Errorf("%s:%d:%d: false error under bpftrace %s: %s [%s]", path, pos.Line, pos.Column, v, d.Message, d.Code)
			}
		}
	}
}

// TestNewerSyntaxRejectedBy023 checks that programs written for newer
// bpftrace versions are rejected when checked as 0.23, as 0.23 does.
func TestNewerSyntaxRejectedBy023(t *testing.T) {
	for path, verdict := range corpus(t, "valid") {
		if verdict != "newer" {
			continue
		}
		if _, ds := checkFile(t, path, dialect.V(0, 23)); !diag.HasErrors(ds) {
			t.Errorf("%s: bpftrace 0.23 rejects it, ken reports no error under the 0.23 dialect", path)
		}
	}
}

// TestSemanticCorpus checks each program bpftrace 0.23 rejects for a
// semantic reason (unknown probes, fields, types, builtins out of place,
// format, map and variable errors): ken must report an error on the line marked
// "// mistake", which is the line bpftrace reports.
func TestSemanticCorpus(t *testing.T) {
	for path := range corpus(t, "semantic") {
		text, _ := os.ReadFile(path)
		want := mistakeLine(t, path, text)
		// HostFiles: a uprobe on a binary no machine has is a mistake too.
		f, ds := checkFileOn(t, path, analysis.Config{Kernel: testKernel(t), Dialect: dialect.V(0, 23), HostFiles: true})
		found := false
		for _, d := range ds {
			if d.Severity == diag.Error && f.Position(d.Span.Start).Line <= want && want <= f.Position(d.Span.End).Line {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no error on line %d; got %s", path, want, summary(f, ds))
		}
	}
}

func mistakeLine(t *testing.T, path string, text []byte) int {
	for i, line := range strings.Split(string(text), "\n") {
		if strings.HasSuffix(strings.TrimSpace(line), "// mistake") {
			return i + 1
		}
	}
	t.Fatalf("%s: no line marked // mistake", path)
	return 0
}

func summary(f *source.File, ds []diag.Diagnostic) string {
	if len(ds) == 0 {
		return "nothing"
	}
	var parts []string
	for _, d := range ds {
		pos := f.Position(d.Span.Start)
		parts = append(parts, d.Severity.String()+"@"+strconv.Itoa(pos.Line)+" "+d.Code)
	}
	return strings.Join(parts, ", ")
}
