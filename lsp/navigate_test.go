package lsp

import (
	"errors"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// navProgram uses the map @start in two probes and a variable $x in each
// of them: the two $x are different variables.
const navProgram = `BEGIN
{
	@start = nsecs;
	$x = 1;
	printf("%d\n", $x);
}

kprobe:vfs_read
{
	$x = 2;
	@start = @start + $x;
	@count[comm] = count();
	print(@start);
}
`

// navPos returns the position of the n-th (0-based) occurrence of needle in
// an ASCII text.
func navPos(t *testing.T, text, needle string, n int) protocol.Position {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		j := strings.Index(text[off+1:], needle)
		if j < 0 {
			t.Fatalf("%q has no occurrence %d of %q", text, n, needle)
		}
		off += 1 + j
	}
	line := strings.Count(text[:off], "\n")
	return pos(uint32(line), uint32(off-strings.LastIndex(text[:off], "\n")-1))
}

// navRange returns the range of the n-th occurrence of needle.
func navRange(t *testing.T, text, needle string, n int) protocol.Range {
	t.Helper()
	p := navPos(t, text, needle, n)
	return protocol.Range{Start: p, End: pos(p.Line, p.Character+uint32(len(needle)))}
}

func openNav(t *testing.T) (*testClient, protocol.DocumentURI) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/nav.bt")
	c.open(uri, navProgram)
	return c, uri
}

func navParams(uri protocol.DocumentURI, p protocol.Position) protocol.TextDocumentPositionParams {
	return protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: p}
}

func locRanges(locs []protocol.Location) []protocol.Range {
	out := make([]protocol.Range, len(locs))
	for i, l := range locs {
		out[i] = l.Range
	}
	return out
}

