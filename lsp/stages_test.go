package lsp

import (
	"os"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/internal/bpftracetest"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
)

// stagesSettings points the server at the real bpftrace 0.23; loading
// into the kernel verifier needs root.
func stagesSettings(t *testing.T) map[string]any {
	t.Helper()
	argv := bpftracetest.Bpftrace023(t)
	if os.Geteuid() != 0 {
		if os.Getenv("KEN_REQUIRE_KERNEL") != "" {
			t.Fatal("the kernel verifier stage needs root")
		}
		t.Skip("the kernel verifier stage needs root")
	}
	settings := testSettings()
	settings["bpftrace"] = strings.Join(argv, " ")
	return settings
}

// A program the kernel rejects: pt_regs is 168 bytes, offset 200 is out of
// bounds. ken and bpftrace accept it.
const rejectedByKernel = "struct big {\n\tchar pad[200];\n\tunsigned long x;\n};\n\n" +
	"kprobe:do_nanosleep\n{\n\t@sleeps = count();\n}\n\n" +
	"kprobe:hrtimer_nanosleep\n{\n\t@x = ((struct big *)ctx)->x;\n}\n"

// TestSaveRunsStages saves a document and expects the kernel's rejection
// at the probe, its whole log in the hover there, and the cost of the
// accepted probe as an inlay hint.
func TestSaveRunsStages(t *testing.T) {
	c := startServer(t, stagesSettings(t))
	uri := protocol.DocumentURI("file:///stages.bt")
	c.open(uri, rejectedByKernel)
	c.waitDiagnostics(uri, 1, func(ds []protocol.Diagnostic) bool { return !hasCode(ds, pipeline.CodeKernelRejected) })
	c.notify("textDocument/didSave", protocol.DidSaveTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}})
	ds := c.waitDiagnostics(uri, 1, func(ds []protocol.Diagnostic) bool { return hasCode(ds, pipeline.CodeKernelRejected) })
	for _, d := range ds {
		if d.Code == pipeline.CodeKernelRejected && (d.Range.Start.Line != 10 || !strings.Contains(d.Message, "invalid bpf_context access")) {
			t.Errorf("rejection at line %d: %s", d.Range.Start.Line+1, d.Message)
		}
	}

	var hover protocol.Hover
	c.call("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: pos(10, 3)}}, &hover)
	if !strings.Contains(hover.Contents.Value, "processed 1 insns") {
		t.Errorf("hover lacks the verifier log: %q", hover.Contents.Value)
	}

	var hints []InlayHint
	c.call("textDocument/inlayHint", InlayHintParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri},
		Range: protocol.Range{End: pos(20, 0)}}, &hints)
	found := false
	for _, h := range hints {
		found = found || (h.Position.Line == 5 && strings.Contains(h.Label, "insns verified"))
	}
	if !found {
		t.Errorf("no verifier cost hint on the accepted probe's line: %+v", hints)
	}

	// The next edit drops the saved version's findings: their spans are
	// stale.
	c.edit(uri, 2, protocol.Range{Start: pos(0, 0), End: pos(0, 0)}, "// edited\n")
	c.waitDiagnostics(uri, 2, func(ds []protocol.Diagnostic) bool { return !hasCode(ds, pipeline.CodeKernelRejected) })
}

// TestSaveWithoutBpftrace gives one information note and no error when
// the configured bpftrace does not exist.
func TestSaveWithoutBpftrace(t *testing.T) {
	settings := testSettings()
	settings["bpftrace"] = "/nonexistent/bpftrace"
	c := startServer(t, settings)
	uri := protocol.DocumentURI("file:///nobpftrace.bt")
	c.open(uri, "BEGIN { printf(\"hi\\n\"); }\n")
	c.notify("textDocument/didSave", protocol.DidSaveTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}})
	ds := c.waitDiagnostics(uri, 1, func(ds []protocol.Diagnostic) bool { return hasCode(ds, compile.CodeNotRun) })
	for _, d := range ds {
		if d.Severity != protocol.DiagnosticSeverityInformation {
			t.Errorf("%s is %v, want information only", d.Code, d.Severity)
		}
	}
}
