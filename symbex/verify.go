package symbex

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/symbex/contracts"
	"github.com/kenlsp/ken/symbex/z3"
)

// Config bounds a verification.
type Config struct {
	// Timeout bounds each solver query; an obligation whose query times
	// out is unknown. Zero means DefaultTimeout.
	Timeout time.Duration
	// Budget bounds the whole file: probes not started within it are not
	// verified, and the report says so. Zero means DefaultBudget.
	Budget time.Duration
	// Kernel gives the prototypes that place contract parameters; nil
	// means contracts are not used.
	Kernel *kernel.Kernel
}

// Defaults for Config.
const (
	DefaultTimeout = 200 * time.Millisecond
	DefaultBudget  = 2 * time.Second
)

// Verdict is how an obligation ended.
type Verdict int

// Verdicts.
const (
	Proved Verdict = iota
	Refuted
	Unknown
)

func (v Verdict) String() string {
	return [...]string{"proved", "counterexample", "unknown"}[v]
}

// Obligation is one property checked on one probe.
type Obligation struct {
	Code    string
	Span    source.Span
	Claim   string // what was checked, in words
	Verdict Verdict
	// Counterexample explains a refutation with concrete values.
	Counterexample string
	Related        []diag.Related
	// Annotation marks obligations written as //@ assert.
	Annotation bool
	// Fixes are edits that resolve a refutation, for editors' quick fixes.
	Fixes []diag.Fix
}

// Report is the verification of one file.
type Report struct {
	Obligations []Obligation
	// Contracts lists, per probe declaration, the contract conditions the
	// verifier assumed there.
	Contracts map[*syntax.Probe][]string
	Elapsed   time.Duration
	// Stopped is set when the budget ran out before every probe was
	// verified.
	Stopped bool
}

// Diagnostics turns refuted and unknown obligations into diagnostics.
// Proved ones say nothing: they are for ken verify and inlay hints.
func (r *Report) Diagnostics() []diag.Diagnostic {
	var ds []diag.Diagnostic
	for _, o := range r.Obligations {
		switch o.Verdict {
		case Refuted:
			ds = append(ds, diag.Diagnostic{Span: o.Span, Severity: severityOf(o), Code: o.Code, Source: "ken-symbex",
				Message: "expected " + o.Claim + ", but " + o.Counterexample, Related: o.Related, Fixes: o.Fixes})
		case Unknown:
			ds = append(ds, diag.Diagnostic{Span: o.Span, Severity: diag.Info, Code: CodeUnknown, Source: "ken-symbex",
				Message: o.Claim + ": the verifier ran out of time"})
		}
	}
	return ds
}

// severityOf makes failed assertions errors (the person asked for them)
// and built-in findings warnings: the program runs, it is just wrong.
func severityOf(o Obligation) diag.Severity {
	if o.Annotation {
		return diag.Error
	}
	return diag.Warning
}

// Verify checks every probe of an analysed file. It needs the semantic
// model; a file with syntax errors is verified as far as it parsed.
func Verify(ctx context.Context, r *analysis.Result, cfg Config) *Report {
	start := time.Now()
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Budget <= 0 {
		cfg.Budget = DefaultBudget
	}
	v := &verifier{ctx: ctx, res: r, cfg: cfg, z: z3.NewContext(), contracts: curatedContracts(), pathTypes: map[string]*sema.Type{},
		deadline: start.Add(cfg.Budget)}
	defer v.z.Close()
	v.readAnnotations()
	v.checkIDMix()
	for i, p := range r.Info.Probes {
		if ctx.Err() != nil {
			break
		}
		if time.Since(start) > cfg.Budget {
			v.report.Obligations = append(v.report.Obligations, Obligation{Code: CodeUnknown, Span: span(p.Decl), Verdict: Unknown,
				Claim: fmt.Sprintf("%d probes from here on were not verified", len(r.Info.Probes)-i),
			})
			v.report.Stopped = true
			break
		}
		v.verifyProbe(p)
		if v.outOfTime {
			v.report.Obligations = append(v.report.Obligations, Obligation{Code: CodeUnknown, Span: span(p.Decl), Verdict: Unknown,
				Claim: fmt.Sprintf("the time budget (%s) ran out inside this probe: its later checks were not made", cfg.Budget),
			})
			v.report.Stopped = true
			break
		}
	}
	v.report.Obligations = append(v.report.Obligations, v.annotationErrors...)
	v.report.Elapsed = time.Since(start)
	return &v.report
}

