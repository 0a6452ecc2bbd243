package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/synth"
	"github.com/kenlsp/ken/synth/llm"
	"github.com/kenlsp/ken/synth/llm/llmtest"
)

const connectPrompt = "trace every TCP connect with pid, comm, destination address and port in host byte order"

// connectFile is a prompt comment, a blank line and a probe.
const connectFile = "// " + connectPrompt + "\n\nBEGIN { printf(\"tracing\\n\"); }\n"

// The KEN paper's case study, as in synth's tests: the port printed as
// the kernel stores it, then fixed with bswap.
const (
	portBug   = "```bpftrace\nkprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n\tprintf(\"%d %s %s %d\\n\", pid, comm, ntop($sk->__sk_common.skc_daddr), $sk->__sk_common.skc_dport);\n}\n```"
	portFixed = "Here is the corrected program:\n```bpftrace\nkprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n\tprintf(\"%d %s %s %d\\n\", pid, comm, ntop($sk->__sk_common.skc_daddr), bswap($sk->__sk_common.skc_dport));\n}\n```"
	// noAnnotations answers the comprehension engine's request, which
	// follows each candidate while the symbolic verifier is on, with no
	// program: the candidate is then checked as it is.
	noAnnotations = "No annotations apply."
	testKey       = "sk-ken-test-key-0123456789"
)

// candidate is a trial: the model's program, then its (empty)
// annotations.
func candidate(reply string) []llmtest.Step {
	return []llmtest.Step{{Reply: reply}, {Reply: noAnnotations}}
}

// synthSettings are testSettings with a scripted model behind the real
// langchaingo client, no bpftrace, and a learning store of the test's own.
func synthSettings(t *testing.T, srv *llmtest.Server) map[string]any {
	t.Helper()
	t.Setenv("KEN_TEST_KEY", testKey)
	t.Setenv("KEN_CACHE_DIR", t.TempDir())
	settings := testSettings()
	settings["compileOnSave"] = false
	if srv != nil {
		settings["synthesis"] = map[string]any{"provider": "openai", "model": "m", "baseURL": srv.URL(), "apiKeyEnv": "KEN_TEST_KEY"}
	}
	return settings
}

// synthesis returns the settings' synthesis member, to add to it.
func synthesis(settings map[string]any) map[string]any {
	m, _ := settings["synthesis"].(map[string]any)
	return m
}

// actionsAt asks for the code actions of a range.
func (c *testClient) actionsAt(uri protocol.DocumentURI, r protocol.Range) []protocol.CodeAction {
	c.t.Helper()
	var actions []protocol.CodeAction
	c.call("textDocument/codeAction", protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Range: r}, &actions)
	return actions
}

// action returns the action titled title, or nil.
func action(actions []protocol.CodeAction, title string) *protocol.CodeAction {
	for i := range actions {
		if actions[i].Title == title {
			return &actions[i]
		}
	}
	return nil
}

// argsOf decodes a ken.synthesize command's argument.
func argsOf(t *testing.T, cmd *protocol.Command) synthesizeArgs {
	t.Helper()
	if cmd == nil || cmd.Command != commandSynthesize || len(cmd.Arguments) != 1 {
		t.Fatalf("command = %+v, want %s with one argument", cmd, commandSynthesize)
	}
	raw, _ := json.Marshal(cmd.Arguments[0])
	var args synthesizeArgs
	if err := json.Unmarshal(raw, &args); err != nil {
		t.Fatal(err)
	}
	return args
}

// execute starts ken.synthesize; the returned channel yields its reply.
func (c *testClient) execute(ctx context.Context, args synthesizeArgs) <-chan executed {
	done := make(chan executed, 1)
	go func() {
		var out synthOutcome
		id, err := c.conn.Call(ctx, "workspace/executeCommand", map[string]any{"command": commandSynthesize, "arguments": []any{args}}, &out)
		done <- executed{id, out, err}
	}()
	return done
}

