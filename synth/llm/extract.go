package llm

import (
	"fmt"
	"regexp"
	"strings"
)

// Extract returns the bpftrace program in a model's reply, or an error
// wrapping ErrNoProgram with a short reason.
//
// The reply's line endings are normalised to "\n" first, and the program
// returned is always a piece of that normalised text, from the start of its
// first non-blank line to its last non-space character: nothing is
// re-indented or rewritten, so positions stay meaningful.
//
// Reasoning between <think> and </think> (or <thinking> tags) is never
// searched; a reply that opens with a bare </think> has everything before it
// treated as reasoning, as some chat templates supply the opening tag.
//
// Candidates fall into four tiers; the best is taken by tier, then length
// (the longest), then position (the first):
//
//  1. fenced blocks (``` or ~~~) tagged bpftrace or bt that look like a
//     program, that is contain a probe header with a body, such as
//     `kprobe:f {`, `tracepoint:a:b /pred/ {` or `BEGIN {`;
//  2. other fenced blocks that look like a program, cut down to the program
//     when they wrap it in commands (a heredoc, a prompt); and the program
//     text of shell commands `bpftrace ... -e '...'` in fenced blocks. A
//     reply often answers with a one-liner, and its -e text is the program:
//     it is taken when single-quoted, or double-quoted without backslashes,
//     where the shell passes it unchanged. (A block tagged bpftrace that
//     starts with such a command ranks in tier 1.)
//  3. programs in prose outside fences: from the first line that starts
//     one (a probe header, a bpftrace shebang, #include or #define, a
//     struct/union/enum definition, a config block; with the // comment lines
//     just above it) to the last } that closes a top-level block before the
//     text turns back into prose. Braces inside strings and comments do not
//     count. A program cut off inside a block (a truncated reply) runs to the
//     end of the text, so that the checker, not the extractor, reports it.
//     Shell one-liners in prose count here too;
//  4. last, fenced blocks tagged bpftrace or bt that do not look like a
//     program (a fragment): the model said it was bpftrace, and the checker's
//     complaint about it is more use to the next trial than no program at all.
func Extract(reply string) (string, error) {
	text := normalizeNewlines(reply)
	if strings.TrimSpace(text) == "" {
		return "", noProgram("the reply is empty")
	}
	segs := outsideThink(text)
	var cands []candidate
	var fences []fence
	for _, seg := range segs {
		c, f := candidatesIn(text, seg)
		cands = append(cands, c...)
		fences = append(fences, f...)
	}
	if best, ok := pick(cands); ok {
		return text[best.start:best.end], nil
	}
	return "", noProgram(whyNone(text, segs, fences))
}

// noProgram wraps ErrNoProgram with a reason.
func noProgram(why string) error {
	return fmt.Errorf("llm: %w: %s", ErrNoProgram, why)
}

// whyNone explains why no candidate was found.
func whyNone(text string, segs []span, fences []fence) string {
	outside := 0
	for _, s := range segs {
		outside += len(strings.TrimSpace(text[s.start:s.end]))
	}
	switch {
	case outside == 0:
		return "the reply holds only reasoning in <think> blocks"
	case len(fences) > 0:
		return fmt.Sprintf("none of its %d code blocks looks like bpftrace (tags: %s)", len(fences), fenceTags(fences))
	}
	return "no line starts a probe (such as `kprobe:name {` or `BEGIN {`)"
}

// fenceTags lists the tags of blocks for a message, "none" for untagged.
func fenceTags(fences []fence) string {
	tags := make([]string, len(fences))
	for i, f := range fences {
		tags[i] = f.tag
		if tags[i] == "" {
			tags[i] = "none"
		}
	}
	return strings.Join(tags, ", ")
}

// normalizeNewlines turns CRLF and lone CR into LF.
func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// span is a byte range [start, end) of the normalised reply.
type span struct{ start, end int }