// verifier holds one file's verification.
type verifier struct {
	ctx              context.Context
	res              *analysis.Result
	cfg              Config
	z                *z3.Context
	report           Report
	annotations      []annotation
	annotationErrors []Obligation
	contracts        *contracts.Set
	arity            map[string]int // each map's number of keys, as the file uses it
	strings          map[string]z3.Expr
	pathTypes        map[string]*sema.Type // the program's types by access path, for annotations
	execs            int                   // executions so far
	constants        map[string]uint64     // #define'd integers and the kernel's enum constants, by name
	positional       map[string]value      // $1, $2, ...: one value for the whole run
	tuples           map[string]int        // maps holding tuples: their size
	starts           *startMaps            // how the file stores its maps, for start times
	deadline         time.Time             // when the budget runs out: no query starts after it
	outOfTime        bool                  // a query was refused for the budget
}

// constant is the value of a name the file #defines as an integer, or of
// a kernel enum constant (TCP_CLOSE, AF_INET).
func (v *verifier) constant(name string) (uint64, bool) {
	if v.constants == nil {
		v.constants = defines(v.res.AST)
	}
	if c, ok := v.constants[name]; ok {
		return c, true
	}
	if v.cfg.Kernel != nil {
		if c, ok := v.cfg.Kernel.Enumerator(name); ok {
			return uint64(c), true
		}
	}
	return 0, false
}

// enumBody is the brace-enclosed list of an enum definition.
var enumBody = regexp.MustCompile(`(?s)\benum\b[^{]*\{([^}]*)\}`)

// enumConstants adds the constants of the enums in C text: NAME = VALUE,
// or the previous value plus one, as C numbers them. An enum ken cannot
// read is left out whole.
func enumConstants(text string, out map[string]uint64) {
	for _, m := range enumBody.FindAllStringSubmatch(text, -1) {
		found := map[string]uint64{}
		next := int64(0)
		ok := true
		for _, item := range strings.Split(m[1], ",") {
			name, value, hasValue := strings.Cut(strings.TrimSpace(item), "=")
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if hasValue {
				n, err := strconv.ParseInt(strings.TrimSpace(value), 0, 64)
				if err != nil {
					ok = false
					break
				}
				next = n
			}
			found[name] = uint64(next)
			next++
		}
		if ok {
			maps.Copy(out, found)
		}
	}
}

// param is a positional parameter ($1, $#): one unknown for the whole
// run, the same in every probe.
func (v *verifier) param(raw string) value {
	if v.positional == nil {
		v.positional = map[string]value{}
	}
	if p, ok := v.positional[raw]; ok {
		return p
	}
	bits := uint(64)
	if raw == "$#" {
		bits = 16 // a count: never negative, and no command line holds 65536 words
	}
	e := v.z.Fresh(raw, v.z.BVSort(bits))
	p := value{e: widen(e, bits, false), syms: []*symbol{{name: raw, expr: e, bits: bits}}}
	v.positional[raw] = p
	return p
}

// defines reads #define NAME INTEGER directives and the constants of the
// file's own C enums.
func defines(file *syntax.File) map[string]uint64 {
	out := map[string]uint64{}
	for _, d := range file.Decls {
		if c, ok := d.(*syntax.CDefinition); ok {
			enumConstants(c.Text, out)
			continue
		}
		dir, ok := d.(*syntax.Directive)
		if !ok {
			continue
		}
		fields := strings.Fields(dir.Text)
		if len(fields) != 3 || fields[0] != "#define" {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimRight(strings.ReplaceAll(fields[2], "_", ""), "uUlL"), 0, 64); err == nil {
			out[fields[1]] = uint64(n)
		}
	}
	return out
}

// stringValue stands for a string literal: one unknown per text, the same
// wherever the text appears, so that comm == "bash" in a predicate and in
// an assertion are one condition.
func (v *verifier) stringValue(text string) value {
	if v.strings == nil {
		v.strings = map[string]z3.Expr{}
	}
	e, ok := v.strings[text]
	if !ok {
		e = v.z.Fresh(fmt.Sprintf("%q", text), v.z.BVSort(64))
		v.strings[text] = e
	}
	return value{e: e}
}

