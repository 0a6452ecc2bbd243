package lsp

import (
	"testing"

	"go.lsp.dev/protocol"
)

// TestFoldingRanges folds probe bodies and inner blocks up to the line
// before their closing brace, runs of // lines, block comments and
// #include runs, and leaves single lines alone.
func TestFoldingRanges(t *testing.T) {
	c := startServer(t, testSettings())
	const text = `#include <linux/sched.h>
#include <linux/fs.h>
// Count reads
// by process.
kprobe:vfs_read
{
	if (pid > 1) {
		@reads[comm] = count();
	} else {
		@other = count(); // a trailing comment
		// not joined to the one above
	}
}
/*
 * the end
 */
END { clear(@reads); }
`
	uri := protocol.DocumentURI("file:///tmp/fold.bt")
	c.open(uri, text)
	var got []protocol.FoldingRange
	c.call("textDocument/foldingRange", map[string]any{"textDocument": map[string]any{"uri": uri}}, &got)
	want := []protocol.FoldingRange{
		{StartLine: 0, EndLine: 1, Kind: protocol.ImportsFoldingRange},
		{StartLine: 2, EndLine: 3, Kind: protocol.CommentFoldingRange},
		{StartLine: 4, EndLine: 11},
		{StartLine: 6, EndLine: 7},
		{StartLine: 8, EndLine: 10},
		{StartLine: 13, EndLine: 15, Kind: protocol.CommentFoldingRange},
	}
	if len(got) != len(want) {
		t.Fatalf("folding ranges = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("range %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
