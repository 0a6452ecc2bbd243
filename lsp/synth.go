package lsp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
	"github.com/kenlsp/ken/synth"
)

// This file runs synthesis from comments: the ken.synthesize command that
// the synthesis code actions carry, its progress, and the versioned edit
// that puts the result after the prompt. The command's request holds until
// the synthesis is done, on its own goroutine, so the message loop keeps
// serving; $/cancelRequest of the request and the Cancel button of its
// progress both stop it.

// commandSynthesize is the command of the synthesis code actions.
const commandSynthesize = "ken.synthesize"

func init() {
	handleRequest("workspace/executeCommand", (*Server).executeCommand)
}

// synthesizeArgs is the one argument of ken.synthesize.
type synthesizeArgs struct {
	URI protocol.DocumentURI `json:"uri"`
	// Version is the document version the action was offered for.
	Version int32 `json:"version"`
	// PromptOffset is the byte offset of the prompt comment (or of any
	// place in it or in its generated block).
	PromptOffset int `json:"promptOffset"`
	// Feedback and Previous ask to fix findings on a generated program
	// ("Regenerate with this feedback").
	Feedback []string `json:"feedback,omitempty"`
	Previous string   `json:"previous,omitempty"`
}

// synthOutcome is ken.synthesize's result: what became of the request.
// The person hears the same through window/showMessage.
type synthOutcome struct {
	Status  string `json:"status"` // one of the outcome constants
	Message string `json:"message,omitempty"`
	// Version is the document version the edit was made for, when one
	// was applied (Neovim's first version is 0, hence the pointer).
	Version *int32 `json:"version,omitempty"`
}

// Outcomes of ken.synthesize.
const (
	outcomeApplied    = "applied"    // the program was inserted
	outcomeUnverified = "unverified" // no candidate passed; nothing was inserted
	outcomeChanged    = "changed"    // the prompt or its block changed meanwhile; nothing was inserted
	outcomeRefused    = "refused"    // the editor did not apply the edit
	outcomeEdited     = "edited"     // the generated block was edited by hand; it is kept
	outcomeNoPrompt   = "noPrompt"   // no prompt comment at the offset
	outcomeFailed     = "failed"     // the model could not be used
	outcomeCancelled  = "cancelled"
)

// synthJob is one synthesis: the prompt as found in the version it is
// computed for, and the request made of it.
type synthJob struct {
	doc    *document
	prompt synth.Prompt
	req    synth.Request
	// auto marks a regeneration ken started by itself (autoRegenerate).
	auto bool
}

// key names the job's prompt: one synthesis runs per prompt at a time.
func (j *synthJob) key() string { return string(j.doc.uri) + "\x00" + j.prompt.Text }

func (s *Server) executeCommand(ctx context.Context, params json.RawMessage) (any, error) {
	var p struct {
		Command       string            `json:"command"`
		Arguments     []json.RawMessage `json:"arguments"`
		WorkDoneToken json.RawMessage   `json:"workDoneToken"`
	}
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	if p.Command != commandSynthesize {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "ken: unknown command %q", p.Command)
	}
	var args synthesizeArgs
	if len(p.Arguments) != 1 || json.Unmarshal(p.Arguments[0], &args) != nil || args.URI == "" {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "ken: %s takes one argument, {uri, version, promptOffset}", commandSynthesize)
	}
	job, out, err := s.newSynthJob(ctx, args)
	if job == nil {
		return out, err
	}
	if string(p.WorkDoneToken) == "null" {
		p.WorkDoneToken = nil
	}
	return s.runSynthesis(ctx, job, p.WorkDoneToken), nil
}