// tupleArity is the number of elements of the tuples a map holds, 0 when
// it holds no tuples (or tuples of differing sizes, which sema rejects).
func (v *verifier) tupleArity(name string) int {
	if v.tuples == nil {
		v.tuples = tupleArities(v.res.AST)
	}
	return v.tuples[name]
}

// tupleArities scans the stores of tuple literals into maps.
func tupleArities(file *syntax.File) map[string]int {
	arity := map[string]int{}
	for _, d := range file.Decls {
		syntax.Inspect(d, func(n syntax.Node) bool {
			a, ok := n.(*syntax.AssignStmt)
			if !ok {
				return true
			}
			m, isMap := a.Lhs.(*syntax.MapExpr)
			t, isTuple := unparen(a.Rhs).(*syntax.TupleExpr)
			if isMap && isTuple {
				if old, seen := arity[m.Name]; seen && old != len(t.Elems) {
					arity[m.Name] = -1
				} else if !seen {
					arity[m.Name] = len(t.Elems)
				}
			}
			return true
		})
	}
	for name, n := range arity {
		if n < 0 {
			delete(arity, name)
		}
	}
	return arity
}

// keyArity is the number of keys the file's accesses of a map use; -1
// when they disagree (sema reports that), so that no access is modelled.
// A tuple element's array (@m#0) is keyed like its map.
func (v *verifier) keyArity(name string) int {
	if base, _, ok := strings.Cut(name, "#"); ok {
		name = base
	}
	if v.arity == nil {
		v.arity = mapArities(v.res.AST, v.res.Info.Types)
	}
	if n, ok := v.arity[name]; ok {
		return n
	}
	return -1
}

// mapArities scans every map access of a file, including delete(@m, k)
// and has_key(@m, k), which name the keys as arguments. A map named whole
// as an argument (print(@m), clear(@m)) says nothing about its keys.
func mapArities(file *syntax.File, types map[syntax.Expr]*sema.Type) map[string]int {
	arity := map[string]int{}
	var visit func(n syntax.Node) bool
	visit = func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CallExpr:
			args := n.Args
			if m, ok := keyedByArgs(n); ok {
				noteArity(arity, m.Name, len(keyArgs(n)))
				args = args[1:]
			}
			for _, a := range args {
				if m, ok := a.(*syntax.MapExpr); !ok || len(m.Keys) > 0 {
					syntax.Inspect(a, visit)
				}
			}
			return false
		case *syntax.ForStmt:
			// for ($kv : @m) names the map whole, not an element.
			if n.Body != nil {
				syntax.Inspect(n.Body, visit)
			}
			return false
		case *syntax.MapExpr:
			noteArity(arity, n.Name, keyCount(n, types))
		}
		return true
	}
	for _, d := range file.Decls {
		syntax.Inspect(d, visit)
	}
	return arity
}

// keyCount is the number of keys an access names: a single key that is a
// tuple ($t = (a, b); @m[$t]) names its elements.
func keyCount(m *syntax.MapExpr, types map[syntax.Expr]*sema.Type) int {
	if len(m.Keys) == 1 {
		if t := types[m.Keys[0]]; t != nil && t.Kind == sema.Tuple && len(t.Elems) > 1 {
			return len(t.Elems)
		}
	}
	return len(m.Keys)
}

// noteArity records one access's key count; accesses that disagree make
// it -1.
func noteArity(arity map[string]int, name string, n int) {
	if old, ok := arity[name]; ok && old != n {
		n = -1
	}
	arity[name] = n
}

// keyArgs are the keys a delete(@m, k) or has_key(@m, k) names: the
// elements of a tuple, as delete(@m, (a, b)) writes two keys.
func keyArgs(c *syntax.CallExpr) []syntax.Expr {
	keys := c.Args[1:]
	if len(keys) == 1 {
		if t, ok := unparen(keys[0]).(*syntax.TupleExpr); ok {
			return t.Elems
		}
	}
	return keys
}

// keyedByArgs returns the map of delete(@m, k) and has_key(@m, k), calls
// that pass the keys as arguments after the map.
func keyedByArgs(c *syntax.CallExpr) (*syntax.MapExpr, bool) {
	if (c.Fun.Name != "delete" && c.Fun.Name != "has_key") || len(c.Args) < 2 {
		return nil, false
	}
	m, ok := c.Args[0].(*syntax.MapExpr)
	return m, ok && len(m.Keys) == 0
}

