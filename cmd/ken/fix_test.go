package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

// TestCheckFix writes the fixes into the file: the misspelt field first,
// then, once the file type-checks, the verifier's bswap() and guard.
func TestCheckFix(t *testing.T) {
	kernel, err := filepath.Abs(testdataSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{"port.bt": "kprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n\tprintf(\"%d\\n\", $sk->__sk_common.skc_dport);\n}\n" +
		"tracepoint:syscalls:sys_enter_openat\n{\n\tprintf(\"%s\\n\", str(args->filname));\n}\n" +
		"tracepoint:sched:sched_wakeup { @w[args.pid] = nsecs; }\ntracepoint:sched:sched_switch { @us = hist(nsecs - @w[args.next_pid]); delete(@w, args.next_pid); }\n"})
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	status := run([]string{"check", "--kernel", kernel, "--dialect", "0.23", "--fix", "port.bt"}, strings.NewReader(""), &stdout, &stderr)
	if status != exitOK || stdout.Len() > 0 || !strings.Contains(stderr.String(), "applied 3 fixes") {
		t.Fatalf("status %d\nstdout:\n%s\nstderr:\n%s", status, stdout.String(), stderr.String())
	}
	fixed, err := os.ReadFile("port.bt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bswap($sk->__sk_common.skc_dport)", "str(args->filename)", "sched_switch /@w[args.next_pid]/ {"} {
		if !strings.Contains(string(fixed), want) {
			t.Errorf("the fixed file lacks %q:\n%s", want, fixed)
		}
	}

	stderr.Reset()
	if status := run([]string{"check", "--fix", "-"}, strings.NewReader("BEGIN { }"), &stdout, &stderr); status != exitUsage {
		t.Errorf("--fix on standard input: status %d, stderr %q", status, stderr.String())
	}
}

// TestPreferredEdits keeps the first of two fixes that touch the same
// text, and applies the rest from the end of the text backwards.
func TestPreferredEdits(t *testing.T) {
	fix := func(start, end int, text string) diag.Diagnostic {
		return diag.Diagnostic{Fixes: []diag.Fix{{Edits: []diag.Edit{{Span: source.Span{Start: start, End: end}, NewText: text}}}}}
	}
	ds := []diag.Diagnostic{fix(0, 3, "x"), fix(2, 5, "y"), fix(6, 6, "z"), {}}
	edits, n := preferredEdits(ds)
	if n != 2 || len(edits) != 2 {
		t.Fatalf("kept %d fixes: %+v", n, edits)
	}
	if got := string(diag.ApplyEdits([]byte("0123456789"), edits)); got != "x345z6789" {
		t.Errorf("applied: %q, want x345z6789", got)
	}
}
