package lsp

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"go.lsp.dev/protocol"
)

// utf16PosOf returns the LSP position of the n-th (0-based) occurrence of
// needle in text, plus shift bytes, counting columns in UTF-16 units as
// LSP does. It counts independently of the server's own conversion.
func utf16PosOf(t *testing.T, text, needle string, n, shift int) protocol.Position {
	t.Helper()
	at := -1
	for i := 0; i <= n; i++ {
		next := strings.Index(text[at+1:], needle)
		if next < 0 {
			t.Fatalf("%q occurs fewer than %d times", needle, n+1)
		}
		at += 1 + next
	}
	at += shift
	lineStart := strings.LastIndex(text[:at], "\n") + 1
	line := strings.Count(text[:at], "\n")
	col := len(utf16.Encode([]rune(text[lineStart:at])))
	return pos(uint32(line), uint32(col))
}

const hoverProgram = `kprobe:tcp_connect
{
	$sk = (struct sock *)arg0;
	@ports[comm] = count();
	printf("é %d\n", $sk->__sk_common.skc_dport);
}
kretprobe:tcp_connect { @ret = hist(retval); }
tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args->filename)); }
`

func TestHover(t *testing.T) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/hover.bt")
	c.open(uri, hoverProgram)
	tests := []struct {
		name   string
		needle string
		nth    int
		want   []string
		token  string // the text the hover's range must cover
	}{
		{"builtin variable", "retval", 0, []string{"retval: uint64", "kretprobe"}, "retval"},
		{"builtin function", "printf", 0, []string{"printf(string fmt, ...)", "Prints"}, "printf"},
		{"probe kind", "kprobe", 0, []string{"**kprobe** probe", "kernel function starts"}, "kprobe"},
		{"kernel function", "tcp_connect", 0, []string{"int tcp_connect(struct sock *sk)", "`arg0`: `struct sock *sk`"}, "tcp_connect"},
		{"kretprobe function", "tcp_connect", 1, []string{"int tcp_connect(struct sock *sk)", "`retval` holds its `int` result"}, "tcp_connect"},
		{"tracepoint", "sys_enter_openat", 0, []string{"const char *filename;", "offset 24"}, "sys_enter_openat"},
		{"tracepoint category", "syscalls", 0, []string{"Tracepoint category `syscalls`"}, "syscalls"},
		{"tracepoint field", "filename", 0, []string{"const char *filename", "args of tracepoint syscalls:sys_enter_openat", "Byte offset 24"}, "filename"},
		{"network-order field after non-ASCII text", "skc_dport", 0, []string{"__be16 skc_dport", "`uint16`", "Byte offset 12", "Network byte order"}, "skc_dport"},
		{"struct field", "__sk_common", 0, []string{"struct sock_common __sk_common", "Field `__sk_common` of `struct sock`"}, "__sk_common"},
		{"map", "@ports", 0, []string{"@ports[string[16]]: count_t", "Written 1 time (line 4)", "read nowhere"}, "@ports"},
		{"scratch variable", "$sk", 1, []string{"$sk: struct sock *", "first assigned on line 3", "used 1 more time"}, "$sk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := utf16PosOf(t, hoverProgram, tt.needle, tt.nth, 1)
			var h protocol.Hover
			c.call("textDocument/hover", hoverParams(uri, at), &h)
			if h.Contents.Kind != protocol.Markdown {
				t.Errorf("kind = %q, want markdown", h.Contents.Kind)
			}
			for _, w := range tt.want {
				if !strings.Contains(h.Contents.Value, w) {
					t.Errorf("hover lacks %q:\n%s", w, h.Contents.Value)
				}
			}
			start := utf16PosOf(t, hoverProgram, tt.needle, tt.nth, strings.Index(tt.needle, tt.token))
			want := protocol.Range{Start: start, End: pos(start.Line, start.Character+uint32(len(utf16.Encode([]rune(tt.token)))))}
			if h.Range == nil || *h.Range != want {
				t.Errorf("range = %v, want %v", h.Range, want)
			}
		})
	}
}