// verifyProbe executes p with checks. A return probe first replays its
// entry probe, so that what the entry stored is known when it is read.
func (v *verifier) verifyProbe(p *sema.Probe) {
	if p.Decl == nil || p.Decl.Body == nil {
		return
	}
	x := v.newExec(p, true)
	defer func() {
		if len(x.contract) > 0 {
			if v.report.Contracts == nil {
				v.report.Contracts = map[*syntax.Probe][]string{}
			}
			v.report.Contracts[p.Decl] = x.contract
		}
	}()
	if entry := v.entryOf(p); entry != nil {
		e := v.newExec(entry, false)
		e.run()
		x.pairWith(e, deletedMaps(p.Decl), onOneCPU(p))
	}
	x.run()
}

// deletedMaps lists the maps a probe deletes elements of.
func deletedMaps(p *syntax.Probe) map[string]bool {
	deleted := map[string]bool{}
	syntax.Inspect(p, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && call.Fun.Name == "delete" && len(call.Args) > 0 {
			if m, ok := call.Args[0].(*syntax.MapExpr); ok {
				deleted[m.Name] = true
			}
		}
		return true
	})
	return deleted
}

// entryOf finds the probe that runs at the entry of the function p
// returns from, in the same thread: kprobe for kretprobe, uprobe for
// uretprobe, fentry for fexit, sys_enter_X for sys_exit_X, and the
// synchronous tracepoint pairs (irq_handler_entry for irq_handler_exit).
// A probe with several attach points pairs with a probe that attaches to
// the entry of each: whichever call returns, its entry ran that probe.
func (v *verifier) entryOf(p *sema.Probe) *sema.Probe {
	exits := attachNames(p)
	if len(exits) == 0 {
		return nil
	}
	for _, q := range v.res.Info.Probes {
		if q != p && coversEntries(attachNames(q), exits) {
			return q
		}
	}
	return nil
}

// coversEntries reports whether the attach points entries include an
// entry of every one of exits.
func coversEntries(entries, exits []string) bool {
	if len(entries) == 0 {
		return false
	}
	for _, exit := range exits {
		if !slices.ContainsFunc(entryNames(exit), func(e string) bool { return slices.Contains(entries, e) }) {
			return false
		}
	}
	return true
}

// attachNames are the kind:rest names of p's attach points; nil when one
// is a wildcard or unresolved, since ken cannot tell which function it
// names.
func attachNames(p *sema.Probe) []string {
	if len(p.Kinds) != len(p.Decl.AttachPoints) {
		return nil
	}
	names := make([]string, len(p.Kinds))
	for i, ap := range p.Decl.AttachPoints {
		name := p.Kinds[i] + ":" + strings.Join(ap.Parts, ":")
		if p.Kinds[i] == "" || strings.ContainsAny(name, "*?[") {
			return nil
		}
		names[i] = name
	}
	return names
}

var returnToEntry = map[string]string{"kretprobe": "kprobe", "uretprobe": "uprobe", "fexit": "fentry"}

// entryNames are the attach points that may be the entry of the exit
// attach point kind:rest.
func entryNames(exit string) []string {
	kind, rest, ok := strings.Cut(exit, ":")
	if !ok {
		return nil
	}
	if entry, ok := returnToEntry[kind]; ok {
		return []string{entry + ":" + rest}
	}
	if kind != "tracepoint" {
		return nil
	}
	var names []string
	for _, entry := range tracepointEntries(rest) {
		names = append(names, "tracepoint:"+entry)
	}
	return names
}

// sameThreadCategories are the tracepoint categories whose X_exit (or
// X_end, X_finish) fires in the thread and call that fired X_entry (or
// X_enter, X_begin, X_start): syscalls, interrupts and softirqs (on the
// interrupted thread), reclaim, work items, lock contention, the
// synchronous receive path, file-system operations. Categories with
// asynchronous pairs (block:block_io_start is completed elsewhere,
// kvm:kvm_entry enters a guest) are not listed.
var sameThreadCategories = map[string]bool{
	"syscalls": true, "irq": true, "irq_vectors": true, "timer": true, "vmscan": true, "compaction": true,
	"workqueue": true, "lock": true, "net": true, "ext4": true, "btrfs": true, "erofs": true, "jbd2": true,
	"csd": true, "cpuhp": true, "initcall": true, "dma_fence": true,
}