// executed is a ken.synthesize request's end.
type executed struct {
	id  jsonrpc2.ID
	out synthOutcome
	err error
}

// synthesize runs ken.synthesize to its end.
func (c *testClient) synthesize(args synthesizeArgs) synthOutcome {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := <-c.execute(ctx, args)
	if r.err != nil {
		c.t.Fatalf("ken.synthesize: %v", r.err)
	}
	return r.out
}

// waitFor waits until ok holds, checking whenever the client hears
// something, or at least every 20 ms (for the model server's state).
func (c *testClient) waitFor(what string, ok func() bool) {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for !ok() {
		select {
		case <-c.changed:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			c.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// appliedEdits returns the workspace/applyEdit requests received.
func (c *testClient) appliedEdits() []protocol.ApplyWorkspaceEditParams {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.ApplyWorkspaceEditParams(nil), c.edits...)
}

// heard joins everything the person could read: messages and progress.
func (c *testClient) heard() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, m := range c.messages {
		b.WriteString(m + "\n")
	}
	for _, r := range c.reports {
		b.WriteString(r.Title + " " + r.Message + "\n")
	}
	return b.String()
}

// applyTo applies the one edit of e, checking that it is for uri at
// version, to text.
func applyTo(t *testing.T, text string, e protocol.ApplyWorkspaceEditParams, uri protocol.DocumentURI, version int32) string {
	t.Helper()
	if len(e.Edit.DocumentChanges) != 1 || len(e.Edit.DocumentChanges[0].Edits) != 1 {
		t.Fatalf("edit = %+v, want one text edit", e.Edit)
	}
	change := e.Edit.DocumentChanges[0]
	if change.TextDocument.URI != uri || change.TextDocument.Version == nil || *change.TextDocument.Version != version {
		t.Fatalf("edit for %+v, want %s version %d", change.TextDocument, uri, version)
	}
	f := source.NewFile("t.bt", []byte(text))
	te := change.Edits[0]
	span := toSpan(f, te.Range)
	return text[:span.Start] + te.NewText + text[span.End:]
}

// generated returns the prompt of text whose generated block holds want,
// failing when there is none.
func generated(t *testing.T, text, want string) synth.Prompt {
	t.Helper()
	f := source.NewFile("t.bt", []byte(text))
	ast, _ := syntax.Parse(f)
	for _, p := range synth.Prompts(f, ast) {
		if p.Block != nil && !p.Block.Edited && strings.Contains(p.Block.Program, want) {
			return p
		}
	}
	t.Fatalf("no unedited generated block with %q in:\n%s", want, text)
	return synth.Prompt{}
}

// TestSynthesisActions: the action is offered on a prompt comment and not
// on code; it becomes Regenerate on a prompt with a generated block, and
// is disabled when that block was edited by hand.
func TestSynthesisActions(t *testing.T) {
	c := startServer(t, synthSettings(t, nil))
	uri := protocol.DocumentURI("file:///tmp/prompt.bt")
	c.open(uri, connectFile)
	c.waitDiagnostics(uri, 1, func([]protocol.Diagnostic) bool { return true })

	a := action(c.actionsAt(uri, protocol.Range{Start: pos(0, 5), End: pos(0, 5)}), titleSynthesize)
	if a == nil || a.Kind != protocol.QuickFix || a.Disabled != nil {
		t.Fatalf("no enabled %q quick fix on the prompt", titleSynthesize)
	}
	if args := argsOf(t, a.Command); args.URI != uri || args.Version != 1 || args.PromptOffset != 0 {
		t.Errorf("args = %+v", args)
	}
	for _, at := range []protocol.Position{pos(2, 3), pos(1, 0)} {
		if a := action(c.actionsAt(uri, protocol.Range{Start: at, End: at}), titleSynthesize); a != nil {
			t.Errorf("synthesis offered at %v, off the prompt", at)
		}
	}

	program, _ := llm.Extract(portFixed)
	block := synth.Render(program, "m via openai", []string{"parse"})
	withBlock := "// " + connectPrompt + "\n" + block + "\n"
	c.open("file:///tmp/block.bt", withBlock)
	if a := action(c.actionsAt("file:///tmp/block.bt", protocol.Range{Start: pos(0, 1), End: pos(0, 1)}), titleRegenerate); a == nil || a.Disabled != nil {
		t.Errorf("no enabled %q on a prompt with a generated block", titleRegenerate)
	}
	edited := strings.Replace(withBlock, "bswap(", "bswap( ", 1)
	c.open("file:///tmp/edited.bt", edited)
	a = action(c.actionsAt("file:///tmp/edited.bt", protocol.Range{Start: pos(0, 1), End: pos(0, 1)}), titleRegenerate)
	if a == nil || a.Disabled == nil || !strings.Contains(a.Disabled.Reason, "edited by hand") {
		t.Errorf("the action on an edited block is %+v, want it disabled", a)
	}
}

// TestSynthesizeWithModel is the KEN loop through the editor: trial 1
// prints the port in network byte order, the symbolic verifier says so,
// trial 2 fixes it, and the fixed program arrives as a versioned edit.
func TestSynthesizeWithModel(t *testing.T) {
	srv := llmtest.NewServer(t, append(candidate(portBug), candidate(portFixed)...)...)
	c := startServer(t, synthSettings(t, srv))
	uri := protocol.DocumentURI("file:///tmp/connect.bt")
	c.open(uri, connectFile)
	c.waitDiagnostics(uri, 1, func([]protocol.Diagnostic) bool { return true })

	out := c.synthesize(synthesizeArgs{URI: uri, Version: 1, PromptOffset: 3})
	if out.Status != outcomeApplied || out.Version == nil || *out.Version != 1 {
		t.Fatalf("outcome = %+v", out)
	}
	edits := c.appliedEdits()
	if len(edits) != 1 {
		t.Fatalf("%d edits applied, want 1", len(edits))
	}
	text := applyTo(t, connectFile, edits[0], uri, 1)
	p := generated(t, text, "bswap($sk->__sk_common.skc_dport)")
	if p.Text != connectPrompt || !strings.Contains(text, "from m via openai; checked: parse, semantic, symbolic\n") {
		t.Errorf("after the edit:\n%s", text)
	}
	if !strings.HasSuffix(text, "// ken: end of generated code\n\nBEGIN { printf(\"tracing\\n\"); }\n") {
		t.Errorf("the text after the prompt moved:\n%s", text)
	}

	heard := c.heard()
	for _, want := range []string{"trial 1/3: asking m via openai", "trial 1/3: symbolic check failed", "trial 2/3: passed every check"} {
		if !strings.Contains(heard, want) {
			t.Errorf("progress lacks %q:\n%s", want, heard)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.reports {
		if r.Kind == "begin" && strings.Contains(r.Title, "synthesizing") && !r.Cancellable {
			t.Errorf("the synthesis progress is not cancellable: %+v", r)
		}
	}
	if got := srv.Requests()[2].Text; !strings.Contains(got, "skc_dport") {
		t.Errorf("trial 2 was not told of the counterexample:\n%s", got)
	}
}

// TestSynthesizeWhileEditing: an edit elsewhere during the synthesis moves
// the edit to the new version; an edit to the prompt cancels it, with a
// message.
func TestSynthesizeWhileEditing(t *testing.T) {
	tests := []struct {
		name   string
		change protocol.Range
		text   string
		want   string // outcome
	}{
		{"probe added above the prompt", protocol.Range{Start: pos(0, 0), End: pos(0, 0)}, "BEGIN { exit(); }\n\n", outcomeApplied},
		{"prompt changed", protocol.Range{Start: pos(0, 9), End: pos(0, 14)}, "each", outcomeChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The model takes a second to answer: time to edit meanwhile.
			srv := llmtest.NewServer(t, llmtest.Step{Delay: time.Second, Reply: portFixed}, llmtest.Step{Reply: noAnnotations})
			c := startServer(t, synthSettings(t, srv))
			uri := protocol.DocumentURI("file:///tmp/editing.bt")
			c.open(uri, connectFile)
			done := c.execute(context.Background(), synthesizeArgs{URI: uri, Version: 1, PromptOffset: 0})
			c.waitFor("the model's first request", func() bool { return len(srv.Requests()) > 0 })
			c.edit(uri, 2, tt.change, tt.text)
			var ok bool
			c.call("ken/configured", nil, &ok) // answered after didChange: notifications are handled in order

			r := <-done
			if r.err != nil || r.out.Status != tt.want {
				t.Fatalf("outcome %+v, error %v; want %s", r.out, r.err, tt.want)
			}
			edits := c.appliedEdits()
			if tt.want == outcomeChanged {
				if len(edits) != 0 || !strings.Contains(c.heard(), "the comment changed while ken was synthesizing; nothing was changed") {
					t.Errorf("edits %+v; heard:\n%s", edits, c.heard())
				}
				return
			}
			current := applyTo(t, connectFile, protocol.ApplyWorkspaceEditParams{Edit: protocol.WorkspaceEdit{DocumentChanges: []protocol.TextDocumentEdit{{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: &[]int32{1}[0]},
				Edits:        []protocol.TextEdit{{Range: tt.change, NewText: tt.text}},
			}}}}, uri, 1)
			if len(edits) != 1 {
				t.Fatalf("%d edits, want 1", len(edits))
			}
			text := applyTo(t, current, edits[0], uri, 2)
			if !strings.HasPrefix(text, "BEGIN { exit(); }\n\n// "+connectPrompt+"\n// ken: generated") {
				t.Errorf("the edit was not recomputed for version 2:\n%s", text)
			}
			generated(t, text, "bswap(")
		})
	}
}

// TestSynthesisCancelled: the progress's Cancel button and $/cancelRequest
// each stop a synthesis waiting on the model; nothing is applied.
func TestSynthesisCancelled(t *testing.T) {
	for _, how := range []string{"window/workDoneProgress/cancel", "$/cancelRequest"} {
		t.Run(how, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Step{Delay: 5 * time.Second, Reply: portFixed})
			c := startServer(t, synthSettings(t, srv))
			uri := protocol.DocumentURI("file:///tmp/cancel.bt")
			c.open(uri, connectFile)
			ctx, cancelCall := context.WithCancel(context.Background())
			defer cancelCall()
			start := time.Now()
			done := c.execute(ctx, synthesizeArgs{URI: uri, Version: 1})
			var token json.RawMessage
			c.waitFor("the synthesis progress and the model's request", func() bool {
				token = c.synthesisToken()
				return token != nil && len(srv.Requests()) > 0
			})
			if how == "$/cancelRequest" {
				cancelCall() // the client stops waiting; the server hears of it next
				r := <-done
				c.notify("$/cancelRequest", map[string]any{"id": &r.id}) // ID marshals by pointer
			} else {
				c.notify("window/workDoneProgress/cancel", map[string]any{"token": token})
				if r := <-done; r.err != nil || r.out.Status != outcomeCancelled {
					t.Errorf("outcome %+v, error %v", r.out, r.err)
				}
			}
			c.waitFor("the progress to end", func() bool { return c.ended(token) })
			if elapsed := time.Since(start); elapsed > 4*time.Second {
				t.Errorf("cancelling took %v", elapsed)
			}
			if edits := c.appliedEdits(); len(edits) != 0 {
				t.Errorf("a cancelled synthesis applied %+v", edits)
			}
		})
	}
}

