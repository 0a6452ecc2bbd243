package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// writeFiles creates the named files in a fresh directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestCheckPlumbing runs ken check over a fake pipeline, so that it tests
// argument handling, ordering, output and exit statuses on their own.
func TestCheckPlumbing(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.bt":     "WARN\n",
		"b.bt":     "ok\nxERR\n",
		"clean.bt": "ok\n",
	})
	t.Chdir(dir)
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantStatus int
		wantOut    string
		wantErr    string // a regexp that stderr must match; "" means empty
	}{
		{
			name: "clean file", args: []string{"clean.bt"},
			wantStatus: exitOK,
		},
		{
			name: "warning only", args: []string{"a.bt"},
			wantStatus: exitOK,
			wantOut:    "a.bt:1:1: warning: found WARN [test/warn]\n",
		},
		{
			name: "sorted by file, error wins", args: []string{"b.bt", "clean.bt", "a.bt"},
			wantStatus: exitFindings,
			wantOut:    "a.bt:1:1: warning: found WARN [test/warn]\nb.bt:2:2: error: found ERR [test/err]\n",
		},
		{
			name: "stdin", args: []string{"-"}, stdin: "ERR WARN",
			wantStatus: exitFindings,
			wantOut:    "<stdin>:1:1: error: found ERR [test/err]\n<stdin>:1:5: warning: found WARN [test/warn]\n",
		},
		{
			name: "unreadable file, others still checked", args: []string{"missing.bt", "b.bt", "."},
			wantStatus: exitUsage,
			wantOut:    "b.bt:2:2: error: found ERR [test/err]\n",
			wantErr:    `(?s)^ken: open missing\.bt: no such file or directory\nken: read \.: is a directory\n$`,
		},
		{
			name: "flags after files", args: []string{"a.bt", "--format", "json"},
			wantStatus: exitOK,
			wantOut:    `"message": "found WARN"`,
		},
		{
			name: "double dash ends flags", args: []string{"--", "-format"},
			wantStatus: exitUsage,
			wantErr:    `open -format: no such file`,
		},
		{
			name: "unknown format", args: []string{"--format", "xml", "a.bt"},
			wantStatus: exitUsage,
			wantErr:    `unknown format "xml"`,
		},
		{
			name: "unknown flag", args: []string{"-x", "a.bt"},
			wantStatus: exitUsage,
			wantErr:    `flag provided but not defined: -x`,
		},
		{
			name: "no files", args: nil,
			wantStatus: exitUsage,
			wantErr:    `no files given`,
		},
		{
			name: "help flag", args: []string{"-h"},
			wantStatus: exitOK,
			wantErr:    `usage: ken check`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, stdout, stderr := fakeCLI(tt.stdin)
			status := c.run(append([]string{"check"}, tt.args...))
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d; stderr:\n%s", status, tt.wantStatus, stderr)
			}
			if strings.HasPrefix(tt.wantOut, `"`) {
				if !strings.Contains(stdout.String(), tt.wantOut) {
					t.Errorf("stdout does not contain %s:\n%s", tt.wantOut, stdout)
				}
			} else if stdout.String() != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, tt.wantOut)
			}
			if tt.wantErr == "" && stderr.Len() > 0 {
				t.Errorf("unexpected stderr:\n%s", stderr)
			}
			if tt.wantErr != "" && !regexp.MustCompile(tt.wantErr).MatchString(stderr.String()) {
				t.Errorf("stderr does not match %q:\n%s", tt.wantErr, stderr)
			}
		})
	}
}

