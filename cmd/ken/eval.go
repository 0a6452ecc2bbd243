package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/datasets/eval"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/synth"
	"github.com/kenlsp/ken/synth/llm"
	"github.com/kenlsp/ken/synth/retrieve"
)

// evalFormat is the value of the "format" field of ken eval --json.
const evalFormat = "ken-eval-run/1"

// evalConfiguration is one of the KEN paper's configurations: which of
// ken's parts take part in synthesis, and whether ken's verdict gates the
// answer.
type evalConfiguration struct {
	Name          string `json:"name"`
	Trials        int    `json:"trials"`
	Feedback      bool   `json:"feedback"`
	Symbex        bool   `json:"symbex"`
	Comprehension bool   `json:"comprehension"`
	Retrieval     bool   `json:"retrieval"`
	// Gated means a program is accepted when ken verified it; otherwise
	// any program produced is accepted, as a plain model's answer is.
	Gated bool `json:"gated"`
	// offline means the configuration measures something without a model:
	// offline synthesis always retrieves, and never asks anything.
	offline bool
}

// evalConfigurations are the configurations in the order they add parts.
// A zero Trials means --trials.
var evalConfigurations = []evalConfiguration{
	{Name: "one-shot", Trials: 1},
	{Name: "feedback", Feedback: true, Gated: true},
	{Name: "symbex", Feedback: true, Symbex: true, Comprehension: true, Gated: true},
	{Name: "retrieval", Feedback: true, Symbex: true, Comprehension: true, Retrieval: true, Gated: true, offline: true},
}

// describe says in words what the configuration runs.
func (ec evalConfiguration) describe(offline bool) string {
	if offline {
		return "no model: the closest verified examples, checked by every stage incl. the symbolic verifier; accepted = verified"
	}
	parts := []string{fmt.Sprintf("%d trial(s)", ec.Trials)}
	add := func(on bool, yes, no string) {
		if !on {
			yes = no
		}
		parts = append(parts, yes)
	}
	add(ec.Feedback, "failures fed back", "no feedback")
	add(ec.Symbex, "symbolic verifier", "no symbolic verifier")
	add(ec.Comprehension, "comprehension", "no comprehension")
	add(ec.Retrieval, "retrieval", "no retrieval")
	add(ec.Gated, "accepted = verified", "accepted = a program was produced")
	return strings.Join(parts, ", ")
}

// Outcomes of one prompt under one configuration.
const (
	outcomeOK    = "ok" // accepted and correct
	outcomeFP    = "FP" // accepted, not correct: a false positive
	outcomeFN    = "FN" // rejected, correct: a false negative
	outcomeNo    = "no" // rejected and not correct
	outcomeError = "err"
)

// outcomeOf classifies a run by ken's acceptance and the grade.
func outcomeOf(accepted, correct bool) string {
	switch {
	case accepted && correct:
		return outcomeOK
	case accepted:
		return outcomeFP
	case correct:
		return outcomeFN
	}
	return outcomeNo
}

// evalRun is one prompt under one configuration.
type evalRun struct {
	ID       string   `json:"id"`
	Outcome  string   `json:"outcome"`
	Accepted bool     `json:"accepted"`
	Correct  bool     `json:"correct"`
	Verified bool     `json:"verified"`
	Trials   int      `json:"trials"`
	Stage    string   `json:"failed_stage,omitempty"` // the last trial's, when not verified
	Origin   string   `json:"origin,omitempty"`
	Misses   []string `json:"misses,omitempty"`   // unmet expectations
	Problems []string `json:"problems,omitempty"` // errors of the grading stages
	Error    string   `json:"error,omitempty"`    // the model failed
	Program  string   `json:"program,omitempty"`
	Elapsed  float64  `json:"elapsed_s"`
}

// evalSummary is a configuration's figures and runs.
type evalSummary struct {
	evalConfiguration
	Description    string    `json:"description"`
	Total          int       `json:"total"`
	Correct        int       `json:"correct"`
	Accuracy       float64   `json:"accuracy"`
	Accepted       int       `json:"accepted"`
	FalsePositives int       `json:"false_positives"`
	FalseNegatives int       `json:"false_negatives"`
	Errors         int       `json:"errors"`
	Elapsed        float64   `json:"elapsed_s"`
	Runs           []evalRun `json:"runs"`
}