// synthesisToken is the token of the synthesis progress, once begun.
func (c *testClient) synthesisToken() json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.reports {
		if r.Kind == "begin" && strings.Contains(r.Title, "synthesizing") {
			return r.Token
		}
	}
	return nil
}

// ended reports whether the progress of token ended.
func (c *testClient) ended(token json.RawMessage) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.reports {
		if r.Kind == "end" && bytes.Equal(r.Token, token) {
			return true
		}
	}
	return false
}

// TestSynthesizeOffline: with no provider, the closest verified example
// is inserted, labelled as such, and the person is told no model was used.
func TestSynthesizeOffline(t *testing.T) {
	c := startServer(t, synthSettings(t, nil))
	uri := protocol.DocumentURI("file:///tmp/offline.bt")
	text := "// count TCP retransmits per remote address every 5 seconds\n"
	c.open(uri, text)
	out := c.synthesize(synthesizeArgs{URI: uri, Version: 1})
	if out.Status != outcomeApplied {
		t.Fatalf("outcome = %+v", out)
	}
	got := applyTo(t, text, c.appliedEdits()[0], uri, 1)
	generated(t, got, "retransmit")
	if !strings.Contains(got, "no model used); checked: parse, semantic, symbolic\n") {
		t.Errorf("the block does not say no model was used:\n%s", got)
	}
	if !strings.Contains(c.heard(), "ken: no model was used: the program is from examples (") {
		t.Errorf("not told that no model was used:\n%s", c.heard())
	}
}

