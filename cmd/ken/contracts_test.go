package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kenlsp/ken/symbex/contracts"
)

const curatedFile = "../../datasets/contracts/curated.json"

func TestContractsCommand(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"format": "ken-contracts/1", "functions": [{"name": "f", "pre": ["retval > 0"]}, {"name": "f"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.json")
	if err := os.WriteFile(missing, []byte(`{"format": "ken-contracts/1", "functions": [{"name": "no_such_function_x"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args       []string
		wantStatus int
		wantOut    string // substring of stdout
		wantErr    string // substring of stderr; "" means stderr must be empty
	}{
		{args: []string{"contracts", "check", curatedFile}, wantOut: curatedFile + ": ok: "},
		{args: []string{"contracts", "check", "--kernel", testdataSnapshot, curatedFile}, wantOut: curatedFile + ": ok: "},
		{args: []string{"contracts", "check", bad}, wantStatus: exitFindings,
			wantErr: bad + `:functions[0].pre[0]: f: precondition "retval > 0" uses retval`},
		{args: []string{"contracts", "check", bad}, wantStatus: exitFindings, wantErr: bad + `:functions[1].name: duplicate function "f"`},
		{args: []string{"contracts", "check", missing}, wantOut: "ok: 1 functions"},
		{args: []string{"contracts", "check", missing, "--kernel", testdataSnapshot}, wantStatus: exitFindings,
			wantErr: missing + ":functions[0]: function no_such_function_x is not in kernel"},
		{args: []string{"contracts", "check", filepath.Join(dir, "none.json")}, wantStatus: exitUsage, wantErr: "no such file"},
		{args: []string{"contracts", "check"}, wantStatus: exitUsage, wantErr: "no files"},
		{args: []string{"contracts"}, wantStatus: exitUsage, wantErr: "usage: ken contracts"},
		{args: []string{"contracts", "nope"}, wantStatus: exitUsage, wantErr: `unknown command "nope"`},
		{args: []string{"contracts", "help"}, wantOut: "usage: ken contracts"},
		{args: []string{"help", "contracts"}, wantOut: "usage: ken contracts"},
		{args: []string{"contracts", "generate", "-h"}, wantErr: "usage: ken contracts generate"},
		{args: []string{"contracts", "generate", "extra"}, wantStatus: exitUsage, wantErr: "unexpected arguments"},
		{args: []string{"contracts", "generate", "--kernel", "no/such/file.ken"}, wantStatus: exitUsage, wantErr: "no such file"},
		{args: []string{"contracts", "generate", "--kernel", testdataSnapshot, "--curated", bad}, wantStatus: exitUsage, wantErr: "duplicate function"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			status, out, errOut := runKen(tt.args...)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d; stderr %q", status, tt.wantStatus, errOut)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", out, tt.wantOut)
			}
			if !strings.Contains(errOut, tt.wantErr) || tt.wantErr == "" && errOut != "" {
				t.Errorf("stderr = %q, want it to contain %q", errOut, tt.wantErr)
			}
		})
	}
}

func TestContractsGenerate(t *testing.T) {
	status, out, errOut := runKen("contracts", "generate", "--kernel", testdataSnapshot)
	if status != exitOK || errOut != "" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	s, err := contracts.Parse([]byte(out), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Functions) <= 10000 || len(s.Tracepoints) < 1000 || s.Kernel == "" {
		t.Errorf("generated %d functions, %d tracepoints for kernel %q", len(s.Functions), len(s.Tracepoints), s.Kernel)
	}
	if f, ok := s.Function("tcp_connect"); !ok || !f.Curated || f.Proto == "" {
		t.Errorf("tcp_connect = %+v", f)
	}

	// -o writes the same bytes to a file.
	file := filepath.Join(t.TempDir(), "contracts.json")
	status, msg, errOut := runKen("contracts", "generate", "--kernel", testdataSnapshot, "-o", file)
	if status != exitOK || errOut != "" || !strings.Contains(msg, "wrote "+file) {
		t.Fatalf("status %d, stdout %q, stderr %q", status, msg, errOut)
	}
	written, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(written) != out {
		t.Error("-o FILE and standard output differ")
	}
	status, checked, errOut := runKen("contracts", "check", file)
	if status != exitOK || !strings.Contains(checked, file+": ok") {
		t.Errorf("check of the generated file: status %d, stdout %q, stderr %q", status, checked, errOut)
	}
}
