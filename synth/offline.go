package synth

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Offline synthesis: with no model, the answer is the closest verified
// example, put through every stage like a model's candidate. It is
// adapted only by literal swaps whose effect is plain: the process name a
// filter compares comm with, the period of the one interval probe. Any
// other difference between the request and the example is the person's
// to make, and the result says so.

// offline tries the closest examples in order and returns the first that
// passes every stage.
func (s *session) offline(ctx context.Context) (*Result, error) {
	res := &Result{}
	if len(s.hits) == 0 {
		res.NeedMore = "No model is configured (ken.synthesis.provider), and no verified example is close to this comment: describe the event to trace in the words of a tracing task, or configure a model."
		return res, nil
	}
	for i, h := range s.hits {
		start := time.Now()
		program, changes := adapt(h.Program, s.req.Prompt)
		origin := fmt.Sprintf("examples (%s, no model used)", h.ID)
		if len(changes) > 0 {
			origin = fmt.Sprintf("examples (%s adapted: %s; no model used)", h.ID, strings.Join(changes, ", "))
		}
		s.progress(i+1, "checking the example "+h.ID)
		v := check(ctx, program, s.cfg.Pipeline)
		res.Trials = append(res.Trials, Trial{N: i + 1, Program: program, Stage: v.stage, Feedback: v.feedback, Diagnostics: v.diagnostics, Elapsed: time.Since(start)})
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if v.stage == "" {
			res.Program, res.Verified, res.Origin, res.Checked = program, true, origin, s.checkedStages()
			res.Match = h.Why
			return res, nil
		}
	}
	res.Program = res.Trials[0].Program
	res.Origin = fmt.Sprintf("examples (%s, no model used)", s.hits[0].ID)
	res.NeedMore = "No model is configured, and none of the closest verified examples passes every check on this machine: " + firstLine(res.Trials[0].Feedback)
	return res, nil
}

var (
	commFilter   = regexp.MustCompile(`comm == "([^"\\]*)"`)
	intervalSecs = regexp.MustCompile(`\binterval:s:(\d+)\b`)
	// A process named in the prompt: quoted, or after "process"/"command".
	promptProcess = regexp.MustCompile(`(?i)(?:"([A-Za-z0-9_.-]{1,15})"|\b(?:process|command|comm|program) (?:named |called )?([A-Za-z0-9_.-]{2,15})\b)`)
	promptPeriod  = regexp.MustCompile(`(?i)\bevery (\d{1,4}) ?(?:s|sec|secs|second|seconds)\b`)
	promptSecond  = regexp.MustCompile(`(?i)\b(?:every|each|per) second\b`)
)

// promptSeconds is the period a prompt asks output for, in seconds ("every
// 5 seconds", "per second"), or "".
func promptSeconds(prompt string) string {
	if m := promptPeriod.FindStringSubmatch(prompt); m != nil {
		return m[1]
	}
	if promptSecond.MatchString(prompt) {
		return "1"
	}
	return ""
}

// adapt swaps the literals a request states and the example fixes
// differently, when the example has exactly one place for each.
func adapt(program, prompt string) (string, []string) {
	var changes []string
	if m := promptProcess.FindStringSubmatch(prompt); m != nil {
		name := m[1] + m[2]
		if found := commFilter.FindAllStringSubmatch(program, -1); len(found) == 1 && found[0][1] != name && !commonWord(name) {
			program = strings.Replace(program, found[0][0], `comm == "`+name+`"`, 1)
			changes = append(changes, fmt.Sprintf("comm filter %q → %q", found[0][1], name))
		}
	}
	if secs := promptSeconds(prompt); secs != "" {
		if found := intervalSecs.FindAllStringSubmatch(program, -1); len(found) == 1 && found[0][1] != secs {
			program = strings.Replace(program, found[0][0], "interval:s:"+secs, 1)
			changes = append(changes, fmt.Sprintf("interval %ss → %ss", found[0][1], secs))
		}
	}
	return program, changes
}

// commonWord filters out words that follow "process" without naming one.
func commonWord(w string) bool {
	switch strings.ToLower(w) {
	case "id", "ids", "name", "names", "and", "with", "that", "which", "the", "each", "per", "by", "in", "of":
		return true
	}
	return false
}
