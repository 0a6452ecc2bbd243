package main

import (
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

func TestWriteText(t *testing.T) {
	invalid := source.NewFile("bad.bt", []byte("\xff\xfe@x\n"))
	tests := []struct {
		name    string
		results func(t *testing.T) []fileResult
		want    []string
	}{
		{
			name:    "nothing",
			results: func(*testing.T) []fileResult { return nil },
			want:    nil,
		},
		{
			name:    "fixture",
			results: fixtureResults,
			want: []string{
				"a.bt:1:1: hint: BEGIN runs once, before any other probe",
				"a.bt:2:25: warning: map @x is assigned but never read [ken/unused-map]",
				"\ta.bt:1:1: in this probe",
				"a.bt:2:31: error: expected ';' after the statement [ken/syntax]",
				"dir/b file.bt:1:1: info: kprobes load but cannot attach on this kernel [ken/kprobe-attach]",
				"dir/b file.bt:3:2: error: a multi-line span [ken/syntax]",
			},
		},
		{
			name: "invalid UTF-8 counts bytes",
			results: func(*testing.T) []fileResult {
				return []fileResult{{invalid, []diag.Diagnostic{{Span: source.Span{Start: 2, End: 4}, Severity: diag.Error, Message: "m"}}}}
			},
			want: []string{"bad.bt:1:3: error: m"},
		},
		{
			name: "span past the end is clamped",
			results: func(*testing.T) []fileResult {
				return []fileResult{{invalid, []diag.Diagnostic{{Span: source.Span{Start: 99, End: 120}, Severity: diag.Warning, Message: "m", Code: "c"}}}}
			},
			want: []string{"bad.bt:2:1: warning: m [c]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sb strings.Builder
			if err := writeText(&sb, tt.results(t)); err != nil {
				t.Fatal(err)
			}
			var got []string
			if sb.Len() > 0 {
				if !strings.HasSuffix(sb.String(), "\n") {
					t.Errorf("output does not end in a newline: %q", sb.String())
				}
				got = strings.Split(strings.TrimSuffix(sb.String(), "\n"), "\n")
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
