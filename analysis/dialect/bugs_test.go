package dialect_test

import (
	"testing"

	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// TestBugs: the ternary whose first string is the longer one, in bpftrace
// 0.23 only, with a fix that keeps the meaning and loads.
func TestBugs(t *testing.T) {
	tests := []struct {
		src     string
		v       dialect.Version
		flagged bool
		fix     string
	}{
		{`kprobe:f { @[arg0 ? "write" : "read"] = count(); }`, dialect.V(0, 23), true, `!(arg0) ? "read" : "write"`},
		{`kprobe:f { @[arg0 ? "read" : "write"] = count(); }`, dialect.V(0, 23), false, ""},
		{`kprobe:f { @[arg0 ? "anon" : "file"] = count(); }`, dialect.V(0, 23), false, ""},
		{`kprobe:f { @[arg0 ? "write" : "read"] = count(); }`, dialect.V(0, 26), false, ""},
		{`kprobe:f { @[arg0 ? 1 : 22] = count(); }`, dialect.V(0, 23), false, ""},
	}
	for _, tt := range tests {
		f := source.NewFile("t.bt", []byte(tt.src))
		ast, _ := syntax.Parse(f)
		ds := dialect.Bugs(ast, f, tt.v)
		if (len(ds) > 0) != tt.flagged {
			t.Errorf("%s as %s: %v", tt.src, tt.v, ds)
			continue
		}
		if tt.flagged {
			e := ds[0].Fixes[0].Edits[0]
			if e.NewText != tt.fix || ds[0].Code != dialect.CodeTernaryStrings {
				t.Errorf("%s: fix %q, code %s", tt.src, e.NewText, ds[0].Code)
			}
		}
	}
}
