package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFmtPlumbing runs ken fmt over the fake formatter, which strips
// trailing blanks and refuses files containing "ERR".
func TestFmtPlumbing(t *testing.T) {
	files := map[string]string{
		"messy.bt":  "a  \nb\t\n",
		"tidy.bt":   "a\nb\n",
		"broken.bt": "a  \nERR\n",
	}
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantStatus int
		wantOut    string
		wantErr    string // regexp; "" means stderr must be empty
		wantFiles  map[string]string
	}{
		{
			name: "print", args: []string{"messy.bt", "tidy.bt"},
			wantOut: "a\nb\na\nb\n",
		},
		{
			name: "list", args: []string{"-l", "messy.bt", "tidy.bt"},
			wantOut: "messy.bt\n",
		},
		{
			name: "diff", args: []string{"-d", "tidy.bt", "messy.bt"},
			wantOut: "--- messy.bt.orig\n+++ messy.bt\n@@ -1,2 +1,2 @@\n-a  \n-b\t\n+a\n+b\n",
		},
		{
			name: "write", args: []string{"-w", "messy.bt", "tidy.bt"},
			wantFiles: map[string]string{"messy.bt": "a\nb\n", "tidy.bt": "a\nb\n"},
		},
		{
			name: "list and write", args: []string{"-l", "-w", "messy.bt"},
			wantOut:   "messy.bt\n",
			wantFiles: map[string]string{"messy.bt": "a\nb\n"},
		},
		{
			name: "stdin", args: []string{"-"}, stdin: "x \n",
			wantOut: "x\n",
		},
		{
			name: "write stdin", args: []string{"-w", "-"},
			wantStatus: exitUsage, wantErr: `cannot use -w with standard input`,
		},
		{
			name: "syntax errors leave the file alone", args: []string{"-w", "broken.bt", "messy.bt"},
			wantStatus: exitFindings,
			wantErr:    `^broken\.bt:2:1: error: found ERR \[test/err\]\n$`,
			wantFiles:  map[string]string{"broken.bt": files["broken.bt"], "messy.bt": "a\nb\n"},
		},
		{
			name: "unreadable file, others still formatted", args: []string{"-l", "missing.bt", "broken.bt", "messy.bt"},
			wantStatus: exitUsage,
			wantOut:    "messy.bt\n",
			wantErr:    `^ken: open missing\.bt: no such file or directory\nbroken\.bt:2:1: error: found ERR`,
		},
		{
			name: "no files", args: nil,
			wantStatus: exitUsage, wantErr: `no files given`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(writeFiles(t, files))
			c, stdout, stderr := fakeCLI(tt.stdin)
			status := c.run(append([]string{"fmt"}, tt.args...))
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d; stderr:\n%s", status, tt.wantStatus, stderr)
			}
			if stdout.String() != tt.wantOut {
				t.Errorf("stdout:\n%q\nwant:\n%q", stdout, tt.wantOut)
			}
			if tt.wantErr == "" && stderr.Len() > 0 {
				t.Errorf("unexpected stderr:\n%s", stderr)
			}
			if tt.wantErr != "" && !regexp.MustCompile(tt.wantErr).MatchString(stderr.String()) {
				t.Errorf("stderr does not match %q:\n%s", tt.wantErr, stderr)
			}
			for name, want := range files {
				if w, ok := tt.wantFiles[name]; ok {
					want = w
				}
				if got, err := os.ReadFile(name); err != nil || string(got) != want {
					t.Errorf("%s = %q (%v), want %q", name, got, err, want)
				}
			}
			assertNoTempFiles(t, ".")
		})
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".ken-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.bt")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil { // whatever the umask
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.bt")
	if err := os.Symlink("x.bt", link); err != nil {
		t.Fatal(err)
	}

	if err := writeFileAtomic(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("content = %q, want %q", got, "new")
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640", info.Mode().Perm())
	}
	if li, err := os.Lstat(link); err != nil || li.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v %v", li.Mode(), err)
	}
	assertNoTempFiles(t, dir)

	if err := writeFileAtomic(dir, []byte("x")); err == nil {
		t.Error("rewriting a directory succeeded")
	}
	if err := writeFileAtomic(filepath.Join(dir, "missing"), []byte("x")); err == nil {
		t.Error("rewriting a missing file succeeded")
	}
	assertNoTempFiles(t, dir)
}

// The tests below run the real formatter through run.

// TestFmtBrokenFileUntouched checks that ken fmt -w leaves a file with a
// syntax error byte for byte as it was and reports the error on stderr.
func TestFmtBrokenFileUntouched(t *testing.T) {
	const broken = "BEGIN   {  printf(\"abc"
	dir := writeFiles(t, map[string]string{"broken.bt": broken})
	t.Chdir(dir)
	before, err := os.Stat("broken.bt")
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	status := run([]string{"fmt", "-w", "broken.bt"}, strings.NewReader(""), &stdout, &stderr)
	if status != exitFindings {
		t.Errorf("status = %d, want %d", status, exitFindings)
	}
	if got, _ := os.ReadFile("broken.bt"); string(got) != broken {
		t.Errorf("file changed to %q", got)
	}
	if after, err := os.Stat("broken.bt"); err != nil || !os.SameFile(before, after) {
		t.Errorf("file was replaced")
	}
	if !regexp.MustCompile(`(?m)^broken\.bt:1:\d+: error: `).MatchString(stderr.String()) {
		t.Errorf("stderr has no error for broken.bt:\n%s", stderr.String())
	}
	if stdout.Len() > 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
}

// TestFmtRealIdempotent checks that ken fmt's output is left alone by a
// second ken fmt -l, through the command line.
func TestFmtRealIdempotent(t *testing.T) {
	src := "tracepoint:syscalls:sys_enter_openat\n/pid > 1/\n{\n\t@opens[comm] = count();\n}\n"
	var once, stderr bytes.Buffer
	if status := run([]string{"fmt", "-"}, strings.NewReader(src), &once, &stderr); status != exitOK {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	var listed bytes.Buffer
	if status := run([]string{"fmt", "-l", "-"}, bytes.NewReader(once.Bytes()), &listed, &stderr); status != exitOK || listed.Len() > 0 {
		t.Errorf("formatted output is not stable (status %d, -l says %q):\n%s", status, listed.String(), once.String())
	}
}