// TestSynthesizeEditRefused: an editor that does not apply the edit is
// reported, not ignored.
func TestSynthesizeEditRefused(t *testing.T) {
	c := startServer(t, synthSettings(t, nil))
	c.mu.Lock()
	c.refuseEdits = true
	c.mu.Unlock()
	uri := protocol.DocumentURI("file:///tmp/refused.bt")
	c.open(uri, "// count TCP retransmits per remote address every 5 seconds\n")
	if out := c.synthesize(synthesizeArgs{URI: uri, Version: 1}); out.Status != outcomeRefused {
		t.Errorf("outcome = %+v", out)
	}
	if heard := c.heard(); !strings.Contains(heard, "the editor did not apply ken's edit") || strings.Contains(heard, "no model was used") {
		t.Errorf("heard:\n%s", heard)
	}
}

// TestSynthesizeUnverified: when no trial passes, nothing is inserted and
// the person is asked for more detail.
func TestSynthesizeUnverified(t *testing.T) {
	srv := llmtest.NewServer(t, candidate(portBug)...)
	settings := synthSettings(t, srv)
	synthesis(settings)["trials"] = 1
	c := startServer(t, settings)
	uri := protocol.DocumentURI("file:///tmp/unverified.bt")
	c.open(uri, connectFile)
	out := c.synthesize(synthesizeArgs{URI: uri, Version: 1})
	if out.Status != outcomeUnverified || len(c.appliedEdits()) != 0 {
		t.Fatalf("outcome %+v, edits %+v", out, c.appliedEdits())
	}
	if heard := c.heard(); !strings.Contains(heard, "could not produce a program that passes every check in 1 trials") {
		t.Errorf("not asked for more detail:\n%s", heard)
	}
}

