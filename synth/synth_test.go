package synth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/synth"
	"github.com/kenlsp/ken/synth/llm"
	"github.com/kenlsp/ken/synth/llm/llmtest"
	"github.com/kenlsp/ken/synth/retrieve"
)

const connectPrompt = "trace every TCP connect with pid, comm, destination address and port in host byte order"

// The paper's case study: the port printed as the kernel stores it.
const portBug = "```bpftrace\nkprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n\tprintf(\"%d %s %s %d\\n\", pid, comm, ntop($sk->__sk_common.skc_daddr), $sk->__sk_common.skc_dport);\n}\n```"

const portFixed = "Here is the corrected program:\n```bpftrace\nkprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n\tprintf(\"%d %s %s %d\\n\", pid, comm, ntop($sk->__sk_common.skc_daddr), bswap($sk->__sk_common.skc_dport));\n}\n```\nThe port is now in host order."

// config checks against the snapshot kernel, with the symbolic verifier,
// and talks to the scripted server through the real langchaingo client.
func config(t *testing.T, srv *llmtest.Server) synth.Config {
	t.Helper()
	t.Setenv("KEN_TEST_KEY", "sk-test-key")
	model, err := llm.New(llm.Config{Provider: llm.OpenAI, Model: "test-model", BaseURL: srv.URL(), APIKeyEnv: "KEN_TEST_KEY", Timeout: 2 * time.Second, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	return synth.Config{
		Pipeline:        pipeline.Config{Analysis: analysis.Config{Kernel: kerneltest.Snapshot(t), Dialect: dialect.V(0, 23)}, Symbex: true},
		Model:           model,
		ModelName:       "test-model",
		NoComprehension: true,
	}
}

// TestCounterexampleFeedsTheNextTrial is the KEN loop: trial 1 prints a
// port in network byte order, the verifier's counterexample goes into
// trial 2's request, and trial 2's answer passes.
func TestCounterexampleFeedsTheNextTrial(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Reply: portBug}, llmtest.Step{Reply: portFixed})
	var progress []string
	cfg := config(t, srv)
	cfg.Progress = func(p synth.Progress) { progress = append(progress, p.Message) }
	res, err := synth.Synthesize(context.Background(), synth.Request{Prompt: connectPrompt}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Verified || len(res.Trials) != 2 || !strings.Contains(res.Program, "bswap(") || !res.FromModel {
		t.Fatalf("result = %+v", res)
	}
	if res.Trials[0].Stage != pipeline.StageSymbolic {
		t.Errorf("trial 1 failed at %q, want the symbolic stage", res.Trials[0].Stage)
	}
	reqs := srv.Requests()
	second := reqs[1].Messages[len(reqs[1].Messages)-1].Content
	for _, want := range []string{"symbolic", "skc_dport", "0x5000 (80 in host order)"} {
		if !strings.Contains(second, want) {
			t.Errorf("trial 2's request lacks %q:\n%s", want, second)
		}
	}
	first := reqs[0].Text
	for _, want := range []string{connectPrompt, "tcp_connect", "Verified examples"} {
		if !strings.Contains(first, want) {
			t.Errorf("trial 1's request lacks %q", want)
		}
	}
	if !strings.Contains(strings.Join(progress, "\n"), "symbolic check failed") {
		t.Errorf("progress = %q", progress)
	}
}

// TestGivesUpAndAsksForDetail: three bad answers, then the re-prompt.
func TestGivesUpAndAsksForDetail(t *testing.T) {
	garbage := llmtest.Step{Reply: "I cannot help with kernel tracing today."}
	unknown := llmtest.Step{Reply: "```bpftrace\nkprobe:no_such_function_here { @ = count(); }\n```"}
	srv := llmtest.NewServer(t, garbage, unknown, llmtest.Step{Reply: portBug})
	res, err := synth.Synthesize(context.Background(), synth.Request{Prompt: connectPrompt}, config(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	stages := []string{res.Trials[0].Stage, res.Trials[1].Stage, res.Trials[2].Stage}
	if res.Verified || strings.Join(stages, ",") != "extract,semantic,symbolic" {
		t.Fatalf("verified %v, stages %v", res.Verified, stages)
	}
	if !strings.Contains(res.NeedMore, "3 trials") || !strings.Contains(res.NeedMore, "byte order") {
		t.Errorf("NeedMore = %q", res.NeedMore)
	}
	if !strings.Contains(srv.Requests()[1].Text, "no bpftrace program") {
		t.Errorf("trial 2 was not told that trial 1 had no program")
	}
}

// TestModelFailures: a rate limit is retried, a dead endpoint is an error
// (not a verdict on the prompt), and cancellation stops mid-trial.
func TestModelFailures(t *testing.T) {
	t.Run("rate limited, then answered", func(t *testing.T) {
		srv := llmtest.NewServer(t, llmtest.Step{Status: 429, Header: map[string]string{"Retry-After": "0"}}, llmtest.Step{Reply: portFixed})
		res, err := synth.Synthesize(context.Background(), synth.Request{Prompt: connectPrompt}, config(t, srv))
		if err != nil || !res.Verified {
			t.Fatalf("err %v, result %+v", err, res)
		}
	})
	t.Run("server errors until retries run out", func(t *testing.T) {
		srv := llmtest.NewServer(t, llmtest.Step{Status: 500}, llmtest.Step{Status: 500}, llmtest.Step{Status: 500})
		_, err := synth.Synthesize(context.Background(), synth.Request{Prompt: connectPrompt}, config(t, srv))
		if !errors.Is(err, llm.ErrUnavailable) || strings.Contains(err.Error(), "sk-test-key") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		srv := llmtest.NewServer(t, llmtest.Step{Delay: 5 * time.Second, Reply: portFixed})
		_, err := synth.Synthesize(context.Background(), synth.Request{Prompt: connectPrompt}, config(t, srv))
		if !errors.Is(err, llm.ErrTimeout) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("cancelled mid-trial", func(t *testing.T) {
		srv := llmtest.NewServer(t, llmtest.Step{Delay: 5 * time.Second, Reply: portFixed})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, err := synth.Synthesize(ctx, synth.Request{Prompt: connectPrompt}, config(t, srv))
		if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
			t.Fatalf("err = %v after %v", err, time.Since(start))
		}
	})
}

// TestComprehension: the model's annotations are checked by the symbolic
// verifier; a tautology is dropped, an assertion about the printed port
// is kept and proved.
func TestComprehension(t *testing.T) {
	annotated := "```bpftrace\nkprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n" +
		"\t//@ assert 1 == 1\n" +
		"\t//@ assert arg1 == arg1 || arg1 != arg1\n" +
		"\t//@ assert $sk != 0\n" +
		"\tprintf(\"%d %s %s %d\\n\", pid, comm, ntop($sk->__sk_common.skc_daddr), bswap($sk->__sk_common.skc_dport));\n}\n```"
	srv := llmtest.NewServer(t, llmtest.Step{Reply: portFixed}, llmtest.Step{Reply: annotated})
	cfg := config(t, srv)
	cfg.NoComprehension = false
	res, err := synth.Synthesize(context.Background(), synth.Request{Prompt: connectPrompt}, cfg)
	if err != nil || !res.Verified {
		t.Fatalf("err %v, result %+v", err, res)
	}
	if strings.Join(res.Annotations, ";") != "//@ assert $sk != 0" {
		t.Errorf("annotations = %q, want only the one about the program", res.Annotations)
	}
	if !strings.Contains(srv.Requests()[1].Text, "sk != NULL") {
		t.Errorf("the comprehension request lacks tcp_connect's contract")
	}
}

// TestComprehensionReached: a reached-whenever line inside the branch
// that reports is kept and proved; one at the top of the body, which
// every execution reaches, says nothing and is dropped.
func TestComprehensionReached(t *testing.T) {
	slow := func(annotations ...string) string {
		return "```bpftrace\nkprobe:vfs_read { @s[tid] = nsecs; }\nkretprobe:vfs_read /@s[tid]/\n{\n\t$ms = (nsecs - @s[tid]) / 1000000;\n" +
			annotations[0] + "\tif ($ms > 10) {\n" + annotations[1] + "\t\tprintf(\"%d %d\\n\", pid, $ms);\n\t}\n\tdelete(@s[tid]);\n}\n```"
	}
	program := slow("", "")
	annotated := slow("\t//@ reached whenever $ms > 5\n", "\t\t//@ reached whenever $ms > 10\n")
	srv := llmtest.NewServer(t, llmtest.Step{Reply: program}, llmtest.Step{Reply: annotated})
	cfg := config(t, srv)
	cfg.NoComprehension = false
	res, err := synth.Synthesize(context.Background(), synth.Request{Prompt: "print vfs_read calls slower than 10 ms with their pid"}, cfg)
	if err != nil || !res.Verified {
		t.Fatalf("err %v, result %+v", err, res)
	}
	if strings.Join(res.Annotations, ";") != "//@ reached whenever $ms > 10" {
		t.Errorf("annotations = %q, want only the one inside the branch", res.Annotations)
	}
}

// TestComprehensionMayNotChangeTheProgram: an answer that edits code is
// not an annotation and is ignored.
func TestComprehensionMayNotChangeTheProgram(t *testing.T) {
	changed := "```bpftrace\nkprobe:tcp_connect\n{\n\t//@ assert pid > 0\n\tprintf(\"hello\\n\");\n}\n```"
	srv := llmtest.NewServer(t, llmtest.Step{Reply: portFixed}, llmtest.Step{Reply: changed})
	cfg := config(t, srv)
	cfg.NoComprehension = false
	res, err := synth.Synthesize(context.Background(), synth.Request{Prompt: connectPrompt}, cfg)
	if err != nil || !res.Verified || len(res.Annotations) != 0 || !strings.Contains(res.Program, "bswap(") {
		t.Fatalf("err %v, result %+v", err, res)
	}
}

// TestOffline: no model, the closest verified example, labelled as such.
func TestOffline(t *testing.T) {
	cfg := synth.Config{Pipeline: pipeline.Config{Analysis: analysis.Config{Kernel: kerneltest.Snapshot(t), Dialect: dialect.V(0, 23)}, Symbex: true}}
	res, err := synth.Synthesize(context.Background(), synth.Request{Prompt: "count TCP retransmits per remote address every 5 seconds"}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Verified || res.FromModel || !strings.Contains(res.Origin, "no model used") || !strings.Contains(res.Program, "retransmit") {
		t.Fatalf("result = %+v", res)
	}
	if _, err := synth.Synthesize(context.Background(), synth.Request{Prompt: "  "}, cfg); err == nil {
		t.Error("an empty prompt was accepted")
	}
}

// teamStore is a team's shared store in memory: the real adapter
// (retrieve.Shared over Qdrant) is tested in package retrieve.
type teamStore struct{ docs []retrieve.Doc }

func (s *teamStore) Search(_ context.Context, _ string, k int) ([]retrieve.Hit, error) {
	var hits []retrieve.Hit
	for _, d := range s.docs[:min(k, len(s.docs))] {
		hits = append(hits, retrieve.Hit{Doc: d, Score: 1})
	}
	return hits, nil
}

func (s *teamStore) Add(_ context.Context, d retrieve.Doc) error {
	s.docs = append(s.docs, d)
	return nil
}

// TestSharedStore: a teammate's verified program is shown to the model,
// and this verified result is shared back.
func TestSharedStore(t *testing.T) {
	team := &teamStore{docs: []retrieve.Doc{{ID: "learned-x", Prompt: "a teammate's connect tracer",
		Program: "kprobe:tcp_v4_connect { @teammate = count(); }", Origin: retrieve.OriginLearned}}}
	srv := llmtest.NewServer(t, llmtest.Step{Reply: portFixed})
	cfg := config(t, srv)
	cfg.Shared = team
	res, err := synth.Synthesize(context.Background(), synth.Request{Prompt: connectPrompt}, cfg)
	if err != nil || !res.Verified {
		t.Fatalf("err %v, result %+v", err, res)
	}
	if !strings.Contains(srv.Requests()[0].Text, "@teammate") {
		t.Error("the team's example is not in the prompt")
	}
	if len(team.docs) != 2 || team.docs[1].Prompt != connectPrompt || !strings.Contains(team.docs[1].Program, "bswap(") {
		t.Errorf("team store = %+v, want the verified result added", team.docs)
	}
}

// TestOfflineAdaptsThePeriod: "per second" sets the one interval probe's
// period, and the result says what was adapted.
func TestOfflineAdaptsThePeriod(t *testing.T) {
	cfg := synth.Config{Pipeline: pipeline.Config{Analysis: analysis.Config{Kernel: kerneltest.Snapshot(t), Dialect: dialect.V(0, 23)}, Symbex: true}}
	res, err := synth.Synthesize(context.Background(), synth.Request{Prompt: "count TCP retransmits per remote address, printed per second"}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Verified || !strings.Contains(res.Program, "interval:s:1\n") || !strings.Contains(res.Origin, "interval") {
		t.Fatalf("result = %+v", res)
	}
}
