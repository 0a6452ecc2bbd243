package synth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/datasets/examples"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/symbex/contracts"
	"github.com/kenlsp/ken/synth/llm"
	"github.com/kenlsp/ken/synth/retrieve"
)

// Model is what synthesis needs of a language model; *llm.Client is one.
type Model interface {
	Chat(ctx context.Context, msgs []llm.Message) (string, error)
}

// SharedStore is a store of verified examples that others write to too;
// *retrieve.Shared is one.
type SharedStore interface {
	Search(ctx context.Context, query string, k int) ([]retrieve.Hit, error)
	Add(ctx context.Context, doc retrieve.Doc) error
}

// DefaultTrials is how many candidates a model gets before ken asks the
// person for more detail, as in the KEN paper.
const DefaultTrials = 3

// Config is how one synthesis runs.
type Config struct {
	// Pipeline is the stages every candidate must pass; its Analysis.Kernel
	// also gives the prompt its kernel facts. Turning Symbex off leaves the
	// symbolic stage out, and the comprehension engine with it.
	Pipeline pipeline.Config
	// Model answers the prompts; nil synthesizes offline, from the closest
	// verified examples.
	Model Model
	// ModelName labels what a model wrote ("gpt-4o via openai").
	ModelName string
	// Trials bounds the candidates; zero means DefaultTrials.
	Trials int
	// NoFeedback sends every trial the first prompt again, without the
	// failures so far (an evaluation baseline).
	NoFeedback bool
	// NoRetrieval leaves examples out of the prompt.
	NoRetrieval bool
	// NoComprehension skips the model's assume/assert annotations; only
	// contracts and built-in checks apply then.
	NoComprehension bool
	// Examples is the retrieval index; nil builds one from the project's
	// dataset and Store.
	Examples *retrieve.Index
	// Store, when set, learns every verified result (the paper's learning
	// store).
	Store *retrieve.Store
	// Shared, when set, is a team's store (retrieve.Shared over a
	// langchaingo vector store): its examples join the retrieved ones, and
	// verified results are added to it, so that a team learns from each
	// other's programs.
	Shared SharedStore
	// Progress, when set, hears about each trial as it goes.
	Progress func(Progress)
}

// Progress is one step of a synthesis, for an editor's progress report.
type Progress struct {
	Trial, Of int
	Message   string
}

// Request is what a person asked for.
type Request struct {
	// Prompt is the English description, such as a prompt comment's text.
	Prompt string
	// Feedback is findings on a previous result the person wants fixed
	// ("Regenerate with this feedback"), with that result in Previous.
	Feedback []string
	Previous string
}

// Result is the outcome of a synthesis.
type Result struct {
	// Program passed every configured stage when Verified; otherwise it is
	// the last candidate, or empty when there was none.
	Program  string
	Verified bool
	// FromModel says whether a model wrote Program; otherwise it is an
	// example, adapted only where that is sound (Origin says which).
	FromModel bool
	Origin    string
	// Match says, for an example, which words of the prompt it matched,
	// so that the person can judge how close it is.
	Match string
	// Checked names the stages Program passed, in order.
	Checked []string
	// Annotations are the comprehension engine's accepted //@ lines.
	Annotations []string
	Trials      []Trial
	// NeedMore, when no candidate passed, tells the person what to add to
	// the prompt.
	NeedMore string
	Elapsed  time.Duration
}

// Trial is one candidate and its verdict.
type Trial struct {
	N       int
	Program string
	// Stage is the first stage the candidate failed, "" when it passed.
	Stage string
	// Feedback is the failure as the next prompt states it.
	Feedback    string
	Diagnostics []diag.Diagnostic
	Elapsed     time.Duration
}

// Synthesize turns a request into a program that passed every configured
// stage, or explains why it could not. The error is for failures that are
// not the program's: no prompt, a model that cannot be reached, a
// cancellation. Model output is never run: the kernel stage only loads.
func Synthesize(ctx context.Context, req Request, cfg Config) (*Result, error) {
	start := time.Now()
	if strings.TrimSpace(req.Prompt) == "" {
		return nil, errors.New("synth: the prompt is empty: describe what to trace")
	}
	s, err := newSession(ctx, req, cfg)
	if err != nil {
		return nil, err
	}
	var res *Result
	if cfg.Model == nil {
		res, err = s.offline(ctx)
	} else {
		res, err = s.loop(ctx)
	}
	if res != nil {
		res.Elapsed = time.Since(start)
		s.learn(ctx, res)
	}
	return res, err
}