// add counts a run.
func (s *evalSummary) add(r evalRun) {
	s.Runs = append(s.Runs, r)
	s.Total++
	if r.Outcome == outcomeError {
		s.Errors++
	}
	if r.Correct {
		s.Correct++
	}
	if r.Accepted {
		s.Accepted++
	}
	switch r.Outcome {
	case outcomeFP:
		s.FalsePositives++
	case outcomeFN:
		s.FalseNegatives++
	}
	s.Accuracy = float64(s.Correct) / float64(s.Total)
}

// evalSkip is a configuration left out, and why.
type evalSkip struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// evalReport is everything ken eval found; --json writes it.
type evalReport struct {
	Format         string         `json:"format"`
	Model          string         `json:"model"`
	Kernel         string         `json:"kernel"`
	Dialect        string         `json:"dialect"`
	GradedBy       []string       `json:"graded_by"`
	Prompts        []string       `json:"prompts"`
	Configurations []*evalSummary `json:"configurations"`
	Skipped        []evalSkip     `json:"skipped,omitempty"`
	Elapsed        float64        `json:"elapsed_s"`
}

// evalOptions are the flags of ken eval.
type evalOptions struct {
	stages  checkOptions
	model   modelOptions
	configs string
	trials  int
	limit   int
	prompts string
	json    string
}

// evalFlags defines ken eval's flags and usage.
func (c *cli) evalFlags() (*flag.FlagSet, *evalOptions) {
	o := new(evalOptions)
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	addModelFlags(fs, &o.model)
	addStageFlags(fs, &o.stages)
	fs.StringVar(&o.configs, "configs", "one-shot,feedback,symbex,retrieval", "comma-separated `LIST` of configurations to run")
	fs.IntVar(&o.trials, "trials", synth.DefaultTrials, "`N` trials for the configurations with feedback")
	fs.IntVar(&o.limit, "limit", 0, "run only the first `N` prompts (after --prompts)")
	fs.StringVar(&o.prompts, "prompts", "", "run only the prompts with these comma-separated `IDS`")
	fs.StringVar(&o.json, "json", "", "also write every figure, run and program to `FILE` as JSON")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: ken eval [flags]

Eval runs ken's evaluation set (datasets/eval: English prompts with
machine-checkable expectations) through synthesis under the KEN paper's
configurations, and prints per configuration the accuracy, false positives
and false negatives, then each prompt's outcome and wall time.

Configurations (--configs):

	one-shot   1 trial, no feedback, no symbolic verifier, no retrieval;
	           ken's verdict is no gate: any program produced is accepted
	feedback   --trials trials, failures fed back; accepted = verified
	symbex     feedback + the symbolic verifier and comprehension engine
	retrieval  symbex + verified examples in the prompt

A program is correct when it passes ken's analysis without errors (and,
with --compile and --load, bpftrace's compiler and the kernel verifier)
and meets the prompt's expectations. The symbolic verifier does not grade:
the expectations cover byte order and units. Accuracy is correct/total; a
false positive is accepted but not correct, a false negative rejected but
correct. Outcomes: ok (accepted, correct), FP, FN, no (rejected, not
correct), err (the model failed: neither accepted nor correct).

Without a model (no --provider) synthesis is offline: it answers from the
closest verified examples, whatever the configuration says, so only
retrieval is meaningful; the other configurations are skipped. Eval never
reads or writes the learning store: a program learned in one
configuration would be retrieved by the next.

The exit status is 0 when the runs completed, 2 for usage errors and a
model that cannot be used (the runs so far are still printed).

