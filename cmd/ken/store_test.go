package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kenlsp/ken/synth/retrieve"
)

// TestStoreCommands: info and reset on an empty, a filled and a corrupt
// store under $KEN_CACHE_DIR.
func TestStoreCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEN_CACHE_DIR", dir)
	path := filepath.Join(dir, "store.json")

	steps := []struct {
		name       string
		setup      func(t *testing.T)
		args       []string
		wantStatus int
		wantOut    []string
		wantErr    string
	}{
		{name: "no subcommand", args: []string{"store"}, wantStatus: exitUsage, wantErr: "usage: ken store"},
		{name: "unknown subcommand", args: []string{"store", "nope"}, wantStatus: exitUsage, wantErr: `unknown command "nope"`},
		{name: "arguments", args: []string{"store", "info", "x"}, wantStatus: exitUsage, wantErr: "unexpected arguments"},
		{name: "help", args: []string{"help", "store"}, wantOut: []string{"usage: ken store", "reset"}},
		{name: "empty", args: []string{"store", "info"}, wantOut: []string{"path:     " + path + "\n", "learned:  0\n", "size:     no file yet\n"}},
		{name: "reset nothing", args: []string{"store", "reset"}, wantOut: []string{"nothing to reset: " + path + " does not exist"}},
		{
			name: "learned two",
			setup: func(t *testing.T) {
				s, err := retrieve.Open("")
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range []string{"count syscalls", "count opens"} {
					if _, err := s.Add(retrieve.Doc{Prompt: p, Program: "tracepoint:raw_syscalls:sys_enter { @ = count(); }"}); err != nil {
						t.Fatal(err)
					}
				}
			},
			args: []string{"store", "info"}, wantOut: []string{"learned:  2\n", " bytes\n"},
		},
		{name: "reset", args: []string{"store", "reset"}, wantOut: []string{"deleted " + path + " (2 learned docs)"}},
		{name: "after reset", args: []string{"store", "info"}, wantOut: []string{"learned:  0\n", "no file yet"}},
		{
			name:  "reset a corrupt file",
			setup: func(t *testing.T) { os.WriteFile(path, []byte("{not json"), 0o600) },
			args:  []string{"store", "reset"}, wantOut: []string{"deleted " + path + " (unreadable: store file is corrupt"},
		},
	}
	for _, st := range steps {
		if st.setup != nil {
			st.setup(t)
		}
		status, stdout, stderr := runKen(st.args...)
		if status != st.wantStatus {
			t.Errorf("%s: status %d, want %d (stderr %q)", st.name, status, st.wantStatus, stderr)
		}
		for _, w := range st.wantOut {
			if !strings.Contains(stdout, w) {
				t.Errorf("%s: stdout %q lacks %q", st.name, stdout, w)
			}
		}
		if !strings.Contains(stderr, st.wantErr) {
			t.Errorf("%s: stderr %q lacks %q", st.name, stderr, st.wantErr)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("files left after the corrupt store was reset: %q", left)
	}
}