// session is one synthesis with what it has gathered.
type session struct {
	req       Request
	cfg       Config
	contracts *contracts.Set
	hits      []retrieve.Hit
	facts     []string
}

func newSession(ctx context.Context, req Request, cfg Config) (*session, error) {
	if cfg.Trials <= 0 {
		cfg.Trials = DefaultTrials
	}
	s := &session{req: req, cfg: cfg}
	s.contracts, _ = contracts.Curated() // the facts are a help; none is no failure
	s.facts = kernelFacts(cfg.Pipeline.Analysis.Kernel, s.contracts, req.Prompt)
	if cfg.Model != nil && cfg.NoRetrieval {
		return s, nil
	}
	index, err := s.index()
	if err != nil {
		return nil, err
	}
	if s.hits, err = index.Search(ctx, req.Prompt, 3); err != nil {
		return nil, err
	}
	s.hits = append(s.hits, s.sharedHits(ctx)...)
	return s, nil
}

// maxShared bounds the team's examples in one prompt, next to the local
// ones.
const maxShared = 2

// sharedHits are the team store's closest examples that the local ones do
// not already hold. A team store that cannot be reached costs the prompt
// its examples, not the synthesis.
func (s *session) sharedHits(ctx context.Context) []retrieve.Hit {
	if s.cfg.Shared == nil {
		return nil
	}
	hits, err := s.cfg.Shared.Search(ctx, s.req.Prompt, maxShared)
	if err != nil {
		return nil
	}
	var out []retrieve.Hit
	for _, h := range hits {
		if !s.hasProgram(h.Program) {
			out = append(out, h)
		}
	}
	return out
}

func (s *session) hasProgram(program string) bool {
	for _, h := range s.hits {
		if codeOf(h.Program) == codeOf(program) {
			return true
		}
	}
	return false
}

// index is Config.Examples, or the dataset and the learning store.
func (s *session) index() (*retrieve.Index, error) {
	if s.cfg.Examples != nil {
		return s.cfg.Examples, nil
	}
	docs, err := DatasetDocs()
	if err != nil {
		return nil, err
	}
	if s.cfg.Store != nil {
		return s.cfg.Store.Index(docs), nil
	}
	return retrieve.NewIndex(docs), nil
}

// DatasetDocs is the project's prompt/program examples as retrieval
// documents.
func DatasetDocs() ([]retrieve.Doc, error) {
	all, err := examples.All()
	if err != nil {
		return nil, fmt.Errorf("synth: the examples dataset: %w", err)
	}
	docs := make([]retrieve.Doc, len(all))
	for i, e := range all {
		docs[i] = retrieve.Doc{ID: e.Name, Prompt: e.Prompt, Program: e.Program, Origin: retrieve.OriginDataset}
	}
	return docs, nil
}

// loop is the KEN loop: ask, check, feed the failure back, at most Trials
// times.
func (s *session) loop(ctx context.Context) (*Result, error) {
	res := &Result{FromModel: true, Origin: cmp.Or(s.cfg.ModelName, "a model")}
	first := s.firstPrompt()
	msgs := first
	for n := 1; n <= s.cfg.Trials; n++ {
		s.progress(n, "asking "+res.Origin)
		t, reply, err := s.trial(ctx, n, msgs)
		if err != nil {
			return res, err
		}
		res.Trials = append(res.Trials, t)
		res.Program = t.Program
		if t.Stage == "" {
			s.progress(n, "passed every check")
			res.Verified, res.Checked = true, s.checkedStages()
			res.Annotations = annotationsOf(t.Program)
			return res, nil
		}
		s.progress(n, fmt.Sprintf("%s check failed: %s", t.Stage, firstLine(t.Feedback)))
		if s.cfg.NoFeedback {
			msgs = first
		} else {
			msgs = append(msgs, llm.Message{Role: llm.RoleAssistant, Content: reply}, llm.Message{Role: llm.RoleUser, Content: retryPrompt(t)})
		}
	}
	res.NeedMore = needMoreDetail(res.Trials)
	return res, nil
}

