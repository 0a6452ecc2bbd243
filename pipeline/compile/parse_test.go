package compile

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/parse/*.txtar")

// archive is a txtar file: a comment, then sections "-- NAME --".
type archive struct {
	comment  string
	names    []string
	sections map[string]string
}

func readArchive(t testing.TB, path string) *archive {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a := &archive{sections: map[string]string{}}
	name, body := "", &strings.Builder{}
	flush := func() {
		if name == "" {
			a.comment = body.String()
		} else {
			a.names = append(a.names, name)
			a.sections[name] = body.String()
		}
		body.Reset()
	}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		trimmed := strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			flush()
			name = trimmed[3 : len(trimmed)-3]
			continue
		}
		body.WriteString(line)
	}
	flush()
	return a
}

func (a *archive) set(name, body string) {
	if _, ok := a.sections[name]; !ok {
		a.names = append(a.names, name)
	}
	a.sections[name] = body
}

func (a *archive) bytes() []byte {
	var b bytes.Buffer
	b.WriteString(a.comment)
	for _, name := range a.names {
		fmt.Fprintf(&b, "-- %s --\n%s", name, a.sections[name])
	}
	return b.Bytes()
}

// render prints diagnostics for a golden file: severity, code, the span
// as line:col-line:col and the exact text it covers, then the message and
// the related entries with their own covered text.
func render(f *source.File, ds []diag.Diagnostic, first int) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s [%s] %s: %s\n", d.Severity, d.Code, spanText(f, d.Span), indent(d.Message))
		for _, r := range d.Related {
			fmt.Fprintf(&b, "\trelated %s: %s\n", spanText(f, r.Span), indent(r.Message))
		}
	}
	fmt.Fprintf(&b, "first error line: %d\n", first)
	return b.String()
}

func spanText(f *source.File, s source.Span) string {
	a, z := f.Position(s.Start), f.Position(s.End)
	return fmt.Sprintf("%d:%d-%d:%d %q", a.Line, a.Column, z.Line, z.Column, f.Text[s.Start:s.End])
}

func indent(msg string) string { return strings.ReplaceAll(msg, "\n", "\n\t| ") }

// checkSpans fails the test for any span outside the file or reversed.
func checkSpans(t testing.TB, f *source.File, ds []diag.Diagnostic) {
	t.Helper()
	ok := func(s source.Span) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= len(f.Text) }
	for _, d := range ds {
		if !ok(d.Span) {
			t.Errorf("span %v outside the %d-byte file: %s", d.Span, len(f.Text), d.Message)
		}
		for _, r := range d.Related {
			if !ok(r.Span) {
				t.Errorf("related span %v outside the %d-byte file: %s", r.Span, len(f.Text), r.Message)
			}
		}
		if d.Source != Source || d.Code == "" || d.Message == "" {
			t.Errorf("diagnostic without source, code or message: %+v", d)
		}
	}
}

// TestGolden parses real bpftrace 0.17 and 0.23 output captured in
// testdata/parse: each archive holds the program (prog.bt), bpftrace's
// exit status and output, and the diagnostics ken makes of them (want).
// The program path given to the parser differs from the one in the
// output except for its base name, as with the chroot wrapper.
func TestGolden(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "parse", "*.txtar"))
	if len(paths) == 0 {
		t.Fatal("no testdata/parse/*.txtar")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			a := readArchive(t, path)
			status, err := strconv.Atoi(strings.TrimSpace(a.sections["status"]))
			if err != nil {
				t.Fatalf("bad status section: %v", err)
			}
			f := source.NewFile("/home/user/prog.bt", []byte(a.sections["prog.bt"]))
			ds, first := verdict(f, "/tmp/ken-bpftrace-1/prog.bt", []byte(a.sections["output"]), status, "")
			checkSpans(t, f, ds)
			checkSpans(t, f, Parse(f, "/tmp/ken-bpftrace-1/prog.bt", []byte(a.sections["output"])))
			if rejects := diag.HasErrors(ds); rejects != (status != 0) {
				t.Errorf("status %d but errors=%v", status, rejects)
			}
			got := render(f, ds, first)
			if *update {
				a.set("want", got)
				if err := os.WriteFile(path, a.bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := a.sections["want"]; got != want {
				t.Errorf("diagnostics differ (run with -update to accept)\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestShapes covers output shapes that the captured releases do not
// print but others do (0.24+ echo every line of a multi-line location,
// BUG lines, colour) and hostile or truncated output. Each expectation
// names the exact text the span covers.
func TestShapes(t *testing.T) {
	const prog = "BEGIN {\n\t@x = foo(1);\n  @y = 1 +\n    2;\n}\n"
	tests := []struct {
		name, output string
		want         []string // "severity text-covered message", one per diagnostic, sorted
	}{
		{"tab columns", "p.bt:2:7-10: ERROR: Unknown function: foo\n    @x = foo(1);\n         ~~~\n",
			[]string{`error "foo" Unknown function: foo`}},
		{"multi-line location with echo (0.24+)", "p.bt:3-4: ERROR: Type mismatch\n  @y = 1 +\n    2;\n",
			[]string{`error "@y = 1 +\n    2;" Type mismatch`}},
		{"colour", "\x1b[31mp.bt:2:2-4: ERROR: bad map\x1b[0m\n    @x = foo(1);\n    ~~\n",
			[]string{`error "@x" bad map`}},
		{"bug", "BUG: [codegen.cpp:12] unreachable\n",
			[]string{`error "BEGIN {" bpftrace bug: [codegen.cpp:12] unreachable (bpftrace gave no position)`}},
		{"line past the end", "p.bt:99:1-2: ERROR: far away\n",
			[]string{`error "BEGIN {" far away (bpftrace gave line 99, which this file does not have)`}},
		{"columns past the line", "p.bt:1:5-500: WARNING: wide\n",
			[]string{`warning "N {" wide`}},
		{"reversed columns", "p.bt:2:9-3: ERROR: reversed\n",
			[]string{`error "" reversed`}},
		{"unreadable number", "p.bt:99999999999999999999:1-2: ERROR: huge\n",
			[]string{`error "BEGIN {" huge (bpftrace gave an unreadable position)`}},
		{"continuation and hint", "p.bt:2:7-10: ERROR: Cannot call function 'foo'\nHINT: Candidate function:\n  foo(int64)\n",
			[]string{`error "foo" Cannot call function 'foo' | hint: Candidate function:\n  foo(int64) @ "foo"`}},
		{"positioned hint", "p.bt:2:7-10: ERROR: bad\np.bt:2:2-4: HINT: try @y\n",
			[]string{`error "foo" bad | hint: try @y @ "@x"`}},
		{"repeat with a hint", "p.bt:2:7-10: ERROR: dup\np.bt:2:7-10: ERROR: dup\nHINT: h\n",
			[]string{`error "foo" dup | hint: h @ "foo"`}},
		{"hint alone", "HINT: think again\n",
			[]string{`hint "BEGIN {" hint: think again`}},
		{"clang note", "definitions.h:3:3: error: unknown type name 'x'\ndefinitions.h:1:1: note: declared here\n",
			[]string{`error "BEGIN {" unknown type name 'x' (at definitions.h:3:3 in the C definitions bpftrace generates from this file's #include lines and types) | note: declared here (at definitions.h:1:1 in the C definitions bpftrace generates from this file's #include lines and types) @ "BEGIN {"`}},
		{"clang in the program", "p.bt:2:2: error: odd\n",
			[]string{`error "@" odd`}},
		{"other bpftrace file", "stdin:1:1-3: ERROR: elsewhere\nfoo\n~~\n",
			[]string{`error "BEGIN {" elsewhere (at stdin:1:1-3)`}},
		{"unknown text", "something odd\n",
			[]string{`info "BEGIN {" bpftrace printed: something odd`}},
		{"crlf", "p.bt:2:7-10: ERROR: Unknown function: foo\r\n    @x = foo(1);\r\n         ~~~\r\n",
			[]string{`error "foo" Unknown function: foo`}},
		{"noise only", "ERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace.\nLog: invalid location.\n", nil},
		{"truncated", "p.bt:2:7-", []string{`info "BEGIN {" bpftrace printed: p.bt:2:7-`}},
	}
	f := source.NewFile("p.bt", []byte(prog))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := Parse(f, "/tmp/x/p.bt", []byte(tt.output))
			checkSpans(t, f, ds)
			var got []string
			for _, d := range ds {
				s := fmt.Sprintf("%s %q %s", d.Severity, f.Text[d.Span.Start:d.Span.End], escapeNewlines(d.Message))
				for _, r := range d.Related {
					s += fmt.Sprintf(" | %s @ %q", escapeNewlines(r.Message), f.Text[r.Span.Start:r.Span.End])
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func escapeNewlines(s string) string { return strings.ReplaceAll(s, "\n", `\n`) }

// TestVerdict covers what the exit status adds to the parsed output.
func TestVerdict(t *testing.T) {
	f := source.NewFile("p.bt", []byte("BEGIN { exit(); }\n"))
	tests := []struct {
		name, output string
		status       int
		signal       string
		want         string // the diagnostics, "severity: message" joined by "; "
	}{
		{"rejected silently", "", 1, "", "error: bpftrace rejected the program (exit status 1) without an error ken could read"},
		{"rejected with unknown text", "segfault handler\n", 2, "", "error: bpftrace rejected the program (exit status 2) without an error ken could read: segfault handler"},
		{"accepted with an error line", "ERROR: odd but harmless\n", 0, "", "warning: odd but harmless (bpftrace gave no position)"},
		{"crashed", "", -1, "killed by signal: segmentation fault", "error: bpftrace ended abnormally (killed by signal: segmentation fault)"},
		{"accepted with text", "note to self\n", 0, "", "info: bpftrace printed: note to self"},
	}
	for _, tt := range tests {
		ds, _ := verdict(f, "p.bt", []byte(tt.output), tt.status, tt.signal)
		var got []string
		for _, d := range ds {
			got = append(got, d.Severity.String()+": "+d.Message)
		}
		if strings.Join(got, "; ") != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, strings.Join(got, "; "), tt.want)
		}
	}
}
