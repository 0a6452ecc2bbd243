package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunCommands(t *testing.T) {
	tests := []struct {
		args       []string
		wantStatus int
		wantOut    string // substring of stdout
		wantErr    string // substring of stderr
	}{
		{args: nil, wantStatus: exitUsage, wantErr: "Usage:"},
		{args: []string{"help"}, wantStatus: exitOK, wantOut: "Commands:"},
		{args: []string{"--help"}, wantStatus: exitOK, wantOut: "Commands:"},
		{args: []string{"help", "check"}, wantStatus: exitOK, wantOut: "usage: ken check"},
		{args: []string{"help", "fmt"}, wantStatus: exitOK, wantOut: "usage: ken fmt"},
		{args: []string{"help", "nope"}, wantStatus: exitUsage, wantErr: `unknown command "nope"`},
		{args: []string{"nope"}, wantStatus: exitUsage, wantErr: `unknown command "nope"`},
		{args: []string{"version"}, wantStatus: exitOK, wantOut: "ken "},
		{args: []string{"version", "x"}, wantStatus: exitUsage, wantErr: "usage: ken version"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := run(tt.args, strings.NewReader(""), &stdout, &stderr)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d", status, tt.wantStatus)
			}
			if tt.wantOut == "" && stdout.Len() > 0 || !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", stdout.String(), tt.wantOut)
			}
			if tt.wantErr == "" && stderr.Len() > 0 || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantErr)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args      []string
		wantFiles []string
		wantW     bool
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, false},
		{[]string{"-w", "a"}, []string{"a"}, true},
		{[]string{"a", "-w", "b"}, []string{"a", "b"}, true},
		{[]string{"-", "-w"}, []string{"-"}, true},
		{[]string{"a", "--", "-w"}, []string{"a", "-w"}, false},
		{nil, nil, false},
	}
	for _, tt := range tests {
		c, _, _ := fakeCLI("")
		fs, opts := c.fmtFlags()
		files, err := parseFlags(fs, tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if strings.Join(files, "|") != strings.Join(tt.wantFiles, "|") || opts.write != tt.wantW {
			t.Errorf("%q: files %q, -w %v; want %q, %v", tt.args, files, opts.write, tt.wantFiles, tt.wantW)
		}
	}
}