func equalRanges(got, want []protocol.Range) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// TestDefinition goes from a map read in one probe to its first write in
// another, and from each $x to its own probe's assignment.
func TestDefinition(t *testing.T) {
	c, uri := openNav(t)
	tests := []struct {
		name string
		from protocol.Position
		want protocol.Range
	}{
		{"map read in another probe", navPos(t, navProgram, "@start", 3), navRange(t, navProgram, "@start", 0)},
		{"map written again", navPos(t, navProgram, "@start", 1), navRange(t, navProgram, "@start", 0)},
		{"$x in BEGIN", navPos(t, navProgram, "$x", 1), navRange(t, navProgram, "$x", 0)},
		{"$x in kprobe", navPos(t, navProgram, "$x", 3), navRange(t, navProgram, "$x", 2)},
		{"cursor at the end of the name", pos(navPos(t, navProgram, "$x", 3).Line, navPos(t, navProgram, "$x", 3).Character+2), navRange(t, navProgram, "$x", 2)},
	}
	for _, tt := range tests {
		var locs []protocol.Location
		c.call("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: navParams(uri, tt.from)}, &locs)
		if len(locs) != 1 || locs[0].Range != tt.want || locs[0].URI != uri {
			t.Errorf("%s: definition = %+v, want %+v", tt.name, locs, tt.want)
		}
	}
	var none []protocol.Location
	c.call("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: navParams(uri, navPos(t, navProgram, "nsecs", 0))}, &none)
	if len(none) != 0 {
		t.Errorf("definition of a builtin = %+v, want none", none)
	}
}

// TestReferences lists a map's uses across probes, and a variable's uses
// in its own probe only.
func TestReferences(t *testing.T) {
	c, uri := openNav(t)
	allStart := []protocol.Range{
		navRange(t, navProgram, "@start", 0), navRange(t, navProgram, "@start", 1),
		navRange(t, navProgram, "@start", 2), navRange(t, navProgram, "@start", 3),
	}
	tests := []struct {
		name        string
		from        protocol.Position
		declaration bool
		want        []protocol.Range
	}{
		{"map with declaration", navPos(t, navProgram, "@start", 2), true, allStart},
		{"map without declaration", navPos(t, navProgram, "@start", 2), false, allStart[1:]},
		{"$x of BEGIN", navPos(t, navProgram, "$x", 0), true, []protocol.Range{navRange(t, navProgram, "$x", 0), navRange(t, navProgram, "$x", 1)}},
		{"$x of kprobe", navPos(t, navProgram, "$x", 3), true, []protocol.Range{navRange(t, navProgram, "$x", 2), navRange(t, navProgram, "$x", 3)}},
		{"$x of kprobe without declaration", navPos(t, navProgram, "$x", 2), false, []protocol.Range{navRange(t, navProgram, "$x", 3)}},
	}
	for _, tt := range tests {
		var locs []protocol.Location
		c.call("textDocument/references", protocol.ReferenceParams{
			TextDocumentPositionParams: navParams(uri, tt.from),
			Context:                    protocol.ReferenceContext{IncludeDeclaration: tt.declaration},
		}, &locs)
		if got := locRanges(locs); !equalRanges(got, tt.want) {
			t.Errorf("%s: references = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestDocumentHighlight marks writes and reads apart.
func TestDocumentHighlight(t *testing.T) {
	c, uri := openNav(t)
	w, r := protocol.DocumentHighlightKindWrite, protocol.DocumentHighlightKindRead
	tests := []struct {
		name  string
		from  protocol.Position
		want  []protocol.Range
		kinds []protocol.DocumentHighlightKind
	}{
		{"map", navPos(t, navProgram, "@start", 0), []protocol.Range{
			navRange(t, navProgram, "@start", 0), navRange(t, navProgram, "@start", 1),
			navRange(t, navProgram, "@start", 2), navRange(t, navProgram, "@start", 3),
		}, []protocol.DocumentHighlightKind{w, w, r, r}},
		{"$x of kprobe", navPos(t, navProgram, "$x", 2), []protocol.Range{
			navRange(t, navProgram, "$x", 2), navRange(t, navProgram, "$x", 3),
		}, []protocol.DocumentHighlightKind{w, r}},
	}
	for _, tt := range tests {
		var hs []protocol.DocumentHighlight
		c.call("textDocument/documentHighlight", protocol.DocumentHighlightParams{TextDocumentPositionParams: navParams(uri, tt.from)}, &hs)
		if len(hs) != len(tt.want) {
			t.Fatalf("%s: highlights = %+v, want %d", tt.name, hs, len(tt.want))
		}
		for i, h := range hs {
			if h.Range != tt.want[i] || h.Kind != tt.kinds[i] {
				t.Errorf("%s: highlight %d = %+v, want %+v kind %v", tt.name, i, h, tt.want[i], tt.kinds[i])
			}
		}
	}
}

// TestPrepareRename answers a name's range, and refuses builtins and
// attach points with an error that says what can be renamed.
func TestPrepareRename(t *testing.T) {
	c, uri := openNav(t)
	var r protocol.Range
	c.call("textDocument/prepareRename", protocol.PrepareRenameParams{TextDocumentPositionParams: navParams(uri, navPos(t, navProgram, "start", 2))}, &r)
	if want := navRange(t, navProgram, "@start", 2); r != want {
		t.Errorf("prepareRename range = %+v, want %+v", r, want)
	}
	for _, refused := range []string{"nsecs", "vfs_read", "count()", "printf"} {
		err := c.callErr("textDocument/prepareRename", protocol.PrepareRenameParams{TextDocumentPositionParams: navParams(uri, navPos(t, navProgram, refused, 0))})
		if err == nil || !strings.Contains(err.Error(), "can be renamed") {
			t.Errorf("prepareRename on %s: err = %v, want a refusal", refused, err)
		}
	}
}

// renameAt renames what is at p and returns the edit's single document
// change.
func renameAt(t *testing.T, c *testClient, uri protocol.DocumentURI, p protocol.Position, name string) protocol.TextDocumentEdit {
	t.Helper()
	var edit protocol.WorkspaceEdit
	c.call("textDocument/rename", protocol.RenameParams{TextDocumentPositionParams: navParams(uri, p), NewName: name}, &edit)
	if len(edit.DocumentChanges) != 1 {
		t.Fatalf("rename to %s: %+v, want one document change", name, edit)
	}
	return edit.DocumentChanges[0]
}

// TestRenameMap renames every occurrence of a map, in an edit bound to
// the current version.
func TestRenameMap(t *testing.T) {
	c, uri := openNav(t)
	change := renameAt(t, c, uri, navPos(t, navProgram, "@start", 3), "@begin_ns")
	if change.TextDocument.Version == nil || *change.TextDocument.Version != 1 || change.TextDocument.URI != uri {
		t.Errorf("edit bound to %+v, want %s version 1", change.TextDocument, uri)
	}
	if len(change.Edits) != 4 {
		t.Fatalf("edits = %+v, want 4", change.Edits)
	}
	for i, e := range change.Edits {
		if want := navRange(t, navProgram, "@start", i); e.Range != want || e.NewText != "@begin_ns" {
			t.Errorf("edit %d = %+v, want @begin_ns at %+v", i, e, want)
		}
	}
	// After an edit the rename belongs to the new version.
	c.edit(uri, 2, protocol.Range{Start: pos(6, 0), End: pos(6, 0)}, "// a comment\n")
	change = renameAt(t, c, uri, pos(2, 2), "@t0")
	if *change.TextDocument.Version != 2 || len(change.Edits) != 4 || change.Edits[3].Range.Start.Line != 13 {
		t.Errorf("rename after an edit = %+v, want 4 edits at version 2", change)
	}
}

// TestRenameRefused refuses names of the wrong form and names in use.
func TestRenameRefused(t *testing.T) {
	c, uri := openNav(t)
	tests := []struct {
		from protocol.Position
		name string
		want string
	}{
		{navPos(t, navProgram, "@start", 0), "@count", "already used"},
		{navPos(t, navProgram, "@start", 0), "begin_ns", "@ followed by"},
		{navPos(t, navProgram, "@start", 0), "@1st", "@ followed by"},
		{navPos(t, navProgram, "$x", 0), "@x", "$ followed by"},
		{navPos(t, navProgram, "$x", 0), "$1", "$ followed by"},
		{navPos(t, navProgram, "nsecs", 0), "now", "can be renamed"},
	}
	for _, tt := range tests {
		err := c.callErr("textDocument/rename", protocol.RenameParams{TextDocumentPositionParams: navParams(uri, tt.from), NewName: tt.name})
		var rpc *jsonrpc2.Error
		if !errors.As(err, &rpc) || !strings.Contains(rpc.Message, tt.want) {
			t.Errorf("rename to %s: err = %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}

// TestRenameVariableInOneProbe renames $x in the kprobe and leaves the
// BEGIN probe's $x alone; a name used in the same probe is refused.
func TestRenameVariableInOneProbe(t *testing.T) {
	c, uri := openNav(t)
	change := renameAt(t, c, uri, navPos(t, navProgram, "$x", 3), "$y")
	want := []protocol.Range{navRange(t, navProgram, "$x", 2), navRange(t, navProgram, "$x", 3)}
	if len(change.Edits) != len(want) {
		t.Fatalf("edits = %+v, want %+v", change.Edits, want)
	}
	for i, e := range change.Edits {
		if e.Range != want[i] || e.NewText != "$y" {
			t.Errorf("edit %d = %+v, want $y at %+v", i, e, want[i])
		}
	}

	const twoVars = "BEGIN { $a = 1; $b = $a; }\nEND { $b = 2; }\n"
	other := protocol.DocumentURI("file:///tmp/vars.bt")
	c.open(other, twoVars)
	err := c.callErr("textDocument/rename", protocol.RenameParams{TextDocumentPositionParams: navParams(other, navPos(t, twoVars, "$a", 0)), NewName: "$b"})
	if err == nil || !strings.Contains(err.Error(), "already used in the same probe") {
		t.Errorf("rename $a to $b in the same probe: err = %v", err)
	}
	change = renameAt(t, c, other, navPos(t, twoVars, "$b", 1), "$a")
	if len(change.Edits) != 1 || change.Edits[0].Range != navRange(t, twoVars, "$b", 1) {
		t.Errorf("rename of END's $b to $a = %+v, want the one edit in END", change.Edits)
	}
}

// TestNavigateMacros follows a macro call to the macro, and treats a
// macro's parameter as local to the macro.
func TestNavigateMacros(t *testing.T) {
	c := startServer(t, testSettings())
	const text = "macro add_one(@m) { @m += 1 }\nBEGIN { @m = 1; add_one(@n); @n = 2 }\n"
	uri := protocol.DocumentURI("file:///tmp/macro.bt")
	c.open(uri, text)
	var locs []protocol.Location
	c.call("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: navParams(uri, navPos(t, text, "add_one", 1))}, &locs)
	if len(locs) != 1 || locs[0].Range != navRange(t, text, "add_one", 0) {
		t.Errorf("definition of a macro call = %+v", locs)
	}
	c.call("textDocument/references", protocol.ReferenceParams{
		TextDocumentPositionParams: navParams(uri, navPos(t, text, "@m", 1)),
		Context:                    protocol.ReferenceContext{IncludeDeclaration: true},
	}, &locs)
	if got := locRanges(locs); !equalRanges(got, []protocol.Range{navRange(t, text, "@m", 0), navRange(t, text, "@m", 1)}) {
		t.Errorf("references of a macro parameter = %+v", got)
	}
	c.call("textDocument/references", protocol.ReferenceParams{
		TextDocumentPositionParams: navParams(uri, navPos(t, text, "@m", 2)),
		Context:                    protocol.ReferenceContext{IncludeDeclaration: true},
	}, &locs)
	if got := locRanges(locs); !equalRanges(got, []protocol.Range{navRange(t, text, "@m", 2)}) {
		t.Errorf("references of the global @m = %+v, want only its own", got)
	}
}
