package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kenlsp/ken/synth/llm/llmtest"
)

// The synth package's case study: the port printed as the kernel stores
// it, then fixed.
const (
	connectPrompt = "trace every TCP connect with pid, comm, destination address and port in host byte order"
	portBug       = "```bpftrace\nkprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n\tprintf(\"%d %s %s %d\\n\", pid, comm, ntop($sk->__sk_common.skc_daddr), $sk->__sk_common.skc_dport);\n}\n```"
	portFixed     = "Here is the corrected program:\n```bpftrace\nkprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n\tprintf(\"%d %s %s %d\\n\", pid, comm, ntop($sk->__sk_common.skc_daddr), bswap($sk->__sk_common.skc_dport));\n}\n```\nThe port is now in host order."
	fixedProgram  = "kprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n\tprintf(\"%d %s %s %d\\n\", pid, comm, ntop($sk->__sk_common.skc_daddr), bswap($sk->__sk_common.skc_dport));\n}\n"
)

// testKey is a key no output may contain.
const testKey = "sk-ken-distinctive-7f3a9c21-do-not-print"

// synthEnv isolates a test from the caller's model settings and learning
// store, and puts testKey in $KEN_TEST_KEY.
func synthEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{"KEN_PROVIDER", "KEN_MODEL", "KEN_BASE_URL", "KEN_API_KEY_ENV", "KEN_KERNEL", "KEN_DIALECT", "KEN_BPFTRACE"} {
		t.Setenv(v, "")
	}
	t.Setenv("KEN_CACHE_DIR", t.TempDir())
	t.Setenv("KEN_TEST_KEY", testKey)
}

// modelArgs point ken at the scripted server through the real client,
// checking against the test kernel snapshot.
func modelArgs(srv *llmtest.Server) []string {
	return []string{
		"--provider", "openai", "--model", "test-model", "--base-url", srv.URL(), "--api-key-env", "KEN_TEST_KEY",
		"--kernel", testdataSnapshot, "--dialect", "0.23",
	}
}

func synthArgs(srv *llmtest.Server, more ...string) []string {
	return append(append([]string{"synth"}, modelArgs(srv)...), more...)
}

// wantAll reports each of wants that text lacks.
func wantAll(t *testing.T, name, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", name, w, text)
		}
	}
}

// TestSynthFeedbackLoop: trial 1 prints the port in network byte order,
// the counterexample goes back, trial 2 passes; only the program reaches
// stdout, and the store learns it.
func TestSynthFeedbackLoop(t *testing.T) {
	synthEnv(t)
	srv := llmtest.NewServer(t, llmtest.Step{Reply: portBug}, llmtest.Step{Reply: portFixed})
	status, stdout, stderr := runKen(synthArgs(srv, "--no-comprehension", "--explain", connectPrompt)...)
	if status != exitOK {
		t.Fatalf("status %d, stderr:\n%s", status, stderr)
	}
	if stdout != fixedProgram {
		t.Errorf("stdout = %q, want only the fixed program", stdout)
	}
	wantAll(t, "stderr", stderr,
		"--- trial 1 of 3", "failed the symbolic stage", "feedback to trial 2:", "0x5000 (80 in host order)",
		"--- trial 2 of 3", "passed every check", "bswap($sk->__sk_common.skc_dport)",
		"ken synth: verified (parse, semantic, symbolic) on trial 2 of 3", "origin: test-model via openai",
		"trials: 1 symbolic, 2 passed")
	if got := srv.Requests()[0].Credential(); got != testKey {
		t.Errorf("the server got key %q, want $KEN_TEST_KEY's", got)
	}
	_, info, _ := runKen("store", "info")
	wantAll(t, "store info", info, "learned:  1\n")
}

// TestSynthOffline: no provider, the closest verified example.
func TestSynthOffline(t *testing.T) {
	synthEnv(t)
	status, stdout, stderr := runKen("synth", "--kernel", testdataSnapshot, "--dialect", "0.23", "--explain",
		"count TCP retransmits per remote address every 5 seconds")
	if status != exitOK {
		t.Fatalf("status %d, stderr:\n%s", status, stderr)
	}
	wantAll(t, "stdout", stdout, "retransmit")
	wantAll(t, "stderr", stderr, "no model configured: answering from the verified examples", "no model used", "--- example 1")
	if strings.Contains(stdout, "ken synth") {
		t.Errorf("stdout has more than the program:\n%s", stdout)
	}
	var fromStdin, errOut bytes.Buffer
	args := []string{"synth", "--kernel", testdataSnapshot, "--dialect", "0.23", "-"}
	if status := run(args, strings.NewReader("count TCP retransmits per remote address every 5 seconds\n"), &fromStdin, &errOut); status != exitOK || fromStdin.String() != stdout {
		t.Errorf("the prompt on stdin: status %d, stdout %q; want the same program", status, fromStdin.String())
	}
}

