package llm

import (
	"regexp"
	"strings"
)

// bpftraceCommand finds the word bpftrace used as a command: at a line's
// start or after a prompt, sudo, a path, a quote or a shell operator.
var bpftraceCommand = regexp.MustCompile("(?:^|[\\s/'\"`(;|&$])bpftrace[ \\t]")

// shellPrograms returns the programs of the `bpftrace ... -e PROGRAM`
// commands in s. PROGRAM is taken when single-quoted, or double-quoted
// without backslashes: in both cases the shell passes the text unchanged,
// so the span is the program itself.
func shellPrograms(text string, s span) []span {
	var out []span
	for _, m := range bpftraceCommand.FindAllStringIndex(text[s.start:s.end], -1) {
		if len(out) > 0 && s.start+m[0] < out[len(out)-1].end {
			continue // inside the program just found
		}
		if p, ok := programArg(text, s.start+m[1], s.end); ok {
			out = append(out, p)
		}
	}
	return out
}

// maxWordsBeforeE bounds the words searched for -e after "bpftrace", so that
// a long line repeating the word cannot make the search quadratic; real
// commands put a few options first.
const maxWordsBeforeE = 12

// programArg finds the -e argument among the words after a bpftrace command
// at i, on the same logical line, and returns the span of its quoted text.
func programArg(text string, i, limit int) (span, bool) {
	for range maxWordsBeforeE {
		i = skipBlanks(text, i, limit)
		if i >= limit || text[i] == '\n' {
			return span{}, false
		}
		word := i
		for i < limit && !strings.ContainsRune(" \t\n", rune(text[i])) {
			i++
		}
		if text[word:i] == "-e" {
			return quotedArg(text, skipBlanks(text, i, limit), limit)
		}
	}
	return span{}, false
}

// skipBlanks skips spaces, tabs and backslash-newline continuations.
func skipBlanks(text string, i, limit int) int {
	for i < limit {
		switch {
		case text[i] == ' ' || text[i] == '\t':
			i++
		case text[i] == '\\' && i+1 < limit && text[i+1] == '\n':
			i += 2
		default:
			return i
		}
	}
	return i
}

// quotedArg returns the inside of the quoted shell word at i.
func quotedArg(text string, i, limit int) (span, bool) {
	if i >= limit || (text[i] != '\'' && text[i] != '"') {
		return span{}, false
	}
	q := text[i]
	end := strings.IndexByte(text[i+1:limit], q)
	if end < 0 {
		return span{}, false
	}
	body := span{i + 1, i + 1 + end}
	if q == '"' && strings.Contains(text[body.start:body.end], `\`) {
		return span{}, false // the shell would rewrite the escapes
	}
	return body, true
}

// startsWithCommand reports whether the first non-blank line of s runs
// bpftrace, after an optional prompt and sudo: such a block is a command
// even when tagged bpftrace.
func startsWithCommand(text string, s span) bool {
	for i := s.start; i < s.end; {
		eol := endOfLine(text, i, s.end)
		t := strings.TrimSpace(text[i:eol])
		if t == "" {
			i = eol + 1
			continue
		}
		t = strings.TrimLeft(t, "$#> ")
		t = strings.TrimPrefix(t, "sudo ")
		t = strings.TrimLeft(t, " ")
		word, _, _ := strings.Cut(t, " ")
		return word == "bpftrace" || strings.HasSuffix(word, "/bpftrace")
	}
	return false
}
