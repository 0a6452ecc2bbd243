package retrieve

import (
	"strings"
	"unicode"
)

// A term is one normalised word of a text, with the text it came from so a
// hit can be explained in the user's own words.
type term struct {
	key     string // what is indexed: stemmed, canonical synonym, or a whole identifier
	surface string // the words as written, for explanations
	synonym bool   // key is another word's: a phrase or a synonym matched
}

// stopWords are words that say nothing about what a probe should do. They
// are checked on the lower-cased word before stemming. Several of them
// ("how", "take") still take part in phrases such as "how long" and
// "time taken", which are matched first.
var stopWords = toSet(`a about after all also an and any are as at be been
	before being but by can could did do does doing each every for from get
	give given has have having how i if in into is it its just let like me my
	need of on or our over per please should so some take taken takes taking than
	that the their them then there these they this those through to took
	under until up us using via want was we were what when where whenever which
	while who whose why will with would you your`)

// phrases map multi-word expressions to one canonical term. Keys are
// written plainly here and stemmed when the table is built, so "system
// calls" and "system call" both match.
var phraseList = map[string]string{
	"time taken":        "latency",
	"time spent":        "latency",
	"how long":          "latency",
	"response time":     "latency",
	"system call":       "syscall",
	"sys call":          "syscall",
	"i o":               "disk", // "I/O" splits into "i" and "o"; in tracing it means block I/O
	"block device":      "disk",
	"run queue":         "runq",
	"page fault":        "pagefault",
	"context switch":    "cswitch",
	"how many":          "count",
	"number of":         "count",
	"return value":      "return",
	"file descriptor":   "fd",
	"out of memory":     "oom",
	"round trip":        "rtt",
	"new process":       "exec",
	"process id":        "process",
	"process name":      "process",
	"kernel function":   "kfunc",
	"network interface": "netdev",
}

// synonymGroups list words that mean the same thing in bpftrace prompts;
// the first word of each group is the canonical term. Words are stemmed
// when the table is built.
var synonymGroups = [][]string{
	{"latency", "duration", "elapsed", "delay", "slow", "slowness"},
	{"open", "openat", "openat2"},
	{"disk", "block", "blk", "bio", "io", "storage", "biolatency"},
	{"process", "task", "proc", "comm", "command", "pid"},
	{"syscall", "sys", "syscalls"},
	{"connect", "connection", "connecting"},
	{"packet", "pkt", "skb", "datagram", "frame"},
	{"network", "net", "networking"},
	{"count", "tally", "frequency", "number"},
	{"histogram", "hist", "lhist", "distribution"},
	{"file", "filename", "path", "pathname"},
	{"write", "written", "wrote"},
	{"exec", "execve", "execveat", "execute", "execution", "launch", "spawn"},
	{"fork", "clone", "vfork"},
	{"signal", "sig"},
	{"sched", "schedule", "scheduler", "scheduling"},
	{"runq", "runqueue"},
	{"cpu", "processor"},
	{"memory", "mem", "ram"},
	{"alloc", "allocation", "allocate", "allocator"},
	{"free", "freed", "freeing"},
	{"error", "err", "errno", "fail", "failure", "failing"},
	{"size", "byte", "length", "len"},
	{"return", "ret", "retval"},
	{"user", "uid", "username"},
	{"retransmit", "retransmission", "retrans"},
	{"drop", "discard"},
	{"interrupt", "irq", "hardirq"},
	{"lock", "mutex", "spinlock"},
	{"pagefault", "fault"},
	{"socket", "sock", "sk"},
	{"address", "addr"},
	{"port", "dport", "sport", "lport"},
	{"dir", "directory", "folder"},
	{"delete", "unlink", "remove"},
	{"kfunc", "fentry"},
}

var (
	phrases  = buildPhrases()
	synonyms = buildSynonyms()
	// maxPhrase is the longest phrase in words, bounding the look-ahead.
	maxPhrase = longestPhrase()
	// phraseStarts holds the first stem of every phrase, so most words
	// are passed over without building candidate phrases.
	phraseStarts = firstWords()
)

func toSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

func buildPhrases() map[string]string {
	m := make(map[string]string, len(phraseList))
	for p, canon := range phraseList {
		m[stemWords(p)] = canon
	}
	return m
}

