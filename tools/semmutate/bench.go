package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kenlsp/ken/internal/benchtool"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/symbex"
)

// Statuses of an original program.
const (
	statusVerified         = "verified"
	statusKenRejected      = "ken-rejected"      // ken's analysis reports errors: not verified
	statusBpftraceRejected = "bpftrace-rejected" // the corpus verdict is wrong for this bpftrace
)

// original is what the benchmark learned about one corpus program.
type original struct {
	File   string `json:"file"`
	Status string `json:"status"`
	// Error is ken's first error or bpftrace's, for programs not verified.
	Error string `json:"error,omitempty"`
	// Elapsed is the median verification time (symbex only).
	Elapsed     time.Duration `json:"elapsed_ns"`
	Obligations int           `json:"obligations"`
	Refuted     []obligation  `json:"refuted,omitempty"`
	Unknown     []obligation  `json:"unknown,omitempty"`
	Mutants     int           `json:"mutants"`

	findings []finding
}

// obligation is a finding with its place, for people.
type obligation struct {
	Line           int    `json:"line"`
	Column         int    `json:"column"`
	Code           string `json:"code"`
	Claim          string `json:"claim"`
	Counterexample string `json:"counterexample,omitempty"`
}

// mutantResult is one kept mutant and the verifier's verdict on it.
type mutantResult struct {
	File     string `json:"file"` // the original
	Name     string `json:"name"` // as written with -o
	Operator string `json:"operator"`
	Line     int    `json:"line"` // of the change, in the original
	Change   string `json:"change"`
	// Before and After are line Line of the original and of the mutant.
	Before  string        `json:"before"`
	After   string        `json:"after"`
	Flagged bool          `json:"flagged"`
	New     []finding     `json:"new,omitempty"` // findings the original does not have
	Elapsed time.Duration `json:"elapsed_ns"`

	text []byte
}

// opStats counts one operator's mutants. Tried counts distinct mutated
// texts; each is rejected by ken, rejected by bpftrace, or kept.
type opStats struct {
	Operator         string         `json:"operator"`
	Candidates       int            `json:"candidates"`
	Tried            int            `json:"tried"`
	KenRejected      int            `json:"ken_rejected"`
	BpftraceRejected int            `json:"bpftrace_rejected"`
	Kept             int            `json:"kept"`
	Flagged          int            `json:"flagged"`
	ByCode           map[string]int `json:"flagged_by_code,omitempty"`
}

// Score is flagged / kept, 0 without kept mutants.
func (s opStats) Score() float64 {
	if s.Kept == 0 {
		return 0
	}
	return float64(s.Flagged) / float64(s.Kept)
}

// results is everything one run measured.
type results struct {
	Bpftrace  string         `json:"bpftrace"`
	Kernel    string         `json:"kernel"`
	Dialect   string         `json:"dialect"`
	Seed      uint64         `json:"seed"`
	PerFile   int            `json:"per_file"`
	Runs      int            `json:"runs"`
	NotOK     int            `json:"not_ok"` // files without the ok verdict, skipped
	WarmUp    time.Duration  `json:"warm_up_ns"`
	Operators []opStats      `json:"operators"`
	Originals []original     `json:"originals"`
	Mutants   []mutantResult `json:"mutants"`
}

// bench runs the measurement over the corpus.
type bench struct {
	o        *options
	cfg      analysis.Config
	compiler *compiler
	res      results
}