// TestCheckFormatsAgree checks that each format reports the same
// diagnostics for the same files, through the whole command.
func TestCheckFormatsAgree(t *testing.T) {
	dir := writeFiles(t, map[string]string{"x.bt": "ERR\nWARN\n"})
	t.Chdir(dir)
	for _, format := range []string{"json", "sarif"} {
		c, stdout, stderr := fakeCLI("")
		if status := c.run([]string{"check", "--format=" + format, "x.bt"}); status != exitFindings {
			t.Errorf("%s: status %d, stderr %s", format, status, stderr)
		}
		switch format {
		case "json":
			var ds []jsonDiagnostic
			if err := json.Unmarshal(stdout.Bytes(), &ds); err != nil || len(ds) != 2 || ds[1].Range.Start.Line != 2 {
				t.Errorf("json: %v %+v", err, ds)
			}
		case "sarif":
			validateSARIF(t, stdout.Bytes())
			var log sarifLog
			if err := json.Unmarshal(stdout.Bytes(), &log); err != nil || len(log.Runs[0].Results) != 2 {
				t.Errorf("sarif: %v\n%s", err, stdout)
			}
		}
	}
}

// The tests below run the real pipeline through run, on inputs whose
// outcome does not depend on the details of the parser.

func TestCheckUnterminatedString(t *testing.T) {
	dir := writeFiles(t, map[string]string{"x.bt": "BEGIN { printf(\"abc"})
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	status := run([]string{"check", "x.bt"}, strings.NewReader(""), &stdout, &stderr)
	if status != exitFindings {
		t.Errorf("status = %d, want %d; stderr: %s", status, exitFindings, stderr.String())
	}
	if !regexp.MustCompile(`(?m)^x\.bt:1:\d+: error: .+`).MatchString(stdout.String()) {
		t.Errorf("no error reported on line 1:\n%s", stdout.String())
	}
}

func TestCheckValidProgram(t *testing.T) {
	var stdout, stderr bytes.Buffer
	prog := "BEGIN { printf(\"hello\\n\"); exit(); }\n"
	status := run([]string{"check", "-"}, strings.NewReader(prog), &stdout, &stderr)
	if status != exitOK || stderr.Len() > 0 {
		t.Errorf("status = %d, stdout %q, stderr %q", status, stdout.String(), stderr.String())
	}
}

func TestCheckUnreadableFileRealPipeline(t *testing.T) {
	dir := writeFiles(t, map[string]string{"broken.bt": "BEGIN { printf(\"abc"})
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	status := run([]string{"check", "--format", "json", "missing.bt", "broken.bt"}, strings.NewReader(""), &stdout, &stderr)
	if status != exitUsage {
		t.Errorf("status = %d, want %d", status, exitUsage)
	}
	if !strings.Contains(stderr.String(), "missing.bt") {
		t.Errorf("stderr does not name the missing file: %q", stderr.String())
	}
	var ds []jsonDiagnostic
	if err := json.Unmarshal(stdout.Bytes(), &ds); err != nil || len(ds) == 0 || ds[0].File != "broken.bt" {
		t.Errorf("broken.bt was not checked: %v\n%s", err, stdout.String())
	}
}

// TestCheckHostileInput feeds the real pipeline invalid UTF-8, NUL bytes
// and a large file; it must answer with diagnostics, not crash.
func TestCheckHostileInput(t *testing.T) {
	var big bytes.Buffer
	for big.Len() < 4<<20 {
		big.WriteString("kprobe:vfs_read { @bytes[comm, \"é😀\"] = sum(arg2); if (arg2 > 10) { printf(\"%d\\n\", arg2); } }\n")
	}
	inputs := map[string][]byte{
		"invalid UTF-8": []byte("BEGIN { printf(\"\xff\xfe\xc3\"); }\n\xff\x80 @x = 1;"),
		"NUL bytes":     []byte("BEGIN {\x00 @x\x00 = 1; }\x00"),
		"only garbage":  bytes.Repeat([]byte("\xff}{)(/*\"'\\"), 10000),
		"large":         big.Bytes(),
	}
	for name, text := range inputs {
		t.Run(name, func(t *testing.T) {
			for _, format := range []string{"text", "json", "sarif"} {
				var stdout, stderr bytes.Buffer
				status := run([]string{"check", "--format", format, "-"}, bytes.NewReader(text), &stdout, &stderr)
				if status != exitOK && status != exitFindings {
					t.Errorf("%s: status %d, stderr %s", format, status, stderr.String())
				}
				if format != "text" && !json.Valid(stdout.Bytes()) {
					t.Errorf("%s: output is not valid JSON", format)
				}
			}
		})
	}
}