// TestSynthGivesUp: three bad answers, exit 1, nothing on stdout, and the
// request for more detail on stderr.
func TestSynthGivesUp(t *testing.T) {
	synthEnv(t)
	srv := llmtest.NewServer(t,
		llmtest.Step{Reply: "I cannot help with kernel tracing today."},
		llmtest.Step{Reply: "```bpftrace\nkprobe:no_such_function_here { @ = count(); }\n```"},
		llmtest.Step{Reply: portBug})
	status, stdout, stderr := runKen(synthArgs(srv, "--no-comprehension", connectPrompt)...)
	if status != exitFindings || stdout != "" {
		t.Fatalf("status %d, stdout %q", status, stdout)
	}
	wantAll(t, "stderr", stderr, "not verified after 3 trials", "trials: 1 extract, 2 semantic, 3 symbolic",
		"could not produce a program that passes every check in 3 trials", "byte order")
}

// TestSynthComprehension: with comprehension on, each candidate is sent
// back for annotations; an unchanged answer keeps the program as it is.
func TestSynthComprehension(t *testing.T) {
	synthEnv(t)
	srv := llmtest.NewServer(t, llmtest.Step{Reply: portFixed}, llmtest.Step{Reply: portFixed})
	status, stdout, stderr := runKen(synthArgs(srv, "--no-store", connectPrompt)...)
	if status != exitOK || stdout != fixedProgram {
		t.Fatalf("status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
	if _, info, _ := runKen("store", "info"); !strings.Contains(info, "learned:  0") {
		t.Errorf("--no-store wrote the store:\n%s", info)
	}
}

// TestSynthNeverPrintsKey: whatever goes wrong, the key stays out of the
// output.
func TestSynthNeverPrintsKey(t *testing.T) {
	tests := []struct {
		name    string
		steps   []llmtest.Step
		args    func(*llmtest.Server) []string
		wantErr string
	}{
		{
			name:    "the endpoint refuses the key",
			steps:   []llmtest.Step{{Status: 401}},
			args:    func(srv *llmtest.Server) []string { return synthArgs(srv, connectPrompt) },
			wantErr: "KEN_TEST_KEY",
		},
		{
			name: "the key given as the variable's name",
			args: func(srv *llmtest.Server) []string {
				return []string{"synth", "--provider", "openai", "--model", "m", "--base-url", srv.URL(), "--api-key-env", testKey, connectPrompt}
			},
			wantErr: "must be the name of an environment variable",
		},
		{
			name:    "a key flag that does not exist",
			args:    func(srv *llmtest.Server) []string { return synthArgs(srv, "--api-key="+testKey, connectPrompt) },
			wantErr: "flag provided but not defined: -api-key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synthEnv(t)
			srv := llmtest.NewServer(t, tt.steps...)
			status, stdout, stderr := runKen(tt.args(srv)...)
			if status != exitUsage {
				t.Errorf("status %d, want %d", status, exitUsage)
			}
			if strings.Contains(stdout+stderr, testKey) || strings.Contains(stdout+stderr, "7f3a9c21") {
				t.Fatalf("the key was printed:\nstdout: %s\nstderr: %s", stdout, stderr)
			}
			wantAll(t, "stderr", stderr, tt.wantErr)
		})
	}
}

// TestSynthUsage: usage errors exit 2 before anything is asked.
func TestSynthUsage(t *testing.T) {
	synthEnv(t)
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"synth"}, "no prompt"},
		{[]string{"synth", "  "}, "no prompt"},
		{[]string{"synth", "--trials", "0", "x"}, "--trials 0"},
		{[]string{"synth", "--model", "gpt-4o", "x"}, "no provider"},
		{[]string{"synth", "--provider", "nope", "--model", "m", "x"}, `unknown provider "nope"`},
		{[]string{"synth", "--kernel", "none", "--dialect", "nonsense", "x"}, "--dialect"},
		{[]string{"synth", "--kernel", "none", "--shared-qdrant", "http://127.0.0.1:1", "x"}, "needs --provider and --embedding-model"},
	}
	for _, tt := range tests {
		status, stdout, stderr := runKen(tt.args...)
		if status != exitUsage || stdout != "" || !strings.Contains(stderr, tt.wantErr) {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want 2 and %q", tt.args, status, stdout, stderr, tt.wantErr)
		}
	}
	if status, stdout, _ := runKen("help", "synth"); status != exitOK || !strings.Contains(stdout, "usage: ken synth") || !strings.Contains(stdout, "-api-key-env") {
		t.Errorf("help synth: status %d:\n%s", status, stdout)
	}
}
