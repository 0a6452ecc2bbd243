package pipeline_test

import (
	"context"
	"testing"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline"
)

func TestStages(t *testing.T) {
	cfg := pipeline.Config{Analysis: analysis.Config{Kernel: kerneltest.Snapshot(t)}, Symbex: true}
	tests := []struct {
		name, src string
		verified  bool
		code      string
	}{
		{"the verifier's finding joins the others", "kprobe:tcp_connect { $sk = (struct sock *)arg0; printf(\"%d\\n\", $sk->__sk_common.skc_dport); }", true, "ken/byte-order"},
		{"a file with errors is not verified", "kprobe:tcp_connect { printf(\"%d\\n\", retval); }", false, "ken/builtin-probe-kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pipeline.Check(context.Background(), source.NewFile("t.bt", []byte(tt.src)), cfg)
			if (r.Verification != nil) != tt.verified {
				t.Errorf("verified = %v, want %v", r.Verification != nil, tt.verified)
			}
			found := false
			for _, d := range r.Diagnostics {
				found = found || d.Code == tt.code
			}
			if !found {
				t.Errorf("no %s in %+v", tt.code, r.Diagnostics)
			}
		})
	}
	off := cfg
	off.Symbex = false
	r := pipeline.Check(context.Background(), source.NewFile("t.bt", []byte(tests[0].src)), off)
	if r.Verification != nil || len(r.Diagnostics) != 0 {
		t.Errorf("with the verifier off: %+v", r.Diagnostics)
	}
}