// oneCPUCategories are the tracepoint categories whose pairs run with
// preemption off (interrupt handlers, softirqs, timers, cross-CPU calls):
// the exit fires on the entry's CPU. Elsewhere a thread may sleep and
// move between entry and exit.
var oneCPUCategories = map[string]bool{"irq": true, "irq_vectors": true, "timer": true, "csd": true}

// onOneCPU reports whether p's pairs run on one CPU from entry to exit.
func onOneCPU(p *sema.Probe) bool {
	names := attachNames(p)
	for _, name := range names {
		kind, rest, _ := strings.Cut(name, ":")
		category, _, _ := strings.Cut(rest, ":")
		if kind != "tracepoint" || !oneCPUCategories[category] {
			return false
		}
	}
	return len(names) > 0
}

// pairedSuffixes are exit suffixes with the entry suffixes they close.
var pairedSuffixes = []struct{ exit, entry string }{
	{"_exit", "_entry"}, {"_exit", "_enter"}, {"_end", "_begin"}, {"_end", "_start"}, {"_finish", "_start"},
}

// tracepointEntries name the entry tracepoints that may pair with
// category:name.
func tracepointEntries(rest string) []string {
	category, name, ok := strings.Cut(rest, ":")
	if !ok || !sameThreadCategories[category] {
		return nil
	}
	if call, ok := strings.CutPrefix(name, "sys_exit_"); ok && category == "syscalls" {
		return []string{category + ":sys_enter_" + call}
	}
	var entries []string
	for _, p := range pairedSuffixes {
		if stem, ok := strings.CutSuffix(name, p.exit); ok {
			entries = append(entries, category+":"+stem+p.entry)
		}
	}
	return entries
}

// check decides whether claim holds whenever the path condition does:
// proved when its negation is unsatisfiable, refuted with a model when it
// is satisfiable, unknown on timeout.
func (x *exec) check(claim z3.Expr, assume ...z3.Expr) (Verdict, *z3.Model) {
	if x.solver == nil {
		x.solver = x.v.z.NewSolver()
	}
	s := x.solver
	s.Push()
	defer s.Pop(1)
	for _, a := range x.assumptions {
		s.Assert(a)
	}
	s.Assert(x.pc)
	for _, a := range assume {
		s.Assert(a)
	}
	s.Assert(x.v.z.Not(claim))
	remaining := time.Until(x.v.deadline)
	if remaining <= 0 {
		x.v.outOfTime = true
		return Unknown, nil
	}
	res, err := s.CheckContext(x.v.ctx, min(x.v.cfg.Timeout, remaining))
	switch {
	case err != nil || res == z3.Unknown:
		return Unknown, nil
	case res == z3.Unsat:
		return Proved, nil
	}
	return Refuted, s.Model()
}

// satisfiable reports whether cond can hold on the current path; a
// timeout counts as satisfiable, so that no finding rests on it.
func (x *exec) satisfiable(cond z3.Expr) bool {
	verdict, _ := x.check(x.v.z.Not(cond))
	return verdict != Proved
}

// add records an obligation.
func (x *exec) add(o Obligation) {
	if x.checks {
		x.v.report.Obligations = append(x.v.report.Obligations, o)
	}
}

// describeModel lists the named values of the symbols an expression used,
// as "tid = 101, pid = 100".
func (x *exec) describeModel(m *z3.Model, syms []*symbol) string {
	var parts []string
	seen := map[*symbol]bool{}
	for _, s := range syms {
		if seen[s] {
			continue
		}
		seen[s] = true
		if n, ok := m.Uint64(s.expr); ok {
			parts = append(parts, fmt.Sprintf("%s = %s", s.name, formatNumber(n, s.bits)))
		}
	}
	return strings.Join(parts, " and ")
}

// formatNumber shows small numbers in decimal and others in hex too.
func formatNumber(n uint64, bits uint) string {
	if n < 10000 {
		return fmt.Sprintf("%d", n)
	}
	return fmt.Sprintf("%#x (%d)", n, n)
}

// span returns the source span of n.
func span(n syntax.Node) source.Span {
	return source.Span{Start: int(n.Pos()), End: int(n.End())}
}