// newSynthJob finds the prompt args point at in the current version of
// the document. When it cannot start, it says why to the person and
// returns the outcome instead.
func (s *Server) newSynthJob(ctx context.Context, args synthesizeArgs) (*synthJob, any, error) {
	d, err := s.snapshot(ctx, args.URI)
	if err != nil {
		return nil, nil, err
	}
	// The offset is for args.Version; when the document moved on since,
	// it still finds the prompt unless the text before it changed length.
	offset := min(max(args.PromptOffset, 0), len(d.file.Text))
	p, ok := synth.FindPrompt(d.file, d.result.AST, offset)
	if !ok {
		msg := "there is no prompt comment here any more: describe what to trace in // comments on their own lines, outside any probe, and ask again"
		s.tell(ctx, protocol.MessageTypeWarning, msg)
		return nil, synthOutcome{Status: outcomeNoPrompt, Message: msg}, nil
	}
	if _, err := p.Place(""); err != nil {
		s.tell(ctx, protocol.MessageTypeWarning, err.Error())
		return nil, synthOutcome{Status: outcomeEdited, Message: err.Error()}, nil
	}
	req := synth.Request{Prompt: p.Text, Feedback: args.Feedback, Previous: args.Previous}
	return &synthJob{doc: d, prompt: p, req: req}, nil, nil
}

// runSynthesis runs job to its end under cancellable progress: it
// synthesizes, then applies the result or says why not.
func (s *Server) runSynthesis(ctx context.Context, job *synthJob, token json.RawMessage) synthOutcome {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run := s.runs.start(job.key(), cancel)
	defer s.runs.finish(job.key(), run)
	title := "ken: synthesizing bpftrace from a comment"
	if job.auto {
		title = "ken: regenerating bpftrace after the checks' findings"
	}
	work := s.beginWork(ctx, token, title, cancel)
	setup := s.settings.synthesis()
	res, err := s.synthesize(sctx, job, setup, work)
	out := s.conclude(sctx, job, res, err)
	work.end(out.Message)
	return out
}

// synthesize runs the synthesis with the server's settings: the analysis
// configuration, the symbolic verifier as configured, and bpftrace and
// the kernel verifier when they can run here.
func (s *Server) synthesize(ctx context.Context, job *synthJob, setup synthSetup, work *workReport) (*synth.Result, error) {
	store, err := setup.store.open()
	if err != nil {
		s.tell(ctx, protocol.MessageTypeWarning, fmt.Sprintf("the learning store: %v; verified programs may not be remembered", err))
	}
	examples, err := setup.examples.get(store)
	if err != nil {
		return nil, err
	}
	cfg := synth.Config{
		Pipeline:  s.synthPipeline(ctx),
		Model:     setup.model,
		ModelName: setup.modelName,
		Trials:    setup.trials,
		Examples:  examples,
		Store:     store,
		Shared:    setup.shared,
		Progress: func(p synth.Progress) {
			work.report(fmt.Sprintf("trial %d/%d: %s", p.Trial, p.Of, p.Message), (p.Trial-1)*100/max(p.Of, 1))
		},
	}
	res, err := synth.Synthesize(ctx, job.req, cfg)
	if res != nil && res.Verified && res.FromModel && store != nil {
		setup.examples.forget() // the store learned it: retrieve it next time
	}
	return res, err
}

// synthPipeline is the stages every candidate must pass: the on-save
// stages' configuration, without bpftrace and the kernel verifier when no
// bpftrace runs here, so that the generated block's marker never names a
// check that did not run.
func (s *Server) synthPipeline(ctx context.Context) pipeline.Config {
	cfg, on := s.settings.stages()
	if !on {
		return pipeline.Config{Analysis: s.settings.config(), Symbex: s.settings.symbex()}
	}
	if _, err := cfg.Compiler.Version(ctx); err != nil {
		cfg.Compiler, cfg.KernelVerifier = nil, false
	}
	return cfg
}