// bugFile has a generated block holding the byte-order bug, unedited.
func bugFile(t *testing.T) string {
	t.Helper()
	program, err := llm.Extract(portBug)
	if err != nil {
		t.Fatal(err)
	}
	return "// " + connectPrompt + "\n" + synth.Render(program, "m via openai", []string{"parse", "semantic"}) + "\n"
}

// symbexWarning waits for the symbolic verifier's warning in the block.
func symbexWarning(c *testClient, uri protocol.DocumentURI, version uint32) protocol.Diagnostic {
	c.t.Helper()
	ds := c.waitDiagnostics(uri, version, func(ds []protocol.Diagnostic) bool {
		for _, d := range ds {
			if d.Source == "ken-symbex" && d.Severity == protocol.DiagnosticSeverityWarning {
				return true
			}
		}
		return false
	})
	for _, d := range ds {
		if d.Source == "ken-symbex" {
			return d
		}
	}
	panic("unreachable")
}

// TestRegenerateWithFeedback: a finding inside a generated block offers to
// regenerate with it; the command carries the finding and the program.
func TestRegenerateWithFeedback(t *testing.T) {
	c := startServer(t, synthSettings(t, nil))
	uri := protocol.DocumentURI("file:///tmp/feedback.bt")
	text := bugFile(t)
	c.open(uri, text)
	d := symbexWarning(c, uri, 1)
	a := action(c.actionsAt(uri, d.Range), titleFeedback)
	if a == nil || len(a.Diagnostics) == 0 {
		t.Fatalf("no %q on %s", titleFeedback, d.Message)
	}
	args := argsOf(t, a.Command)
	p := generated(t, text, "skc_dport")
	if args.PromptOffset != 0 || args.Previous != p.Block.Program || len(args.Feedback) == 0 || !strings.Contains(args.Feedback[0], d.Message) {
		t.Errorf("args = %+v", args)
	}
	if !strings.HasPrefix(args.Feedback[0], "line 4 (") {
		t.Errorf("feedback %q does not count lines in the program", args.Feedback[0])
	}
	if a := action(c.actionsAt(uri, protocol.Range{Start: pos(0, 1), End: pos(0, 1)}), titleFeedback); a != nil {
		t.Error("feedback offered on the prompt, away from the finding")
	}
}