// trial asks for one candidate and checks it.
func (s *session) trial(ctx context.Context, n int, msgs []llm.Message) (Trial, string, error) {
	start := time.Now()
	reply, err := s.cfg.Model.Chat(ctx, msgs)
	if err != nil {
		return Trial{}, "", fmt.Errorf("synth: trial %d: %w", n, err)
	}
	t := Trial{N: n}
	program, err := llm.Extract(reply)
	if err != nil {
		t.Stage, t.Feedback = "extract", fmt.Sprintf("%v. Answer with exactly one bpftrace program in a ```bpftrace block.", err)
		t.Elapsed = time.Since(start)
		return t, reply, nil
	}
	if s.comprehending() {
		s.progress(n, "asking for annotations")
		program = s.comprehend(ctx, program)
	}
	s.progress(n, "checking")
	t.Program = program
	v := check(ctx, program, s.cfg.Pipeline)
	t.Stage, t.Feedback, t.Diagnostics = v.stage, v.feedback, v.diagnostics
	t.Elapsed = time.Since(start)
	return t, reply, ctx.Err()
}

func (s *session) comprehending() bool {
	return !s.cfg.NoComprehension && s.cfg.Pipeline.Symbex
}

// checkedStages names the stages a passing program went through.
func (s *session) checkedStages() []string {
	stages := []string{pipeline.StageParse, pipeline.StageSemantic}
	if s.cfg.Pipeline.Symbex {
		stages = append(stages, pipeline.StageSymbolic)
	}
	if s.cfg.Pipeline.Compiler != nil {
		stages = append(stages, pipeline.StageBpftrace)
		if s.cfg.Pipeline.KernelVerifier {
			stages = append(stages, pipeline.StageKernel)
		}
	}
	return stages
}

func (s *session) progress(n int, msg string) {
	if s.cfg.Progress != nil {
		s.cfg.Progress(Progress{Trial: n, Of: s.cfg.Trials, Message: msg})
	}
}

// learn adds a verified model result to the learning store. Examples need
// not be learned again.
func (s *session) learn(ctx context.Context, res *Result) {
	if !res.Verified || !res.FromModel {
		return
	}
	doc := retrieve.Doc{ID: "learned-" + digest(res.Program), Prompt: s.req.Prompt, Program: res.Program, Origin: retrieve.OriginLearned}
	// A store that cannot be written loses a lesson, not the result.
	if s.cfg.Store != nil {
		s.cfg.Store.Add(doc)
	}
	if s.cfg.Shared != nil {
		s.cfg.Shared.Add(context.WithoutCancel(ctx), doc)
	}
}

// needMoreDetail is the re-prompt for more detail, by what failed last.
func needMoreDetail(trials []Trial) string {
	if len(trials) == 0 {
		return "Describe what to trace: the event, the values to print and any filter."
	}
	last := trials[len(trials)-1]
	advice := map[string]string{
		"extract":              "the model did not answer with a program; rephrase the comment as a tracing task",
		pipeline.StageParse:    "name the event to trace (a kernel function, a tracepoint or a syscall)",
		pipeline.StageSemantic: "name the kernel function or tracepoint to hook and the fields to print, as this kernel has them",
		pipeline.StageSymbolic: "say how values must be shown (byte order, units) and which thread or key pairs the entry with the return",
		pipeline.StageBpftrace: "simplify the request, or name the hook point and the fields explicitly",
		pipeline.StageKernel:   "ask for less work per event (no unbounded loops, fewer strings), or name a cheaper hook",
	}[last.Stage]
	return fmt.Sprintf("ken could not produce a program that passes every check in %d trials. The last one failed the %s stage: %s. To help, %s.",
		len(trials), last.Stage, strings.TrimRight(firstLine(last.Feedback), "."), advice)
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return first
}