func semmutate(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	files, err := benchtool.CollectFiles(o.paths)
	if err != nil {
		return &benchtool.UsageError{Err: err}
	}
	dia, err := dialect.Parse(o.dialect)
	if err != nil {
		return benchtool.Usagef("-dialect: %v", err)
	}
	tmp, err := os.MkdirTemp("", "ken-semmutate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	comp, err := newCompiler(o.bpftrace, tmp)
	if err != nil {
		return err
	}
	k, kdesc, err := benchtool.LoadKernel(o.kernel)
	if err != nil {
		return benchtool.Usagef("-kernel: %v", err)
	}
	if k == nil {
		fmt.Fprintf(stderr, "semmutate: warning: %s\n", kdesc)
	}
	if o.out != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return err
		}
	}

	b := &bench{
		o:        o,
		cfg:      analysis.Config{Kernel: k, Dialect: dia, HostFiles: true, HostRoot: o.root},
		compiler: comp,
		res: results{
			Bpftrace: fmt.Sprintf("%s (v%s)", o.bpftrace, comp.version),
			Kernel:   kdesc, Dialect: dia.String(), Seed: o.seed, PerFile: o.perFile, Runs: o.runs,
		},
	}
	for _, op := range operators {
		b.res.Operators = append(b.res.Operators, opStats{Operator: op.name, ByCode: map[string]int{}})
	}
	b.warmUp()
	progress := isTerminal(stderr)
	for i, path := range files {
		if progress {
			fmt.Fprintf(stderr, "\r[%d/%d] %-60s", i+1, len(files), filepath.Base(path))
		}
		if err := b.file(path); err != nil {
			return err
		}
	}
	if progress {
		fmt.Fprintf(stderr, "\r%-70s\r", "")
	}

	b.res.print(stdout)
	if o.json != "" {
		data, err := json.MarshalIndent(b.res, "", "\t")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.json, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// warmUp verifies a small program once, so that one-time costs (the
// solver's start, the curated contracts) are not charged to the first
// corpus program; the time is reported apart.
func (b *bench) warmUp() {
	r := b.check("warm-up.bt", []byte("kprobe:vfs_read /pid == 1/ { @start[tid] = nsecs; }\nkretprobe:vfs_read { @ns = hist(nsecs - @start[tid]); }\n"))
	if r.Verification != nil {
		b.res.WarmUp = r.Verification.Elapsed
	}
}

// check runs ken's analysis and, when it finds no errors, the verifier.
func (b *bench) check(name string, text []byte) *pipeline.Result {
	return pipeline.Check(context.Background(), source.NewFile(name, text), pipeline.Config{Analysis: b.cfg, Symbex: true})
}

// file measures one corpus program and its mutants.
func (b *bench) file(path string) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !isOK(text) {
		b.res.NotOK++
		return nil
	}
	base := strings.TrimSuffix(filepath.Base(path), ".bt")
	orig := original{File: path}
	ok, msg, err := b.compiler.compile(base+".bt", text)
	if err != nil {
		return err
	}
	if !ok {
		orig.Status, orig.Error = statusBpftraceRejected, msg
		b.res.Originals = append(b.res.Originals, orig)
		return nil
	}
	var r *pipeline.Result
	times := make([]time.Duration, 0, b.o.runs)
	for range b.o.runs {
		r = b.check(path, text)
		if r.Verification == nil {
			break
		}
		times = append(times, r.Verification.Elapsed)
	}
	if r.Verification == nil {
		orig.Status, orig.Error = statusKenRejected, firstKenError(r)
		b.res.Originals = append(b.res.Originals, orig)
		return nil
	}
	slices.Sort(times)
	orig.Status, orig.Elapsed = statusVerified, times[len(times)/2]
	orig.Obligations = len(r.Verification.Obligations)
	orig.findings = findings(r.Verification)
	for _, o := range r.Verification.Obligations {
		pos := r.File.Position(o.Span.Start)
		ob := obligation{Line: pos.Line, Column: pos.Column, Code: o.Code, Claim: o.Claim, Counterexample: o.Counterexample}
		switch o.Verdict {
		case symbex.Refuted:
			orig.Refuted = append(orig.Refuted, ob)
		case symbex.Unknown:
			orig.Unknown = append(orig.Unknown, ob)
		}
	}
	ms, err := b.mutants(base, path, newProgram(text, r.AST, r.Info), orig.findings)
	if err != nil {
		return err
	}
	orig.Mutants = len(ms)
	b.res.Originals = append(b.res.Originals, orig)
	b.res.Mutants = append(b.res.Mutants, ms...)
	return nil
}

func firstKenError(r *pipeline.Result) string {
	for _, d := range r.Diagnostics {
		if d.Severity == diag.Error {
			return fmt.Sprintf("line %d: %s [%s]", r.File.Position(d.Span.Start).Line, d.Message, d.Code)
		}
	}
	return "errors"
}