func buildSynonyms() map[string]string {
	m := map[string]string{}
	for _, group := range synonymGroups {
		for _, w := range group {
			m[stem(w)] = group[0]
		}
	}
	return m
}

func firstWords() map[string]bool {
	m := map[string]bool{}
	for p := range phrases {
		first, _, _ := strings.Cut(p, " ")
		m[first] = true
	}
	return m
}

func longestPhrase() int {
	n := 1
	for p := range phrases {
		n = max(n, strings.Count(p, " ")+1)
	}
	return n
}

// stemWords stems each word of a space-separated phrase.
func stemWords(p string) string {
	ws := strings.Fields(p)
	for i, w := range ws {
		ws[i] = stem(w)
	}
	return strings.Join(ws, " ")
}

// analyse turns text (a prompt or a program) into index terms. Words are
// runs of letters and digits; a word that joins parts with '_' (an
// identifier such as tcp_v4_connect) is also kept whole, because naming
// the exact kernel function is the strongest evidence there is. Each part
// is lower-cased and stemmed; phrases are matched over the stemmed parts
// (stop words included, so "how long" counts), then stop words, numbers
// and single letters are dropped and synonyms become their canonical term.
func analyse(text string) []term {
	var terms []term
	var words []word
	for _, chunk := range strings.FieldsFunc(text, notIdent) {
		lower := strings.ToLower(strings.Trim(chunk, "_"))
		if strings.Contains(lower, "_") {
			terms = append(terms, term{key: lower, surface: lower})
		}
		for _, part := range strings.Split(lower, "_") {
			if part != "" {
				words = append(words, word{lower: part, stem: stem(part)})
			}
		}
	}
	return append(terms, canonical(words)...)
}

// A word is one lower-cased part of the text and its stem.
type word struct{ lower, stem string }

// canonical matches phrases greedily (longest first) and maps the remaining
// words through the stop-word list and the synonym table.
func canonical(words []word) []term {
	var terms []term
	for i := 0; i < len(words); {
		if t, n := phraseAt(words[i:]); n > 0 {
			terms = append(terms, t)
			i += n
			continue
		}
		w := words[i]
		i++
		if stopWords[w.lower] || len(w.lower) < 2 || isNumber(w.lower) {
			continue
		}
		t := term{key: w.stem, surface: w.lower}
		if c, ok := synonyms[w.stem]; ok {
			// "files" maps to "file" only because stems are not words;
			// "pid" maps to "process" as a true synonym.
			t.key, t.synonym = c, stem(c) != w.stem
		}
		terms = append(terms, t)
	}
	return terms
}

// phraseAt reports the longest phrase starting at words[0] and how many
// words it spans (0 when none does).
func phraseAt(words []word) (term, int) {
	if !phraseStarts[words[0].stem] {
		return term{}, 0
	}
	for n := min(maxPhrase, len(words)); n >= 2; n-- {
		stems := make([]string, n)
		lowers := make([]string, n)
		for j := range n {
			stems[j], lowers[j] = words[j].stem, words[j].lower
		}
		if c, ok := phrases[strings.Join(stems, " ")]; ok {
			return term{key: c, surface: strings.Join(lowers, " "), synonym: true}, n
		}
	}
	return term{}, 0
}

func notIdent(r rune) bool {
	return !(r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// stem strips the English suffixes that matter for matching prompts:
// plurals, -ing and -ed, and a final silent e (so "trace", "traced" and
// "tracing" all become "trac"). It is deliberately tiny: a stem need not
// be a word, only the same for the forms a user writes. Words with digits
// (ipv4, openat2) and short words are left alone.
func stem(w string) string {
	if len(w) <= 3 || strings.ContainsFunc(w, unicode.IsDigit) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !hasAnySuffix(w, "ss", "us", "is"):
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "ing") && len(w) >= 6:
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed") && len(w) >= 5:
		w = undouble(w[:len(w)-2])
	}
	if len(w) >= 4 && strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "ee") {
		w = w[:len(w)-1]
	}
	return w
}

// undouble turns "dropp" (from "dropped") into "drop". Short stems keep
// their double letter so "added" stays "add", and l, s, z doubles are
// part of the word ("called", "passed").
func undouble(w string) string {
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
