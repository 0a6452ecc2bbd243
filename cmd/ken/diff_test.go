package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestWriteUnifiedDiff(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{name: "equal", old: "a\nb\n", new: "a\nb\n", want: ""},
		{name: "both empty", old: "", new: "", want: ""},
		{
			name: "from empty", old: "", new: "a\nb\n",
			want: "@@ -0,0 +1,2 @@\n+a\n+b\n",
		},
		{
			name: "to empty", old: "a\n", new: "",
			want: "@@ -1 +0,0 @@\n-a\n",
		},
		{
			name: "change in the middle",
			old:  "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
			new:  "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			want: "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
		},
		{
			name: "insertion at the top",
			old:  "a\nb\nc\nd\ne\n",
			new:  "x\na\nb\nc\nd\ne\n",
			want: "@@ -1,3 +1,4 @@\n+x\n a\n b\n c\n",
		},
		{
			name: "two hunks",
			old:  "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
			new:  "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n",
			want: "@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n",
		},
		{
			name: "changes six lines apart share a hunk",
			old:  "1\n2\n3\n4\n5\n6\n7\n8\n",
			new:  "one\n2\n3\n4\n5\n6\n7\neight\n",
			want: "@@ -1,8 +1,8 @@\n-1\n+one\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+eight\n",
		},
		{
			name: "no newline at the end",
			old:  "a\nb",
			new:  "a\nb\n",
			want: "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sb strings.Builder
			if err := writeUnifiedDiff(&sb, "x.orig", []byte(tt.old), "x", []byte(tt.new)); err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want != "" {
				want = "--- x.orig\n+++ x\n" + want
			}
			if sb.String() != want {
				t.Errorf("got:\n%s\nwant:\n%s", sb.String(), want)
			}
			if got := applyUnifiedDiff(t, tt.old, sb.String()); got != tt.new {
				t.Errorf("applying the diff gives %q, want %q", got, tt.new)
			}
		})
	}
}

// TestLineDiffRandom checks on random texts that the diff applies, and that
// its length is the shortest possible (computed by dynamic programming)
// while the cost stays below maxDiffCost.
func TestLineDiffRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	randomText := func(n int) string {
		var sb strings.Builder
		for range n {
			sb.WriteString(strconv.Itoa(r.IntN(4)))
			if r.IntN(20) > 0 {
				sb.WriteByte('\n')
			}
		}
		return sb.String()
	}
	for i := range 500 {
		old, new := randomText(r.IntN(30)), randomText(r.IntN(30))
		a, b := splitLines([]byte(old)), splitLines([]byte(new))
		ops := lineDiff(a, b)
		changes := 0
		for _, op := range ops {
			if op.kind != opEqual {
				changes++
			}
		}
		if want := len(a) + len(b) - 2*lcsLen(a, b); changes != want {
			t.Fatalf("case %d: %d changes, want %d\nold %q\nnew %q", i, changes, want, old, new)
		}
		var sb strings.Builder
		writeUnifiedDiff(&sb, "a", []byte(old), "b", []byte(new))
		if got := applyUnifiedDiff(t, old, sb.String()); got != new {
			t.Fatalf("case %d: applying the diff gives %q, want %q\n%s", i, got, new, sb.String())
		}
	}
}

// TestLineDiffOverCost checks the fallback for texts that differ more than
// maxDiffCost: the diff is longer than needed but still correct.
func TestLineDiffOverCost(t *testing.T) {
	var old, new strings.Builder
	for i := range 3 * maxDiffCost {
		fmt.Fprintf(&old, "old %d\n", i)
		fmt.Fprintf(&new, "new %d\n", i)
		if i%7 == 0 {
			fmt.Fprintf(&old, "same %d\n", i)
			fmt.Fprintf(&new, "same %d\n", i)
		}
	}
	var sb strings.Builder
	writeUnifiedDiff(&sb, "a", []byte(old.String()), "b", []byte(new.String()))
	if got := applyUnifiedDiff(t, old.String(), sb.String()); got != new.String() {
		t.Fatal("applying the fallback diff does not give the new text")
	}
}

func lcsLen(a, b [][]byte) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if bytes.Equal(a[i], b[j]) {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// applyUnifiedDiff applies a unified diff to old, checking that its hunk
// headers and context agree with old, and returns the new text.
func applyUnifiedDiff(t *testing.T, old, diff string) string {
	t.Helper()
	if diff == "" {
		return old
	}
	a := splitLines([]byte(old))
	lines := strings.SplitAfter(diff, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "--- ") || !strings.HasPrefix(lines[1], "+++ ") {
		t.Fatalf("bad header:\n%s", diff)
	}
	var out []string
	next := 0 // next line of a to copy
	for i := 2; i < len(lines) && lines[i] != ""; {
		m := hunkHeader.FindStringSubmatch(strings.TrimSuffix(lines[i], "\n"))
		if m == nil {
			t.Fatalf("bad hunk header %q", lines[i])
		}
		i++
		count := func(s string) int {
			if s == "" {
				return 1
			}
			n, _ := strconv.Atoi(s)
			return n
		}
		start, na, nb := count(m[1]), count(m[2]), count(m[4])
		if na > 0 {
			start-- // to 0-based; an empty range names the line before
		}
		for ; next < start; next++ {
			out = append(out, string(a[next]))
		}
		gotA, gotB := 0, 0
		for i < len(lines) && lines[i] != "" && !strings.HasPrefix(lines[i], "@@") {
			kind, line := lines[i][0], lines[i][1:]
			i++
			if i < len(lines) && lines[i] == "\\ No newline at end of file\n" {
				line = strings.TrimSuffix(line, "\n")
				i++
			}
			switch kind {
			case ' ', '-':
				if next >= len(a) || string(a[next]) != line {
					t.Fatalf("context/deleted line %q does not match old line %d", line, next+1)
				}
				next++
				gotA++
				if kind == ' ' {
					out = append(out, line)
					gotB++
				}
			case '+':
				out = append(out, line)
				gotB++
			default:
				t.Fatalf("bad diff line kind %q", kind)
			}
		}
		if gotA != na || gotB != nb {
			t.Fatalf("hunk %s counts %d,%d lines, header says %d,%d", m[0], gotA, gotB, na, nb)
		}
	}
	for ; next < len(a); next++ {
		out = append(out, string(a[next]))
	}
	return strings.Join(out, "")
}
