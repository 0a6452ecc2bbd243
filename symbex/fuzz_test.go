package symbex_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/symbex"
)

// FuzzVerify verifies arbitrary programs that pass analysis: the verifier
// must not panic, and every obligation must point inside the text.
func FuzzVerify(f *testing.F) {
	paths, _ := filepath.Glob("../analysis/testdata/valid/*.bt")
	for _, p := range paths {
		if text, err := os.ReadFile(p); err == nil {
			f.Add(text)
		}
	}
	f.Add([]byte("kprobe:tcp_connect {\n//@ assert sk != NULL\n//@ assume\n//@ nonsense x\n}"))
	k := kerneltest.Snapshot(f)
	f.Fuzz(func(t *testing.T, text []byte) {
		file := source.NewFile("fuzz.bt", text)
		r := analysis.Check(file, analysis.Config{Kernel: k})
		if diag.HasErrors(r.Diagnostics) {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rep := symbex.Verify(ctx, r, symbex.Config{Kernel: k, Budget: time.Second})
		for _, o := range rep.Obligations {
			if o.Span.Start < 0 || o.Span.End > len(text) || o.Span.Start > o.Span.End {
				t.Fatalf("obligation %q at %v outside %d bytes", o.Claim, o.Span, len(text))
			}
		}
	})
}