// mutants keeps up to -per-file mutants of one program. The operators
// take turns in an order drawn for the program, each offering its next
// candidate (in an order drawn too) until one is kept, so that operators
// with few candidates are not crowded out. The choices depend only on the
// seed and the program's name.
func (b *bench) mutants(base, path string, p *program, origFindings []finding) ([]mutantResult, error) {
	r := rand.New(rand.NewPCG(b.o.seed, hashString(base)))
	pools := make([][]candidate, len(operators))
	for i, op := range operators {
		pools[i] = op.gen(p)
		b.res.Operators[i].Candidates += len(pools[i])
		r.Shuffle(len(pools[i]), func(a, c int) { pools[i][a], pools[i][c] = pools[i][c], pools[i][a] })
	}
	order := r.Perm(len(operators))
	seen := map[string]bool{string(p.text): true}
	full := func(out []mutantResult) bool { return b.o.perFile > 0 && len(out) >= b.o.perFile }
	var out []mutantResult
	for progress := true; progress && !full(out); {
		progress = false
		for _, i := range order {
			if full(out) {
				break
			}
			m, ok, err := b.take(&pools[i], i, p, seen, origFindings)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			m.File = path
			m.Name = fmt.Sprintf("%s--%s-%d.bt", base, m.Operator, countOp(out, m.Operator)+1)
			if err := b.write(m); err != nil {
				return nil, err
			}
			out = append(out, m)
			progress = true
		}
	}
	return out, nil
}

// take removes candidates from the front of pool until one gives a new
// program that ken accepts and bpftrace compiles, and returns it
// verified.
func (b *bench) take(pool *[]candidate, op int, p *program, seen map[string]bool, origFindings []finding) (mutantResult, bool, error) {
	st := &b.res.Operators[op]
	for len(*pool) > 0 {
		c := (*pool)[0]
		*pool = (*pool)[1:]
		text := c.apply(p.text)
		if seen[string(text)] {
			continue
		}
		seen[string(text)] = true
		st.Tried++
		r := b.check("mutant.bt", text)
		if r.Verification == nil {
			st.KenRejected++
			continue
		}
		ok, _, err := b.compiler.compile("mutant.bt", text)
		if err != nil {
			return mutantResult{}, false, err
		}
		if !ok {
			st.BpftraceRejected++
			continue
		}
		st.Kept++
		line := source.NewFile("original.bt", p.text).Position(int(c.edits[0].start)).Line
		m := mutantResult{
			Operator: st.Operator,
			Line:     line,
			Change:   strings.Join(strings.Fields(c.desc), " "),
			Before:   lineText(p.text, line),
			After:    afterText(c, p.text, text, line),
			New:      added(origFindings, findings(r.Verification)),
			Elapsed:  r.Verification.Elapsed,
			text:     text,
		}
		m.Flagged = len(m.New) > 0
		if m.Flagged {
			st.Flagged++
			codes := map[string]bool{}
			for _, f := range m.New {
				codes[f.Code] = true
			}
			for code := range codes {
				st.ByCode[code]++
			}
		}
		return m, true, nil
	}
	return mutantResult{}, false, nil
}

// write writes a kept mutant to the -o directory, without the original's
// header (its verdict is not the mutant's) and with one that says what
// changed and what the verifier found.
func (b *bench) write(m mutantResult) error {
	if b.o.out == "" {
		return nil
	}
	verdict := "not flagged"
	if m.Flagged {
		var fs []string
		for _, f := range m.New {
			fs = append(fs, fmt.Sprintf("%s %s: %s", f.Code, f.Verdict, f.Claim))
		}
		verdict = "flagged: " + strings.Join(fs, "; ")
	}
	header := fmt.Sprintf("// mutant: %s: %s line %d: %s\n// class: %s\n// verifier: %s\n",
		m.Operator, filepath.Base(m.File), m.Line, m.Change, m.Operator, verdict)
	return os.WriteFile(filepath.Join(b.o.out, m.Name), append([]byte(header), stripHeader(m.text)...), 0o644)
}

// afterText returns what line n of the original became in the mutant:
// the mutant's line n, or "(line removed)" when the first edit deletes
// whole lines.
func afterText(c candidate, original, mutated []byte, n int) string {
	e := c.edits[0]
	wholeLines := e.repl == "" && e.end > e.start && original[e.end-1] == '\n' &&
		(e.start == 0 || original[e.start-1] == '\n')
	if wholeLines {
		return "(line removed)"
	}
	return lineText(mutated, n)
}

// lineText returns line n (from 1) of text, trimmed.
func lineText(text []byte, n int) string {
	lines := strings.Split(string(text), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[n-1])
}

func countOp(ms []mutantResult, op string) int {
	n := 0
	for _, m := range ms {
		if m.Operator == op {
			n++
		}
	}
	return n
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// isTerminal reports whether w is a character device, where progress
// lines that overwrite themselves are welcome.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