// TestAutoRegenerate: with autoRegenerate on, the verifier's warning in a
// generated block regenerates it with that feedback, once: a later version
// with the same block and warning does not ask the model again.
func TestAutoRegenerate(t *testing.T) {
	srv := llmtest.NewServer(t, candidate(portFixed)...)
	settings := synthSettings(t, srv)
	synthesis(settings)["autoRegenerate"] = true
	c := startServer(t, settings)
	uri := protocol.DocumentURI("file:///tmp/auto.bt")
	text := bugFile(t)
	c.open(uri, text)
	symbexWarning(c, uri, 1)
	c.waitFor("the regeneration's edit", func() bool { return len(c.appliedEdits()) > 0 })
	generated(t, applyTo(t, text, c.appliedEdits()[0], uri, 1), "bswap(")
	if got := srv.Requests()[0].Text; !strings.Contains(got, "Fix these findings") || !strings.Contains(got, "skc_dport") {
		t.Errorf("the regeneration was not given the feedback:\n%s", got)
	}

	// The client did not apply the edit; the person edits elsewhere.
	c.edit(uri, 2, protocol.Range{Start: pos(8, 0), End: pos(8, 0)}, "\nBEGIN { exit(); }\n")
	symbexWarning(c, uri, 2)
	// A second regeneration would reach the model server, which fails the
	// test on a request beyond its script; give it the time to try.
	time.Sleep(300 * time.Millisecond)
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("the model was asked %d times, want 2 (one trial)", n)
	}
}

