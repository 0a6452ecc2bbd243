package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kenlsp/ken/datasets/eval"
	"github.com/kenlsp/ken/synth/llm/llmtest"
)

// repeat scripts n identical replies.
func repeat(n int, step llmtest.Step) []llmtest.Step {
	steps := make([]llmtest.Step, n)
	for i := range steps {
		steps[i] = step
	}
	return steps
}

// runEvalJSON runs ken eval with args and --json, and decodes the report.
func runEvalJSON(t *testing.T, args ...string) (int, string, string, evalReport) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "eval.json")
	status, stdout, stderr := runKen(append(append([]string{"eval"}, args...), "--json", path)...)
	var r evalReport
	if data, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
	}
	return status, stdout, stderr, r
}

// TestEvalScripted: the model always answers with the reference solution
// of the first prompt, so under every configuration exactly that prompt
// is correct, and the two others are accepted wrong programs (ken verifies
// them: they are sound, just not what was asked).
func TestEvalScripted(t *testing.T) {
	synthEnv(t)
	prompts, err := eval.Load()
	if err != nil {
		t.Fatal(err)
	}
	solution, err := eval.Solution(prompts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	reply := llmtest.Step{Reply: "```bpftrace\n" + solution + "```"}
	// One request per prompt for one-shot and feedback (the answer passes
	// at once), two for symbex and retrieval (the comprehension request).
	srv := llmtest.NewServer(t, repeat(3*(1+1+2+2), reply)...)
	status, stdout, stderr, r := runEvalJSON(t, append(modelArgs(srv), "--limit", "3")...)
	if status != exitOK {
		t.Fatalf("status %d, stderr:\n%s", status, stderr)
	}
	names := []string{}
	for _, s := range r.Configurations {
		names = append(names, s.Name)
		got := [6]int{s.Total, s.Correct, s.Accepted, s.FalsePositives, s.FalseNegatives, s.Errors}
		if got != [6]int{3, 1, 3, 2, 0, 0} {
			t.Errorf("%s: total, correct, accepted, FP, FN, errors = %v, want [3 1 3 2 0 0]", s.Name, got)
		}
		if outcomes := runOutcomes(s); strings.Join(outcomes, " ") != "ok FP FP" {
			t.Errorf("%s: outcomes %v", s.Name, outcomes)
		}
	}
	if strings.Join(names, ",") != "one-shot,feedback,symbex,retrieval" {
		t.Errorf("configurations %v", names)
	}
	for _, name := range names {
		want := []string{name, "3", "1", "33.3%", "3", "2", "0", "0"}
		if got := tableRow(stdout, name); len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			t.Errorf("table row %q = %q, want it to start %q", name, got, want)
		}
	}
	wantAll(t, "stdout", stdout, prompts[0].ID+"  ", "ok", "FP", "accepted = verified")
	if strings.Contains(stdout+stderr, testKey) {
		t.Error("the key was printed")
	}
}

// TestEvalSymbexCatchesByteOrder: the model always prints the port in
// network byte order. One-shot and feedback accept it (false positives);
// the symbolic verifier rejects all three trials, rightly.
func TestEvalSymbexCatchesByteOrder(t *testing.T) {
	synthEnv(t)
	srv := llmtest.NewServer(t, repeat(1+1+3*2, llmtest.Step{Reply: portBug})...)
	status, _, stderr, r := runEvalJSON(t, append(modelArgs(srv), "--prompts", "tcp-connect-host-order", "--configs", "symbex,one-shot,feedback")...)
	if status != exitOK {
		t.Fatalf("status %d, stderr:\n%s", status, stderr)
	}
	var got []string
	for _, s := range r.Configurations {
		got = append(got, s.Name+"="+runOutcomes(s)[0])
	}
	if strings.Join(got, " ") != "one-shot=FP feedback=FP symbex=no" {
		t.Errorf("outcomes %v", got)
	}
	symbex := r.Configurations[2].Runs[0]
	if symbex.Trials != 3 || symbex.Stage != "symbolic" || !slices.ContainsFunc(symbex.Misses, func(m string) bool { return strings.HasPrefix(m, "byte_order:") }) {
		t.Errorf("symbex run = %+v", symbex)
	}
}

// TestEvalStopsOnRefusedKey: a 401 would repeat for every prompt, so the
// run stops at once, prints what it has, and exits 2 without the key.
func TestEvalStopsOnRefusedKey(t *testing.T) {
	synthEnv(t)
	srv := llmtest.NewServer(t, llmtest.Step{Status: 401})
	status, stdout, stderr, r := runEvalJSON(t, append(modelArgs(srv), "--limit", "3")...)
	if status != exitUsage || len(srv.Requests()) != 1 {
		t.Fatalf("status %d after %d requests", status, len(srv.Requests()))
	}
	if strings.Contains(stdout+stderr, testKey) {
		t.Fatal("the key was printed")
	}
	if len(r.Configurations) != 1 || r.Configurations[0].Errors != 1 {
		t.Errorf("report = %+v", r.Configurations)
	}
}

// TestEvalOffline: without a model only retrieval runs; the others are
// reported as skipped.
func TestEvalOffline(t *testing.T) {
	synthEnv(t)
	status, stdout, stderr, r := runEvalJSON(t, "--kernel", testdataSnapshot, "--dialect", "0.23", "--limit", "2")
	if status != exitOK {
		t.Fatalf("status %d, stderr:\n%s", status, stderr)
	}
	if len(r.Configurations) != 1 || r.Configurations[0].Name != "retrieval" || r.Configurations[0].Total != 2 || len(r.Skipped) != 3 {
		t.Errorf("configurations %+v, skipped %+v", r.Configurations, r.Skipped)
	}
	wantAll(t, "stdout", stdout, "one-shot: skipped", "model: offline")
	wantAll(t, "stderr", stderr, "no model configured")
}

// TestEvalUsage: bad selections are usage errors.
func TestEvalUsage(t *testing.T) {
	synthEnv(t)
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"eval", "--kernel", "none", "--configs", "nope"}, `unknown configuration "nope"`},
		{[]string{"eval", "--kernel", "none", "--prompts", "no-such-prompt"}, `no prompt "no-such-prompt"`},
		{[]string{"eval", "--kernel", "none", "--limit", "-1"}, "--limit -1"},
		{[]string{"eval", "--kernel", "none", "extra"}, "unexpected arguments"},
	} {
		status, _, stderr := runKen(tt.args...)
		if status != exitUsage || !strings.Contains(stderr, tt.wantErr) {
			t.Errorf("%q: status %d, stderr %q; want 2 and %q", tt.args, status, stderr, tt.wantErr)
		}
	}
}

func TestOutcomeOf(t *testing.T) {
	for _, tt := range []struct {
		accepted, correct bool
		want              string
	}{
		{true, true, outcomeOK},
		{true, false, outcomeFP},
		{false, true, outcomeFN},
		{false, false, outcomeNo},
	} {
		if got := outcomeOf(tt.accepted, tt.correct); got != tt.want {
			t.Errorf("outcomeOf(%v, %v) = %q, want %q", tt.accepted, tt.correct, got, tt.want)
		}
	}
}

func runOutcomes(s *evalSummary) []string {
	var out []string
	for _, r := range s.Runs {
		out = append(out, r.Outcome)
	}
	return out
}

// tableRow returns the fields of the first stdout line that starts with
// name and a space.
func tableRow(stdout, name string) []string {
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, name+" ") {
			return strings.Fields(line)
		}
	}
	return nil
}
