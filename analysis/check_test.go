package analysis_test

import (
	"testing"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// TestCheckStages checks how the stages' findings are combined.
func TestCheckStages(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		v     dialect.Version
		codes []string
	}{
		{"semantic error reported", `BEGIN { printf("%d\n", comm); }`, dialect.V(0, 23), []string{"ken/format-type"}},
		{"no semantic noise on a broken line", "BEGIN {\n\tprintf(\"%d\\n, comm);\n}", dialect.V(0, 23), []string{syntax.CodeUnterminatedString}},
		{"one report for a probe type the dialect lacks", `begin { exit(); }`, dialect.V(0, 23), []string{dialect.Code}},
		{"same program fine in the newest dialect", `begin { exit(); }`, dialect.Newest, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := source.NewFile("t.bt", []byte(tt.src))
			r := analysis.Check(f, analysis.Config{Kernel: testKernel(t), Dialect: tt.v})
			var got []string
			for _, d := range r.Diagnostics {
				got = append(got, d.Code)
			}
			if len(got) != len(tt.codes) {
				t.Fatalf("got %v, want %v", got, tt.codes)
			}
			for i := range got {
				if got[i] != tt.codes[i] {
					t.Errorf("got %v, want %v", got, tt.codes)
				}
			}
			if r.Info == nil || r.AST == nil {
				t.Error("Result lacks the AST or the semantic model")
			}
		})
	}
}
