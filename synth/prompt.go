package synth

import (
	"fmt"
	"strings"

	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/synth/llm"
)

// The prompter: what the model is told. The rules are the mistakes ken's
// checks find most, said up front so that fewer trials are spent on them.
const systemPrompt = `You write bpftrace programs for Linux kernel tracing.
Answer with exactly one complete bpftrace program in a single ` + "```bpftrace" + ` block and nothing else of substance.
Rules:
- Write for bpftrace %s. Use only hook points that exist on the target kernel; prefer tracepoints, then kprobes.
- Convert network byte order fields (ports and addresses such as skc_dport, skc_daddr, sin_port) with bswap() or ntop() before printing, comparing or keying on them.
- Pair entry and return probes by tid, guard the return probe with /@start[tid]/ and delete the element after use.
- State units: nsecs deltas divided by 1000 are microseconds, by 1000000 milliseconds.
- Never use system(), signal(), override() or anything that changes the kernel or processes.`

// firstPrompt is the opening conversation: rules, kernel facts, examples,
// and the request.
func (s *session) firstPrompt() []llm.Message {
	ver := s.cfg.Pipeline.Analysis.Dialect
	if ver.IsZero() {
		ver = dialect.Newest
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Task: %s\n", s.req.Prompt)
	if len(s.facts) > 0 {
		b.WriteString("\nHook points on the target kernel that may fit, with their contracts:\n")
		for _, f := range s.facts {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	if len(s.hits) > 0 && !s.cfg.NoRetrieval {
		b.WriteString("\nVerified examples of similar tasks:\n")
		for _, h := range s.hits {
			fmt.Fprintf(&b, "\nTask: %s\n```bpftrace\n%s\n```\n", h.Prompt, strings.TrimSpace(h.Program))
		}
	}
	if len(s.req.Feedback) > 0 {
		fmt.Fprintf(&b, "\nA previous answer was:\n```bpftrace\n%s\n```\nFix these findings on it:\n", strings.TrimSpace(s.req.Previous))
		for _, f := range s.req.Feedback {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	return []llm.Message{
		{Role: llm.RoleSystem, Content: fmt.Sprintf(systemPrompt, ver)},
		{Role: llm.RoleUser, Content: b.String()},
	}
}

// retryPrompt tells the model why its candidate failed, with the
// counterexample when there is one, and asks for a corrected program.
func retryPrompt(t Trial) string {
	return fmt.Sprintf("Your program failed ken's %s check:\n%s\nWrite the corrected program, the whole of it, in one ```bpftrace block.", t.Stage, t.Feedback)
}