// Tiers of candidates; a higher tier wins. They are Extract's tiers 4 to 1.
const (
	tierFragment = 1 + iota // tagged bpftrace, not program-like
	tierProse               // in prose outside fences
	tierFenced              // another fenced block, or a -e program in one
	tierTagged              // tagged bpftrace or bt, program-like
)

// candidate is a possible program.
type candidate struct {
	span
	tier int
}

// pick returns the best candidate: highest tier, then longest, then first.
func pick(cands []candidate) (candidate, bool) {
	var best candidate
	found := false
	for _, c := range cands {
		better := !found || c.tier > best.tier ||
			c.tier == best.tier && c.end-c.start > best.end-best.start
		if better {
			best, found = c, true
		}
	}
	return best, found
}

var thinkTag = regexp.MustCompile(`(?i)<(/?)think(?:ing)?>`)

// outsideThink returns the parts of text that are not reasoning.
func outsideThink(text string) []span {
	tags := thinkTag.FindAllStringSubmatchIndex(text, -1)
	var segs []span
	pos := 0
	if len(tags) > 0 && tags[0][3] > tags[0][2] {
		// A closing tag first: the template opened the block.
		pos = tags[0][1]
		tags = tags[1:]
	}
	open := -1
	for _, t := range tags {
		closing := t[3] > t[2]
		switch {
		case !closing && open < 0:
			segs = append(segs, span{pos, t[0]})
			open = t[1]
		case closing && open >= 0:
			pos, open = t[1], -1
		}
	}
	if open < 0 {
		segs = append(segs, span{pos, len(text)})
	}
	return segs
}

// candidatesIn finds the candidates in one segment, and its fenced blocks.
func candidatesIn(text string, seg span) ([]candidate, []fence) {
	fences := findFences(text, seg)
	var cands []candidate
	add := func(s span, tier int) {
		if s = trimSpan(text, s); s.end > s.start {
			cands = append(cands, candidate{s, tier})
		}
	}
	prose := func(gap span) {
		for _, s := range append(inProse(text, gap), shellPrograms(text, gap)...) {
			if looksLikeProgram(text, s) {
				add(s, tierProse)
			}
		}
	}
	gapStart := seg.start
	for _, f := range fences {
		prose(span{gapStart, f.open})
		fencedCandidates(text, f, add)
		gapStart = f.after
	}
	prose(span{gapStart, seg.end})
	return cands, fences
}

// fencedCandidates adds the candidates in one fenced block.
func fencedCandidates(text string, f fence, add func(span, int)) {
	tier := tierFenced
	if bpftraceTags[f.tag] {
		tier = tierTagged
	}
	if shellTags[f.tag] || startsWithCommand(text, f.body) {
		found := false
		for _, s := range shellPrograms(text, f.body) {
			if looksLikeProgram(text, s) {
				add(s, tier)
				found = true
			}
		}
		if found {
			return
		}
	}
	switch {
	case !looksLikeProgram(text, f.body):
		if tier == tierTagged {
			add(f.body, tierFragment)
		}
	case tier == tierTagged:
		add(f.body, tier)
	default:
		// An untagged or shell block may wrap the program in commands
		// (a heredoc, a prompt); take the program itself when it can be
		// told apart.
		found := false
		for _, s := range inProse(text, f.body) {
			if looksLikeProgram(text, s) {
				add(s, tier)
				found = true
			}
		}
		if !found {
			add(f.body, tier)
		}
	}
}

// trimSpan drops blank lines before s and trailing white space after it.
func trimSpan(text string, s span) span {
	for s.start < s.end {
		nl := strings.IndexByte(text[s.start:s.end], '\n')
		if nl < 0 || strings.TrimSpace(text[s.start:s.start+nl]) != "" {
			break
		}
		s.start += nl + 1
	}
	for s.end > s.start && isSpace(text[s.end-1]) {
		s.end--
	}
	if strings.TrimSpace(text[s.start:s.end]) == "" {
		return span{s.start, s.start}
	}
	return s
}

// isSpace reports ASCII white space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f'
}
