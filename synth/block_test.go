package synth_test

import (
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/synth"
)

func prompts(text string) (*source.File, []synth.Prompt) {
	f := source.NewFile("t.bt", []byte(text))
	ast, _ := syntax.Parse(f)
	return f, synth.Prompts(f, ast)
}

func apply(text string, e synth.Edit) string {
	return text[:e.Span.Start] + e.NewText + text[e.Span.End:]
}

// TestPromptsAndBlocks: a generated block is inserted after its prompt,
// replaced when unedited, refused when edited, and nothing else moves.
func TestPromptsAndBlocks(t *testing.T) {
	text := "// count opens\n// per process\n\nBEGIN { printf(\"hi\\n\"); } // not a prompt\n"
	_, ps := prompts(text)
	if len(ps) != 1 || ps[0].Text != "count opens\nper process" || ps[0].Block != nil {
		t.Fatalf("prompts = %+v", ps)
	}
	block := synth.Render("tracepoint:syscalls:sys_enter_openat\n{\n  // one per open\n  @[comm] = count();\n}\n", "examples (x)", []string{"parse", "semantic"})
	e, err := ps[0].Place(block)
	if err != nil {
		t.Fatal(err)
	}
	once := apply(text, e)
	if !strings.HasPrefix(once, "// count opens\n// per process\n// ken: generated sha=") || !strings.HasSuffix(once, "\n\nBEGIN { printf(\"hi\\n\"); } // not a prompt\n") {
		t.Fatalf("after insertion:\n%s", once)
	}

	f, ps := prompts(once)
	if len(ps) != 1 || ps[0].Block == nil || ps[0].Block.Edited {
		t.Fatalf("prompts after insertion = %+v", ps)
	}
	ast, _ := syntax.Parse(f)
	inside := strings.Index(once, "@[comm]")
	if p, ok := synth.FindPrompt(f, ast, inside); !ok || p.Text != ps[0].Text {
		t.Errorf("the block's code does not lead back to its prompt")
	}
	e, err = ps[0].Place(synth.Render("BEGIN { exit(); }", "a model", nil))
	if err != nil {
		t.Fatal(err)
	}
	twice := apply(once, e)
	if strings.Count(twice, "// ken: generated") != 1 || !strings.Contains(twice, "BEGIN { exit(); }") || strings.Contains(twice, "sys_enter_openat") {
		t.Fatalf("after regeneration:\n%s", twice)
	}

	edited := strings.Replace(once, "count();", "count(); // mine", 1)
	_, ps = prompts(edited)
	if !ps[0].Block.Edited {
		t.Fatal("a hand edit went unnoticed")
	}
	if _, err := ps[0].Place(block); err == nil || !strings.Contains(err.Error(), "edited by hand") {
		t.Errorf("Place over an edited block: %v", err)
	}
}

// TestNotPrompts: annotations, markers and comments in code are not prompts.
func TestNotPrompts(t *testing.T) {
	for _, text := range []string{
		"//@ assert pid > 0\n",
		"BEGIN {\n  // inside a probe\n  exit();\n}\n",
		"// ken: end of generated code\n",
		"BEGIN { exit(); } // after code\n",
	} {
		if _, ps := prompts(text); len(ps) != 0 {
			t.Errorf("%q: prompts %+v", text, ps)
		}
	}
}