// TestHoverNothing answers null where there is nothing to say.
func TestHoverNothing(t *testing.T) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/nothing.bt")
	c.open(uri, hoverProgram)
	for _, at := range []protocol.Position{pos(1, 0), pos(3, 14), pos(4, 10), pos(9, 0)} {
		var raw json.RawMessage
		c.call("textDocument/hover", hoverParams(uri, at), &raw)
		if len(raw) != 0 && string(raw) != "null" {
			t.Errorf("hover at %v = %s, want null", at, raw)
		}
	}
}

func hoverParams(uri protocol.DocumentURI, at protocol.Position) protocol.HoverParams {
	return protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: at,
	}}
}

// TestEveryPosition asks for hovers, completions and inlay hints at every
// position of finished and broken programs: none may fail.
func TestEveryPosition(t *testing.T) {
	c := startServer(t, testSettings())
	programs := []string{
		hoverProgram,
		inlayProgram,
		"kprobe:tcp_connect { $sk = (struct sock *)arg0; $sk->__sk_common. }",
		"tracepoint:syscalls:sys_enter_openat /args->/ { @[str(args.filename)] = count(); $x = (1, \"é\"); $x.",
		"name=kprobe:vfs_*,\n  tracepoint:sched:sched_s*, kprobe:+x, k:, t::, BEGIN { @ = hist(nsecs); // é\n/* } */ print(@",
		"#include <linux/sched.h>\nmacro m($a) { $a->pid }\nfn f($p: struct task_struct *): int64 { return $p->pid; }\nconfig = { max_map_keys = 10 }\n",
	}
	for i, text := range programs {
		uri := protocol.DocumentURI(fmt.Sprintf("file:///tmp/every%d.bt", i))
		c.open(uri, text)
		lines := strings.Split(text, "\n")
		for line, l := range lines {
			width := len(utf16.Encode([]rune(l)))
			for col := 0; col <= width; col++ {
				at := pos(uint32(line), uint32(col))
				var raw json.RawMessage
				c.call("textDocument/hover", hoverParams(uri, at), &raw)
				c.call("textDocument/completion", completionParams(uri, at), &raw)
			}
		}
		var hints []InlayHint
		c.call("textDocument/inlayHint", InlayHintParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Range: protocol.Range{End: pos(uint32(len(lines)), 0)}}, &hints)
	}
}

// TestAnnotations completes and explains //@ comments: the verbs, then
// the probe's variables; a hover gives the verdict once the verifier ran.
func TestAnnotations(t *testing.T) {
	c := startServer(t, testSettings())
	verbs := completeAt(t, c, "file:///tmp/verbs.bt", "kprobe:vfs_read\n{\n\t$n = arg2;\n\t//@ re|\n\t@ = count();\n}\n")
	if got := completionLabels(verbs.Items); len(got) != 1 || got["reached whenever"].Label == "" {
		t.Errorf("verbs after //@ re: %v", got)
	}
	all := completeAt(t, c, "file:///tmp/all.bt", "kprobe:vfs_read\n{\n\t//@|")
	if got := completionLabels(all.Items); len(got) != 3 {
		t.Errorf("verbs right after //@ at the end of the file: %v", got)
	}
	vars := completeAt(t, c, "file:///tmp/vars.bt", "kprobe:vfs_read\n{\n\t$n = arg2;\n\t//@ assert $|\n\t@ = count();\n}\n")
	if completionLabels(vars.Items)["$n"].Label == "" {
		t.Errorf("variables in an annotation: %v", completionLabels(vars.Items))
	}

	uri := protocol.DocumentURI("file:///tmp/annotated.bt")
	program := "kprobe:vfs_read\n{\n\t$n = arg2;\n\tif ($n > 100) {\n\t\t//@ assert $n > 10\n\t\t//@ reached whenever $n > 10\n\t\t//@ nonsense $n\n\t\t@big = count();\n\t}\n}\n"
	c.open(uri, program)
	c.waitDiagnostics(uri, 1, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "ken/assert") })
	for _, tt := range []struct{ needle, want string }{
		{"assert", "**Proved**"},
		{"reached", "**Counterexample:** it is not reached when"},
		{"nonsense", "Not an annotation ken knows"},
	} {
		var h protocol.Hover
		c.call("textDocument/hover", hoverParams(uri, utf16PosOf(t, program, tt.needle, 0, 1)), &h)
		if !strings.Contains(h.Contents.Value, tt.want) {
			t.Errorf("hover on //@ %s = %q, want %q", tt.needle, h.Contents.Value, tt.want)
		}
	}
}