// conclude turns a synthesis into an edit, or into a message saying why
// there is none. A program that did not pass every check is never
// inserted.
func (s *Server) conclude(ctx context.Context, job *synthJob, res *synth.Result, err error) synthOutcome {
	switch {
	case ctx.Err() != nil:
		return synthOutcome{Status: outcomeCancelled, Message: "cancelled; nothing was changed"}
	case err != nil:
		// llm's errors never hold the key.
		msg := fmt.Sprintf("synthesis failed: %v", err)
		s.tell(ctx, protocol.MessageTypeError, msg)
		return synthOutcome{Status: outcomeFailed, Message: msg}
	case !res.Verified:
		s.logTrials(job, res)
		s.tell(ctx, protocol.MessageTypeWarning, res.NeedMore)
		return synthOutcome{Status: outcomeUnverified, Message: res.NeedMore}
	}
	block := synth.Render(res.Program, res.Origin, stagesPassed(res))
	if job.auto {
		// Whatever a regeneration inserts is not regenerated again by
		// itself: one automatic try per block, so it cannot loop.
		s.runs.firstRegeneration(blockKey(job.doc.uri, res.Program))
	}
	out := s.apply(ctx, job, block)
	if out.Status == outcomeApplied && !res.FromModel {
		s.tell(ctx, protocol.MessageTypeInfo, fmt.Sprintf("no model was used: the program is from %s, the closest verified example (it matched %s); check that it does what the comment asks. Set ken.synthesis.provider to have a model write programs.", res.Origin, res.Match))
	}
	if out.Status == outcomeApplied {
		out.Message = fmt.Sprintf("inserted a program that passed %s after %d trial(s)", strings.Join(stagesPassed(res), ", "), len(res.Trials))
	}
	return out
}

// stagesPassed is res.Checked without the stages that only said why they
// could not run (bpftrace missing, no privilege for the kernel verifier).
func stagesPassed(res *synth.Result) []string {
	if len(res.Trials) == 0 {
		return res.Checked
	}
	skipped := map[string]bool{}
	for _, d := range res.Trials[len(res.Trials)-1].Diagnostics {
		switch d.Code {
		case compile.CodeNotRun:
			skipped[pipeline.StageBpftrace], skipped[pipeline.StageKernel] = true, true
		case pipeline.CodeKernelNotRun:
			skipped[pipeline.StageKernel] = true
		}
	}
	var out []string
	for _, st := range res.Checked {
		if !skipped[st] {
			out = append(out, st)
		}
	}
	return out
}

// applyTimeout bounds the wait for the editor to apply an edit.
const applyTimeout = 30 * time.Second

// apply puts block after the job's prompt with workspace/applyEdit. The
// edit names the version it was computed for, so an editor with newer text
// refuses it. When the document changed during the synthesis, the prompt
// is found again: the edit is recomputed for the current version only if
// the prompt's text and its block are as they were; otherwise nothing is
// changed, since the person's newer text wins.
func (s *Server) apply(ctx context.Context, job *synthJob, block string) synthOutcome {
	changed := "the comment changed while ken was synthesizing; nothing was changed"
	cur, err := s.docs.get(job.doc.uri)
	if err != nil {
		changed = "the file was closed while ken was synthesizing; nothing was changed"
		s.tell(ctx, protocol.MessageTypeWarning, changed)
		return synthOutcome{Status: outcomeChanged, Message: changed}
	}
	s.analyze(cur)
	p, ok := job.prompt, true
	if cur.version != job.doc.version || !bytes.Equal(cur.file.Text, job.doc.file.Text) {
		p, ok = findAgain(cur, job.prompt)
	}
	if !ok {
		s.tell(ctx, protocol.MessageTypeWarning, changed)
		return synthOutcome{Status: outcomeChanged, Message: changed}
	}
	e, err := p.Place(block)
	if err != nil {
		s.tell(ctx, protocol.MessageTypeWarning, err.Error())
		return synthOutcome{Status: outcomeEdited, Message: err.Error()}
	}
	edit := s.versionedEdit(cur, []protocol.TextEdit{{Range: toRange(cur.file, e.Span), NewText: e.NewText}})
	// Once the program is ready, a cancellation no longer stops the
	// edit: the reply must still arrive.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), applyTimeout)
	defer cancel()
	var resp protocol.ApplyWorkspaceEditResponse
	_, err = s.conn.Call(actx, "workspace/applyEdit", protocol.ApplyWorkspaceEditParams{Label: "ken: synthesize from comment", Edit: *edit}, &resp)
	if err != nil || !resp.Applied {
		msg := "the editor did not apply ken's edit"
		if err != nil {
			msg += ": " + err.Error()
		} else if resp.FailureReason != "" {
			msg += ": " + resp.FailureReason
		}
		s.tell(ctx, protocol.MessageTypeWarning, msg)
		return synthOutcome{Status: outcomeRefused, Message: msg}
	}
	version := cur.version
	return synthOutcome{Status: outcomeApplied, Version: &version}
}

