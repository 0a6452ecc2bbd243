package syntax

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kenlsp/ken/internal/bpftracetest"

	"github.com/kenlsp/ken/analysis/source"
)

// knownDialectDifferences lists corpus files on which ken and the newest
// bpftrace disagree on purpose, with the reason. ken's parser accepts the
// union of bpftrace 0.17-0.26; per-version rejections belong to the
// semantic stage's dialect setting.
var knownDialectDifferences = map[string]string{
	"047-integer-literals.bt":    "uppercase integer suffixes (10UL): accepted up to 0.25, rejected from 0.26",
	"137-cpu-affinity-bitmap.bt": "uppercase integer suffixes (10ULL): accepted up to 0.25, rejected from 0.26",
}

// TestAgreementWithBpftrace parses every corpus file with ken and with the
// real bpftrace parser (bpftrace --fmt) and requires the same verdict:
// every valid program accepted by both, every error file rejected by both.
func TestAgreementWithBpftrace(t *testing.T) {
	bpftrace := bpftracetest.Formatter(t)
	var files []string
	for _, dir := range []string{"valid", "errors"} {
		files = append(files, corpusFiles(t, dir)...)
	}
	agree := 0
	for _, path := range files {
		name := filepath.Base(path)
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, diags := Parse(source.NewFile(path, text))
		kenAccepts := len(diags) == 0
		bpftraceAccepts, output := runFormatter(t, bpftrace, path)
		switch {
		case kenAccepts == bpftraceAccepts:
			agree++
		case knownDialectDifferences[name] != "":
			t.Logf("%s: known difference: %s", name, knownDialectDifferences[name])
		default:
			t.Errorf("%s: ken accepts=%v, bpftrace accepts=%v\n%s", name, kenAccepts, bpftraceAccepts, output)
		}
	}
	t.Logf("agreement with %s on %d files: %d (%.1f%%)", bpftrace, len(files), agree, 100*float64(agree)/float64(len(files)))
}

// runFormatter runs bpftrace --fmt on path without a shell and reports
// whether bpftrace parsed it.
func runFormatter(t *testing.T, bpftrace, path string) (bool, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bpftrace, "--fmt", path).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s --fmt %s timed out", bpftrace, path)
	}
	var lines []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "ERROR") {
			lines = append(lines, line)
		}
	}
	return err == nil, strings.Join(lines, "\n")
}
