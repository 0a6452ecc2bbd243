package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
)

// diffContext is the number of unchanged lines shown around each change.
const diffContext = 3

// maxDiffCost bounds the work of lineDiff: beyond this many inserted plus
// deleted lines in the changed middle of two texts, it stops looking for a
// shortest edit script and replaces the whole middle instead. The result is
// still a correct diff, only a longer one, and the memory stays bounded
// (about maxDiffCost² integers) for huge, entirely different inputs.
const maxDiffCost = 1000

// opKind says what a diff operation does with one line.
type opKind byte

const (
	opEqual  opKind = ' '
	opDelete opKind = '-'
	opInsert opKind = '+'
)

// diffOp is one line of an edit script. A and B are the 0-based indexes in
// the old and new texts where the operation applies.
type diffOp struct {
	kind opKind
	a, b int
}

// splitLines splits text after each newline; the last line lacks one when
// the text does not end with a newline.
func splitLines(text []byte) [][]byte {
	var lines [][]byte
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n') + 1
		if i == 0 {
			i = len(text)
		}
		lines = append(lines, text[:i:i])
		text = text[i:]
	}
	return lines
}

// lineDiff returns an edit script that turns a into b: every line of a is
// kept or deleted and every line of b is kept or inserted, in order. The
// script is a shortest one (Myers' algorithm) unless the change is larger
// than maxDiffCost.
func lineDiff(a, b [][]byte) []diffOp {
	var ops []diffOp
	prefix := 0
	for prefix < len(a) && prefix < len(b) && bytes.Equal(a[prefix], b[prefix]) {
		ops = append(ops, diffOp{opEqual, prefix, prefix})
		prefix++
	}
	suffix := 0
	for suffix < len(a)-prefix && suffix < len(b)-prefix &&
		bytes.Equal(a[len(a)-1-suffix], b[len(b)-1-suffix]) {
		suffix++
	}
	ma, mb := a[prefix:len(a)-suffix], b[prefix:len(b)-suffix]
	for _, op := range myers(ma, mb) {
		ops = append(ops, diffOp{op.kind, op.a + prefix, op.b + prefix})
	}
	for i := suffix; i > 0; i-- {
		ops = append(ops, diffOp{opEqual, len(a) - i, len(b) - i})
	}
	return ops
}

// myers returns a shortest edit script from a to b, or a deletion of all of
// a followed by an insertion of all of b when that script would cost more
// than maxDiffCost.
func myers(a, b [][]byte) []diffOp {
	n, m := len(a), len(b)
	limit := min(n+m, maxDiffCost)
	off := limit + 1
	v := make([]int, 2*limit+3) // v[off+k]: furthest x on diagonal k = x-y
	var trace [][]int           // trace[d][k+d]: v for diagonals -d..d after round d
	for d := 0; d <= limit; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: insert b[y-1]
			} else {
				x = v[off+k-1] + 1 // right: delete a[x-1]
			}
			y := x - k
			for x < n && y < m && bytes.Equal(a[x], b[y]) {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, d)
			}
		}
		trace = append(trace, slices.Clone(v[off-d:off+d+1]))
	}
	ops := make([]diffOp, 0, n+m)
	for i := range n {
		ops = append(ops, diffOp{opDelete, i, 0})
	}
	for j := range m {
		ops = append(ops, diffOp{opInsert, n, j})
	}
	return ops
}

// backtrack walks the furthest-reaching paths of myers back from the end,
// which was reached in round dEnd, and returns the edit script in order.
func backtrack(a, b [][]byte, trace [][]int, dEnd int) []diffOp {
	var rev []diffOp
	x, y := len(a), len(b)
	for d := dEnd; d >= 0; d-- {
		k := x - y
		prevX, prevY := 0, 0
		if d > 0 {
			prev := trace[d-1] // prev[k+d-1] is diagonal k in round d-1
			prevK := k - 1
			if k == -d || (k != d && prev[k-1+d-1] < prev[k+1+d-1]) {
				prevK = k + 1
			}
			prevX = prev[prevK+d-1]
			prevY = prevX - prevK
		}
		for x > prevX && y > prevY {
			x, y = x-1, y-1
			rev = append(rev, diffOp{opEqual, x, y})
		}
		if d == 0 {
			break
		}
		if x == prevX {
			y--
			rev = append(rev, diffOp{opInsert, x, y})
		} else {
			x--
			rev = append(rev, diffOp{opDelete, x, y})
		}
	}
	slices.Reverse(rev)
	return rev
}

// writeUnifiedDiff prints the differences between old and new text as a
// unified diff with the given file names in its header, or nothing when the
// texts are equal. A last line without a newline is followed by the usual
// "\ No newline at end of file" marker.
func writeUnifiedDiff(w io.Writer, oldName string, oldText []byte, newName string, newText []byte) error {
	a, b := splitLines(oldText), splitLines(newText)
	ops := lineDiff(a, b)
	bw := bufio.NewWriter(w)
	header := false
	for i := 0; i < len(ops); {
		// Find the next change and extend the hunk while the unchanged run
		// between changes is short enough for both contexts to meet.
		for i < len(ops) && ops[i].kind == opEqual {
			i++
		}
		if i == len(ops) {
			break
		}
		start := max(0, i-diffContext)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != opEqual {
				end = j + 1
			} else if j-end >= 2*diffContext {
				break
			}
		}
		end = min(len(ops), end+diffContext)
		if !header {
			fmt.Fprintf(bw, "--- %s\n+++ %s\n", oldName, newName)
			header = true
		}
		var na, nb int
		for _, op := range ops[start:end] {
			if op.kind != opInsert {
				na++
			}
			if op.kind != opDelete {
				nb++
			}
		}
		fmt.Fprintf(bw, "@@ -%s +%s @@\n", hunkRange(ops[start].a, na), hunkRange(ops[start].b, nb))
		for _, op := range ops[start:end] {
			var line []byte
			if op.kind == opInsert {
				line = b[op.b]
			} else {
				line = a[op.a]
			}
			bw.WriteByte(byte(op.kind))
			bw.Write(line)
			if !bytes.HasSuffix(line, []byte("\n")) {
				bw.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return bw.Flush()
}

// hunkRange formats the 0-based first line and line count of one side of a
// hunk as diff -u does: "l" for one line, "l,n" otherwise, where an empty
// range names the line before it.
func hunkRange(first, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", first)
	case 1:
		return fmt.Sprintf("%d", first+1)
	}
	return fmt.Sprintf("%d,%d", first+1, count)
}