// lockedBuffer is a log that the server's goroutines may write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestKeyNeverShown: neither a refused key nor a key pasted where the
// variable's name belongs reaches the log, a message or the progress.
func TestKeyNeverShown(t *testing.T) {
	t.Run("refused by the endpoint", func(t *testing.T) {
		srv := llmtest.NewServer(t, llmtest.Step{Status: 401})
		var log lockedBuffer
		c := startServerWith(t, synthSettings(t, srv), Options{Debounce: time.Millisecond, Log: &log})
		uri := protocol.DocumentURI("file:///tmp/key.bt")
		c.open(uri, connectFile)
		out := c.synthesize(synthesizeArgs{URI: uri, Version: 1})
		if out.Status != outcomeFailed || !strings.Contains(c.heard(), "synthesis failed") {
			t.Fatalf("outcome %+v; heard:\n%s", out, c.heard())
		}
		if srv.Requests()[0].Credential() != testKey {
			t.Fatal("the key was not sent to the endpoint")
		}
		for what, text := range map[string]string{"client": c.heard() + out.Message, "log": log.String()} {
			if strings.Contains(text, testKey) {
				t.Errorf("the key reached the %s:\n%s", what, text)
			}
		}
	})
	t.Run("pasted into apiKeyEnv", func(t *testing.T) {
		var log lockedBuffer
		settings := synthSettings(t, nil)
		settings["synthesis"] = map[string]any{"provider": "openai", "model": "m", "apiKeyEnv": testKey}
		c := startServerWith(t, settings, Options{Debounce: time.Millisecond, Log: &log})
		if heard := c.heard(); !strings.Contains(heard, "APIKeyEnv must be the name of an environment variable") || !strings.Contains(heard, "synthesizing offline") {
			t.Errorf("the bad configuration was not explained:\n%s", heard)
		}
		uri := protocol.DocumentURI("file:///tmp/offline.bt")
		c.open(uri, "// count TCP retransmits per remote address every 5 seconds\n")
		if out := c.synthesize(synthesizeArgs{URI: uri, Version: 1}); out.Status != outcomeApplied {
			t.Errorf("offline synthesis after a bad configuration: %+v", out)
		}
		for what, text := range map[string]string{"client": c.heard(), "log": log.String()} {
			if strings.Contains(text, testKey) {
				t.Errorf("the key reached the %s:\n%s", what, text)
			}
		}
	})
}

// TestExecuteCommandErrors: malformed commands are InvalidParams; a stale
// offset is explained, not an error.
func TestExecuteCommandErrors(t *testing.T) {
	c := startServer(t, synthSettings(t, nil))
	uri := protocol.DocumentURI("file:///tmp/errors.bt")
	c.open(uri, connectFile)
	var rpcErr *jsonrpc2.Error
	for _, params := range []map[string]any{
		{"command": "ken.nonsense"},
		{"command": commandSynthesize},
		{"command": commandSynthesize, "arguments": []any{"not an object"}},
	} {
		if err := c.callErr("workspace/executeCommand", params); !errors.As(err, &rpcErr) || rpcErr.Code != jsonrpc2.InvalidParams {
			t.Errorf("%v: %v", params, err)
		}
	}
	if out := c.synthesize(synthesizeArgs{URI: uri, Version: 1, PromptOffset: len(connectFile) - 3}); out.Status != outcomeNoPrompt {
		t.Errorf("outcome off the prompt = %+v", out)
	}
	var caps struct {
		Capabilities struct {
			ExecuteCommandProvider struct {
				Commands []string `json:"commands"`
			} `json:"executeCommandProvider"`
		} `json:"capabilities"`
	}
	json.Unmarshal(c.initialized, &caps)
	if got := caps.Capabilities.ExecuteCommandProvider.Commands; len(got) != 1 || got[0] != commandSynthesize {
		t.Errorf("executeCommandProvider commands = %v", got)
	}
}

// TestParseSynthesisSettings: the synthesis member is decoded field by
// field, like the others.
func TestParseSynthesisSettings(t *testing.T) {
	got, err := parseSettings([]byte(`{"ken":{"kernel":"k","synthesis":{"provider":"openai","model":"m","trials":"three","autoRegenerate":{"enable":true},"store":false,"baseURL":7}}}`))
	if err == nil || !strings.Contains(err.Error(), "synthesis.baseURL, synthesis.trials") {
		t.Errorf("error = %v", err)
	}
	s := got.Synthesis
	if got.Kernel != "k" || s.Provider != "openai" || s.Model != "m" || s.Trials != 0 || s.AutoRegenerate == nil || !*s.AutoRegenerate || s.Store == nil || *s.Store {
		t.Errorf("settings = %+v, synthesis = %+v", got, s)
	}
	setup, notes := newSynthSetup(SynthesisSettings{Provider: "nonsense"})
	if setup.model != nil || len(notes) != 1 || !strings.Contains(notes[0], "unknown provider") || setup.store == nil {
		t.Errorf("setup %+v, notes %q", setup, notes)
	}
}
