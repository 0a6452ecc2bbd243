package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