`)
		fs.PrintDefaults()
	}
	return fs, o
}

// runEval runs ken eval: the tables go to stdout, progress to stderr.
func (c *cli) runEval(args []string) int {
	fs, o := c.evalFlags()
	rest, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(c.stderr, "ken eval: unexpected arguments %q\n", rest)
		fs.Usage()
		return exitUsage
	}
	ev, err := c.newEvaluator(o)
	if err != nil {
		fmt.Fprintf(c.stderr, "ken eval: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	report, runErr := ev.run(ctx)
	status := exitOK
	if runErr != nil {
		fmt.Fprintf(c.stderr, "ken eval: %v\n", runErr)
		status = exitUsage
	}
	writeEvalText(c.stdout, report)
	if o.json != "" {
		if err := writeEvalJSON(o.json, report); err != nil {
			fmt.Fprintf(c.stderr, "ken eval: %v\n", err)
			status = exitUsage
		}
	}
	return status
}

// evaluator runs the selected prompts under the selected configurations.
type evaluator struct {
	progress  io.Writer
	prompts   []eval.Prompt
	configs   []evalConfiguration
	skipped   []evalSkip
	stages    pipeline.Config // what synthesis checks; Symbex is per configuration
	grading   pipeline.Config // what "correct" means: no symbolic verifier
	model     *llm.Client     // nil: offline
	modelName string
	examples  *retrieve.Index
	graded    map[string]*pipeline.Result // by program text
	report    *evalReport
}

// newEvaluator resolves the flags: the prompts, the configurations, the
// stages and the model.
func (c *cli) newEvaluator(o *evalOptions) (*evaluator, error) {
	if o.trials < 1 {
		return nil, fmt.Errorf("--trials %d: want at least 1", o.trials)
	}
	prompts, err := selectPrompts(o.prompts, o.limit)
	if err != nil {
		return nil, err
	}
	stages, err := c.stagesConfig(&o.stages)
	if err != nil {
		return nil, err
	}
	model, err := newModel(o.model)
	if err != nil {
		return nil, err
	}
	ev := &evaluator{progress: c.stderr, prompts: prompts, stages: stages, model: model, graded: map[string]*pipeline.Result{}}
	ev.grading = stages
	ev.grading.Symbex = false
	if ev.configs, ev.skipped, err = selectConfigurations(o.configs, o.trials, model == nil); err != nil {
		return nil, err
	}
	if model == nil {
		fmt.Fprintln(c.stderr, "ken eval: no model configured: answering from the verified examples; only the retrieval configuration is meaningful offline")
	} else {
		ev.modelName = modelName(o.model)
	}
	if ev.examples, err = evalExamples(model, o.model.embeddingModel); err != nil {
		return nil, err
	}
	ev.report = ev.newReport(o, model)
	return ev, nil
}

// selectPrompts returns the prompts named by ids (all when empty), in the
// order of the set, at most limit of them when limit > 0.
func selectPrompts(ids string, limit int) ([]eval.Prompt, error) {
	all, err := eval.Load()
	if err != nil {
		return nil, err
	}
	if limit < 0 {
		return nil, fmt.Errorf("--limit %d: want 0 (all) or more", limit)
	}
	prompts := all
	if ids != "" {
		want := splitList(ids)
		prompts = nil
		for _, p := range all {
			if slices.Contains(want, p.ID) {
				prompts = append(prompts, p)
			}
		}
		for _, id := range want {
			if !slices.ContainsFunc(all, func(p eval.Prompt) bool { return p.ID == id }) {
				return nil, fmt.Errorf("--prompts: no prompt %q in the evaluation set", id)
			}
		}
	}
	if limit > 0 && limit < len(prompts) {
		prompts = prompts[:limit]
	}
	return prompts, nil
}

// selectConfigurations returns the configurations the list names, in the
// paper's order, with --trials filled in; offline, the ones that measure a
// model are skipped.
func selectConfigurations(list string, trials int, offline bool) ([]evalConfiguration, []evalSkip, error) {
	names := splitList(list)
	if len(names) == 0 {
		return nil, nil, errors.New("--configs: no configuration named")
	}
	for _, n := range names {
		if !slices.ContainsFunc(evalConfigurations, func(ec evalConfiguration) bool { return ec.Name == n }) {
			return nil, nil, fmt.Errorf("--configs: unknown configuration %q (want one-shot, feedback, symbex or retrieval)", n)
		}
	}
	var run []evalConfiguration
	var skipped []evalSkip
	for _, ec := range evalConfigurations {
		switch {
		case !slices.Contains(names, ec.Name):
		case offline && !ec.offline:
			skipped = append(skipped, evalSkip{ec.Name, "measures a model; offline synthesis has none and always retrieves"})
		default:
			if ec.Trials == 0 {
				ec.Trials = trials
			}
			run = append(run, ec)
		}
	}
	return run, skipped, nil
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// evalExamples is the retrieval index: the dataset only, never the
// learning store, so that runs do not learn from each other.
func evalExamples(model *llm.Client, embeddingModel string) (*retrieve.Index, error) {
	docs, err := synth.DatasetDocs()
	if err != nil {
		return nil, err
	}
	if model != nil && embeddingModel != "" {
		return retrieve.NewIndex(docs, retrieve.WithEmbedder(model, embeddingModel)), nil
	}
	return retrieve.NewIndex(docs), nil
}

// newReport starts the report with what the runs are made against.
func (ev *evaluator) newReport(o *evalOptions, model *llm.Client) *evalReport {
	r := &evalReport{Format: evalFormat, Model: "offline (the closest verified examples; no model)", Kernel: "none", Skipped: ev.skipped}
	if model != nil {
		r.Model = model.String()
	}
	if k := ev.stages.Analysis.Kernel; k != nil {
		r.Kernel = "Linux " + k.Info().Release
		if o.stages.kernel != "" && o.stages.kernel != "live" {
			r.Kernel += " (snapshot " + o.stages.kernel + ")"
		}
	}
	r.Dialect = "bpftrace " + ev.stages.Analysis.Dialect.String()
	r.GradedBy = []string{pipeline.StageParse, pipeline.StageSemantic}
	if ev.grading.Compiler != nil {
		r.GradedBy = append(r.GradedBy, pipeline.StageBpftrace)
		if ev.grading.KernelVerifier {
			r.GradedBy = append(r.GradedBy, pipeline.StageKernel)
		}
	}
	r.GradedBy = append(r.GradedBy, "expectations")
	for _, p := range ev.prompts {
		r.Prompts = append(r.Prompts, p.ID)
	}
	return r
}

// maxConsecutiveErrors stops a run whose model keeps failing: an endpoint
// that is down would otherwise be retried for every prompt.
const maxConsecutiveErrors = 3

// run runs every configuration; the report holds what ran even when an
// error stopped it.
func (ev *evaluator) run(ctx context.Context) (*evalReport, error) {
	start := time.Now()
	defer func() { ev.report.Elapsed = time.Since(start).Seconds() }()
	if err := ev.preflight(ctx); err != nil {
		return ev.report, err
	}
	for _, ec := range ev.configs {
		sum := &evalSummary{evalConfiguration: ec, Description: ec.describe(ev.model == nil)}
		ev.report.Configurations = append(ev.report.Configurations, sum)
		if err := ev.runConfiguration(ctx, sum); err != nil {
			return ev.report, err
		}
	}
	return ev.report, nil
}

// preflight makes sure the stages that grade can run here, so that a
// missing bpftrace or missing privileges are one clear error, not a
// column of wrong verdicts.
func (ev *evaluator) preflight(ctx context.Context) error {
	if ev.grading.Compiler == nil {
		return nil
	}
	for _, p := range ev.prompts {
		solution, err := eval.Solution(p.ID)
		if err != nil {
			continue
		}
		r := ev.check(ctx, solution)
		if diag.HasErrors(r.Diagnostics) && r.Compile == nil {
			continue // ken rejects it here: try another to reach bpftrace
		}
		return unavailableStage(r, ev.grading)
	}
	return nil
}

// unavailableStage reports a configured bpftrace or kernel stage that
// could not run at all.
func unavailableStage(r *pipeline.Result, cfg pipeline.Config) error {
	if r.Compile == nil || !r.Compile.Ran {
		return fmt.Errorf("--compile: bpftrace cannot run here: %s", stageNote(r, pipeline.StageBpftrace))
	}
	if cfg.KernelVerifier && r.Compile.ELF != nil && (r.Load == nil || r.Load.Err != nil) {
		return fmt.Errorf("--load: %s", stageNote(r, pipeline.StageKernel))
	}
	return nil
}

// stageNote is why a stage did not run.
func stageNote(r *pipeline.Result, stage string) string {
	for _, s := range r.Stages {
		if s.Name == stage && s.Note != "" {
			return s.Note
		}
	}
	return "it did not run"
}

// runConfiguration runs every prompt under one configuration, printing
// progress, and stops on a model failure that would repeat.
func (ev *evaluator) runConfiguration(ctx context.Context, sum *evalSummary) error {
	start := time.Now()
	defer func() { sum.Elapsed = time.Since(start).Seconds() }()
	failures := 0
	for i, p := range ev.prompts {
		r, err := ev.runPrompt(ctx, sum.evalConfiguration, p)
		sum.add(r)
		fmt.Fprintf(ev.progress, "ken eval: %s %d/%d %s: %s (%s)\n", sum.Name, i+1, len(ev.prompts), p.ID, r.Outcome, seconds(r.Elapsed))
		if err == nil {
			failures = 0
			continue
		}
		failures++
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case fatalModelError(err):
			return err
		case failures == maxConsecutiveErrors:
			return fmt.Errorf("%d prompts in a row failed, the last with: %w", failures, err)
		}
	}
	return nil
}

// fatalModelError reports a failure that every later request would
// repeat: a key, a configuration or a model the endpoint refuses.
func fatalModelError(err error) bool {
	return errors.Is(err, llm.ErrAuth) || errors.Is(err, llm.ErrConfig) || errors.Is(err, llm.ErrRejected)
}

// runPrompt synthesizes for one prompt and grades the result.
func (ev *evaluator) runPrompt(ctx context.Context, ec evalConfiguration, p eval.Prompt) (evalRun, error) {
	start := time.Now()
	res, err := synth.Synthesize(ctx, synth.Request{Prompt: p.Prompt}, ev.synthConfig(ec))
	r := evalRun{ID: p.ID}
	if res != nil {
		r.Verified, r.Trials, r.Origin, r.Program = res.Verified, len(res.Trials), res.Origin, res.Program
		if n := len(res.Trials); n > 0 && !res.Verified {
			r.Stage = res.Trials[n-1].Stage
		}
	}
	if err != nil {
		r.Outcome, r.Error = outcomeError, err.Error()
		r.Elapsed = time.Since(start).Seconds()
		return r, err
	}
	r.Accepted = ec.accepts(res)
	r.Misses, r.Problems = ev.grade(ctx, p, res.Program)
	r.Correct = strings.TrimSpace(res.Program) != "" && len(r.Misses) == 0 && len(r.Problems) == 0
	r.Outcome = outcomeOf(r.Accepted, r.Correct)
	r.Elapsed = time.Since(start).Seconds()
	return r, nil
}

// accepts says whether ken would hand res to the person under ec.
func (ec evalConfiguration) accepts(res *synth.Result) bool {
	if ec.Gated {
		return res.Verified
	}
	return strings.TrimSpace(res.Program) != ""
}

// synthConfig is the synthesis a configuration runs.
func (ev *evaluator) synthConfig(ec evalConfiguration) synth.Config {
	p := ev.stages
	p.Symbex = ec.Symbex
	cfg := synth.Config{
		Pipeline: p, Trials: ec.Trials, Examples: ev.examples,
		NoFeedback: !ec.Feedback, NoRetrieval: !ec.Retrieval, NoComprehension: !ec.Comprehension,
	}
	if ev.model != nil { // a nil *llm.Client in the interface would not be offline
		cfg.Model, cfg.ModelName = ev.model, ev.modelName
	}
	return cfg
}

// grade returns the expectations program misses and the errors the
// grading stages find in it.
func (ev *evaluator) grade(ctx context.Context, p eval.Prompt, program string) (misses, problems []string) {
	if strings.TrimSpace(program) == "" {
		return nil, []string{"no program"}
	}
	r := ev.check(ctx, program)
	for _, m := range p.Expect.Check(r.AST, r.File.Text) {
		misses = append(misses, m.String())
	}
	return misses, gradingProblems(r, ev.grading)
}

// check runs the grading stages over a program once per text: the
// configurations often end on the same program.
func (ev *evaluator) check(ctx context.Context, program string) *pipeline.Result {
	if r, ok := ev.graded[program]; ok {
		return r
	}
	r := pipeline.Check(ctx, source.NewFile("candidate.bt", []byte(program)), ev.grading)
	ev.graded[program] = r
	return r
}

// gradingProblems lists the errors of the grading stages, and a
// configured stage that did not judge the program: a program bpftrace
// never compiled is not known to compile.
func gradingProblems(r *pipeline.Result, cfg pipeline.Config) []string {
	var out []string
	for _, d := range r.Diagnostics {
		if d.Severity == diag.Error {
			out = append(out, fmt.Sprintf("%s: %s", d.Source, oneLine(d.Message)))
		}
	}
	if len(out) > 0 {
		return out
	}
	if cfg.Compiler != nil && (r.Compile == nil || !r.Compile.Ran) {
		out = append(out, "bpftrace did not judge it: "+stageNote(r, pipeline.StageBpftrace))
	}
	if cfg.KernelVerifier && len(out) == 0 && (r.Load == nil || r.Load.Err != nil) {
		out = append(out, "the kernel verifier did not judge it: "+stageNote(r, pipeline.StageKernel))
	}
	return out
}

// writeEvalText prints the header, a table of figures per configuration
// and the per-prompt matrix.
func writeEvalText(w io.Writer, r *evalReport) {
	fmt.Fprintf(w, "ken eval: %d prompts; model: %s\n", len(r.Prompts), r.Model)
	fmt.Fprintf(w, "kernel: %s; dialect: %s; correct = %s pass and the expectations hold\n\n", r.Kernel, r.Dialect, strings.Join(r.GradedBy[:len(r.GradedBy)-1], ", "))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "configuration\tprompts\tcorrect\taccuracy\taccepted\tFP\tFN\terrors\ttime")
	for _, s := range r.Configurations {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\t%d\t%d\t%d\t%d\t%s\n",
			s.Name, s.Total, s.Correct, 100*s.Accuracy, s.Accepted, s.FalsePositives, s.FalseNegatives, s.Errors, seconds(s.Elapsed))
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, s := range r.Configurations {
		fmt.Fprintf(w, "%s: %s\n", s.Name, s.Description)
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "%s: skipped: %s\n", s.Name, s.Reason)
	}
	fmt.Fprintln(w)
	writeEvalMatrix(w, r)
	fmt.Fprintln(w, "\nok: accepted and correct; FP: accepted, not correct; FN: rejected, correct; no: rejected, not correct; err: the model failed")
}

// writeEvalMatrix prints one line per prompt with its outcome and wall
// time under each configuration.
func writeEvalMatrix(w io.Writer, r *evalReport) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := []string{"prompt"}
	for _, s := range r.Configurations {
		row = append(row, s.Name)
	}
	fmt.Fprintln(tw, strings.Join(row, "\t"))
	for i, id := range r.Prompts {
		row = append(row[:0], id)
		for _, s := range r.Configurations {
			cell := "-" // the run stopped before this prompt
			if i < len(s.Runs) {
				cell = fmt.Sprintf("%-3s %7s", s.Runs[i].Outcome, seconds(s.Runs[i].Elapsed))
			}
			row = append(row, cell)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
}

// seconds shows a wall time kept in seconds as a rounded duration.
func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond)
}

// writeEvalJSON writes the report to path.
func writeEvalJSON(path string, r *evalReport) error {
	data, err := json.MarshalIndent(r, "", "\t")
	if err != nil {
		return err
	}
	return writeNewFileAtomic(path, append(data, '\n'))
}