// findAgain finds old's prompt in a newer version of its document: the
// prompt with the same text nearest to where it was. ok is false unless
// that prompt's generated block is as it was: the same program, not
// edited, or still none.
func findAgain(d *document, old synth.Prompt) (synth.Prompt, bool) {
	var found synth.Prompt
	best := -1
	for _, p := range synth.Prompts(d.file, d.result.AST) {
		dist := abs(p.Span.Start - old.Span.Start)
		if p.Text == old.Text && (best < 0 || dist < best) {
			found, best = p, dist
		}
	}
	if best < 0 {
		return synth.Prompt{}, false
	}
	a, b := old.Block, found.Block
	same := (a == nil && b == nil) || (a != nil && b != nil && a.Program == b.Program && !b.Edited)
	return found, same
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// tell shows the person a message of type typ.
func (s *Server) tell(ctx context.Context, typ protocol.MessageType, text string) {
	err := s.conn.Notify(context.WithoutCancel(ctx), "window/showMessage", protocol.ShowMessageParams{Type: typ, Message: "ken: " + text})
	if err != nil {
		s.logf("showMessage: %v", err)
	}
}

// logTrials writes why each trial failed to the server log. The log gets
// stages and counts only: the prompt and programs are the person's.
func (s *Server) logTrials(job *synthJob, res *synth.Result) {
	for _, t := range res.Trials {
		s.logf("synthesis for %s, trial %d: failed the %s stage (%d finding(s)) in %v", job.doc.uri, t.N, t.Stage, len(t.Diagnostics), t.Elapsed.Round(time.Millisecond))
	}
}

// synthRuns tracks the syntheses under way, one per prompt, and the
// generated blocks already regenerated automatically. Its zero value is
// ready.
type synthRuns struct {
	mu      sync.Mutex
	running map[string]*synthRun // by synthJob.key
	// regenerated holds blockKey of every block autoRegenerate acted on,
	// and of every block it inserted.
	regenerated map[string]bool
}

// synthRun is one synthesis under way.
type synthRun struct{ cancel context.CancelFunc }

// start records a synthesis for key, cancelling an older one for the same
// prompt: the newest request is the one the person wants.
func (r *synthRuns) start(key string, cancel context.CancelFunc) *synthRun {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running == nil {
		r.running = map[string]*synthRun{}
	}
	if old := r.running[key]; old != nil {
		old.cancel()
	}
	run := &synthRun{cancel: cancel}
	r.running[key] = run
	return run
}

// finish forgets run, unless a newer run replaced it.
func (r *synthRuns) finish(key string, run *synthRun) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running[key] == run {
		delete(r.running, key)
	}
}

// busy reports whether a synthesis runs for key.
func (r *synthRuns) busy(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running[key] != nil
}

// cancelDocument stops every synthesis for uri: its results would have
// nowhere to go.
func (r *synthRuns) cancelDocument(uri protocol.DocumentURI) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for key, run := range r.running {
		if strings.HasPrefix(key, string(uri)+"\x00") {
			run.cancel()
		}
	}
}

// firstRegeneration records key and reports whether it is new.
func (r *synthRuns) firstRegeneration(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.regenerated == nil {
		r.regenerated = map[string]bool{}
	}
	if r.regenerated[key] {
		return false
	}
	r.regenerated[key] = true
	return true
}

// blockKey names a generated program in a document, line endings and
// trailing newlines aside, as synth's digest treats them.
func blockKey(uri protocol.DocumentURI, program string) string {
	program = strings.ReplaceAll(strings.TrimRight(program, "\r\n"), "\r\n", "\n")
	sum := sha256.Sum256([]byte(program))
	return string(uri) + "\x00" + hex.EncodeToString(sum[:])
}
