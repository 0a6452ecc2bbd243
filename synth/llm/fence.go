package llm

import "strings"

// fence is a fenced code block of a Markdown reply.
type fence struct {
	open  int    // start of the opening fence line
	after int    // just past the closing fence line, or the segment's end
	body  span   // the lines between the fences
	tag   string // first word of the info string, lowercased; "" when none
}

// bpftraceTags are the info-string tags that claim a block is bpftrace.
var bpftraceTags = map[string]bool{"bpftrace": true, "bt": true}

// shellTags are the tags of blocks that hold shell commands.
var shellTags = map[string]bool{
	"sh": true, "bash": true, "shell": true, "console": true, "zsh": true,
	"terminal": true, "shell-session": true, "shellsession": true,
}

// findFences returns the fenced blocks of seg in order. An unclosed fence
// (a truncated reply) runs to the end of the segment.
func findFences(text string, seg span) []fence {
	var out []fence
	for i := seg.start; i < seg.end; {
		eol := endOfLine(text, i, seg.end)
		ch, n, info, ok := fenceOpen(text[i:eol])
		if !ok {
			i = eol + 1
			continue
		}
		bodyStart := min(eol+1, seg.end)
		bodyEnd, after := fenceClose(text, bodyStart, seg.end, ch, n)
		out = append(out, fence{open: i, after: after, body: span{bodyStart, bodyEnd}, tag: infoTag(info)})
		i = after
	}
	return out
}

// fenceOpen reports whether line opens a fence, with its character, length
// and info string. Indentation is allowed (replies nest blocks in lists);
// a backtick fence whose info string holds a backtick is inline code.
func fenceOpen(line string) (ch byte, n int, info string, ok bool) {
	t := strings.TrimLeft(line, " \t")
	if len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return 0, 0, "", false
	}
	ch = t[0]
	for n < len(t) && t[n] == ch {
		n++
	}
	info = strings.TrimSpace(t[n:])
	if n < 3 || ch == '`' && strings.Contains(info, "`") {
		return 0, 0, "", false
	}
	return ch, n, info, true
}

// fenceClose finds the line closing a fence of n ch characters, from the
// line starting at from. It returns where the body ends and where the text
// after the closing line starts; both are limit when the fence is unclosed.
func fenceClose(text string, from, limit int, ch byte, n int) (bodyEnd, after int) {
	for i := from; i < limit; {
		eol := endOfLine(text, i, limit)
		t := strings.TrimSpace(text[i:eol])
		if len(t) >= n && strings.Trim(t, string(ch)) == "" {
			return i, min(eol+1, limit)
		}
		i = eol + 1
	}
	return limit, limit
}

// infoTag returns the language of an info string: its first word,
// lowercased, without the braces and dot of the {.lang} form.
func infoTag(info string) string {
	fields := strings.Fields(info)
	if len(fields) == 0 {
		return ""
	}
	return strings.ToLower(strings.Trim(fields[0], "{}.,;:"))
}

// endOfLine returns the index of the newline ending the line at i, or limit.
func endOfLine(text string, i, limit int) int {
	if nl := strings.IndexByte(text[i:limit], '\n'); nl >= 0 {
		return i + nl
	}
	return limit
}
