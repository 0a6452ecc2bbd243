package sema

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/kenlsp/ken/analysis/catalog"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// probeContext is what the checker knows about the probe whose body it is
// checking.
type probeContext struct {
	info *Probe
	// kinds are the distinct canonical kinds of the attach points; a
	// builtin must suit every one of them.
	kinds []string
	// unknownKind is set when some attach point did not resolve, so that
	// kind-dependent checks stay silent.
	unknownKind bool
}

func (c *checker) resolveProbe(p *syntax.Probe) *probeContext {
	pc := &probeContext{info: &Probe{Decl: p}}
	var args []*Type
	for _, ap := range p.AttachPoints {
		kind := c.attachPoint(ap, len(p.AttachPoints) > 1)
		pc.info.Kinds = append(pc.info.Kinds, kind)
		if kind == "" {
			pc.unknownKind = true
			continue
		}
		if !slices.Contains(pc.kinds, kind) {
			pc.kinds = append(pc.kinds, kind)
		}
		args = append(args, c.argsType(kind, ap))
	}
	pc.info.Args = commonArgs(args)
	return pc
}

// commonArgs is the type of args in a probe with several attach points.
// bpftrace checks the body once per attach point, so a field must exist in
// every one: for tracepoints, args has the fields they share.
func commonArgs(args []*Type) *Type {
	if len(args) == 0 {
		return nil
	}
	for _, a := range args[1:] {
		if a != args[0] && !(isFieldRecord(a) && isFieldRecord(args[0])) {
			return unknownType
		}
	}
	if len(args) == 1 {
		return args[0]
	}
	return sharedFields(args)
}

// isFieldRecord reports whether t is an args record listed field by field.
func isFieldRecord(t *Type) bool { return t.Kind == Record && t.BTF == nil && t.Fields != nil }

// sharedFields is the record of the fields every record in rs has, with
// the first one's types; a field whose types disagree in class is unknown.
func sharedFields(rs []*Type) *Type {
	var names []string
	for _, r := range rs {
		names = append(names, strings.TrimPrefix(r.Name, "args of tracepoint "))
	}
	shared := &Type{Kind: Record, Name: "args shared by tracepoints " + summarizeNames(names), Fields: []RecordField{}}
	for _, f := range rs[0].Fields {
		t, ok := f.Type, true
		for _, r := range rs[1:] {
			other := r.field(f.Name)
			if other == nil {
				ok = false
				break
			}
			if !compatible(t, other) {
				t = unknownType
			}
		}
		if ok {
			shared.Fields = append(shared.Fields, RecordField{Name: f.Name, Type: t})
		}
	}
	return shared
}

// summarizeNames lists up to three names and how many more there are.
func summarizeNames(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
}

// maxWildcardArgs bounds how many tracepoints a wildcard's args are
// computed from; past it, args is left unknown rather than slow.
const maxWildcardArgs = 1000

// wildcardArgs is args for a wildcard tracepoint: the fields every
// matching tracepoint has.
func (c *checker) wildcardArgs(category, name string) *Type {
	ids := c.kernel.MatchTracepoints(category, name, maxWildcardArgs+1)
	if len(ids) == 0 || len(ids) > maxWildcardArgs {
		return unknownType
	}
	var rs []*Type
	for _, id := range ids {
		r := c.tracepointArgs(id.Category, id.Name)
		if !isFieldRecord(r) {
			return unknownType
		}
		rs = append(rs, r)
	}
	return commonArgs(rs)
}

// attachPoint checks one attach point and returns its canonical probe
// kind, or "" when the provider is unknown. shared says the probe has other
// attach points, which makes a missing tracepoint a warning in bpftrace.
func (c *checker) attachPoint(ap *syntax.AttachPoint, shared bool) string {
	kind, ok := catalog.LookupProbeKind(ap.Provider)
	if !ok {
		c.unknownProbeKind(ap)
		return ""
	}
	if !kind.AcceptsName(ap.Provider, c.dialect) {
		c.report(newDiag(diag.Error, providerSpan(ap), dialect.Code,
			"bpftrace %s does not know the probe type '%s'%s", c.dialect, ap.Provider, spellingHint(kind, c.dialect)))
		return kind.Name
	}
	if !c.attachArity(ap, kind) {
		return kind.Name
	}
	switch kind.Name {
	case "kprobe", "kretprobe":
		c.kernelFunction(ap, false)
	case "fentry", "fexit":
		c.fentry(ap)
	case "tracepoint":
		c.tracepoint(ap, shared)
	case "uprobe", "uretprobe", "usdt":
		c.userBinary(ap)
	case "interval", "profile":
		c.timerUnit(ap)
	case "software", "hardware":
		c.perfEvent(ap, kind.Name)
	}
	return kind.Name
}

// partSpan is the span of the i-th part after the provider.
func partSpan(ap *syntax.AttachPoint, i int) source.Span {
	off := int(ap.Start) + len(ap.Provider) + 1
	if ap.Label != "" {
		off += len(ap.Label) + 1
	}
	for j := 0; j < i; j++ {
		off += len(ap.Parts[j]) + 1
	}
	return source.Span{Start: off, End: off + len(ap.Parts[i])}
}

// providerSpan is the span of the provider name of ap.
func providerSpan(ap *syntax.AttachPoint) source.Span {
	at := source.Span{Start: int(ap.Start), End: int(ap.Start) + len(ap.Provider)}
	if ap.Label != "" {
		at.Start += len(ap.Label) + 1
		at.End += len(ap.Label) + 1
	}
	return at
}

// spellingHint names a spelling of kind that version v accepts.
func spellingHint(kind catalog.ProbeKind, v dialect.Version) string {
	for _, name := range append([]string{kind.Name}, kind.Aliases...) {
		if kind.AcceptsName(name, v) {
			return "; write '" + name + "'"
		}
	}
	return ""
}

func (c *checker) unknownProbeKind(ap *syntax.AttachPoint) {
	at := providerSpan(ap)
	d := newDiag(diag.Error, at, CodeUnknownProbeKind, "unknown probe type '%s'", ap.Provider)
	var names []string
	for _, k := range catalog.ProbeKinds() {
		if k.AvailableIn(c.dialect) {
			names = append(names, k.Name)
			names = append(names, k.Aliases...)
		}
	}
	if best := closest(ap.Provider, names); best != "" {
		d.Message += "; did you mean '" + best + "'?"
		d.Fixes = []diag.Fix{{Title: "Change to '" + best + "'", Edits: []diag.Edit{{Span: at, NewText: best}}}}
	}
	c.report(d)
}

// attachArity checks the number of parts after the provider.
func (c *checker) attachArity(ap *syntax.AttachPoint, kind catalog.ProbeKind) bool {
	n := len(ap.Parts)
	parts, minParts := kind.LayoutIn(c.dialect)
	if n >= minParts && n <= len(parts) {
		return true
	}
	want := strings.Join(parts, ":")
	if want == "" {
		c.errorf(ap, CodeAttachPointArity, "%s probes take no arguments: write just '%s'", kind.Name, ap.Provider)
	} else {
		c.errorf(ap, CodeAttachPointArity, "%s probes are written %s:%s", kind.Name, ap.Provider, want)
	}
	return false
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// kernelFunction checks the function of a kprobe: bpftrace itself only
// warns about a function it cannot find, so ken does too.
func (c *checker) kernelFunction(ap *syntax.AttachPoint, required bool) {
	if c.kernel == nil {
		return
	}
	i := len(ap.Parts) - 1
	name, offset, hasOffset := strings.Cut(ap.Parts[i], "+")
	at := partSpan(ap, i)
	if _, err := strconv.ParseUint(offset, 0, 64); hasOffset && err != nil {
		c.report(newDiag(diag.Error, source.Span{Start: at.Start + len(name) + 1, End: at.End}, CodeInvalidAttachArg,
			"the offset '%s' after '+' is not a number", offset))
	}
	sev := diag.Warning
	if required {
		sev = diag.Error
	}
	if hasWildcard(name) {
		if len(c.kernel.MatchFuncs(name, 1)) == 0 {
			c.report(newDiag(sev, at, CodeNoMatch, "no kernel function matches '%s'", name))
		}
		return
	}
	if _, ok := c.kernel.Func(name); ok {
		return
	}
	d := newDiag(sev, at, CodeUnknownFunction, "the kernel has no function '%s' (it may be inlined, static or misspelt)", name)
	if !c.quiet {
		if best := closest(name, c.kernel.FuncNames()); best != "" {
			d.Message += "; did you mean '" + best + "'?"
			d.Fixes = []diag.Fix{{Title: "Change to '" + best + "'", Edits: []diag.Edit{{Span: source.Span{Start: at.Start, End: at.Start + len(name)}, NewText: best}}}}
		}
	}
	c.report(d)
}

func (c *checker) fentry(ap *syntax.AttachPoint) {
	if c.kernel == nil {
		return
	}
	if !c.kernel.Info().Features.Fentry {
		c.errorf(ap, CodeProbeUnavailable, "%s probes need BPF trampolines, which kernel %s does not offer; use kprobe/kretprobe", ap.Provider, c.kernel.Info().Release)
		return
	}
	c.kernelFunction(ap, true)
}

func (c *checker) tracepoint(ap *syntax.AttachPoint, shared bool) {
	if c.kernel == nil {
		return
	}
	category, name := ap.Parts[0], ap.Parts[len(ap.Parts)-1]
	if hasWildcard(category) || hasWildcard(name) {
		if len(c.kernel.MatchTracepoints(category, name, 1)) == 0 {
			c.errorf(ap, CodeNoMatch, "no tracepoint matches '%s:%s'", category, name)
		}
		return
	}
	if _, ok := c.kernel.Tracepoint(category, name); ok {
		return
	}
	sev := diag.Error
	if shared {
		sev = diag.Warning
	}
	c.unknownTracepoint(ap, category, name, sev)
}

func (c *checker) unknownTracepoint(ap *syntax.AttachPoint, category, name string, sev diag.Severity) {
	d := newDiag(sev, span(ap), CodeUnknownTracepoint, "the kernel has no tracepoint '%s:%s'", category, name)
	if c.quiet {
		c.report(d)
		return
	}
	var names []string
	for _, id := range c.kernel.Tracepoints() {
		names = append(names, id.Category+":"+id.Name)
	}
	if best := closest(category+":"+name, names); best != "" {
		d.Message += "; did you mean '" + best + "'?"
		from := partSpan(ap, 0).Start
		d.Fixes = []diag.Fix{{Title: "Change to '" + best + "'", Edits: []diag.Edit{{Span: source.Span{Start: from, End: partSpan(ap, len(ap.Parts)-1).End}, NewText: best}}}}
	}
	c.report(d)
}

// userBinary checks that a uprobe or usdt target exists on this machine,
// when the check is made for this machine.
func (c *checker) userBinary(ap *syntax.AttachPoint) {
	if !c.cfg.HostFiles || len(ap.Parts) < 2 {
		return
	}
	path := strings.Trim(ap.Parts[0], `"`)
	if !filepath.IsAbs(path) || hasWildcard(path) {
		return // a library name bpftrace searches for, or a pattern
	}
	if st, err := os.Stat(c.hostPath(path)); err != nil || st.IsDir() {
		d := newDiag(diag.Error, partSpan(ap, 0), CodeNoSuchFile, "%s target '%s' does not exist on this machine", ap.Provider, path)
		c.report(d)
	}
}

// timeUnits are the units interval and profile probes accept.
var timeUnits = []string{"s", "ms", "us", "ns", "hz"}

func (c *checker) timerUnit(ap *syntax.AttachPoint) {
	if len(ap.Parts) < 2 {
		return
	}
	if unit := ap.Parts[0]; !slices.Contains(timeUnits, unit) {
		c.report(newDiag(diag.Error, partSpan(ap, 0), CodeInvalidAttachArg, "'%s' is not a unit of time: use one of %s", unit, strings.Join(timeUnits, ", ")))
	}
}

// perfEvents are the software and hardware event names and aliases.
var perfEvents = map[string][]string{
	"software": {"cpu-clock", "cpu", "task-clock", "page-faults", "faults", "context-switches", "cs",
		"cpu-migrations", "minor-faults", "major-faults", "alignment-faults", "emulation-faults", "dummy", "bpf-output"},
	"hardware": {"cpu-cycles", "cycles", "instructions", "cache-references", "cache-misses",
		"branch-instructions", "branches", "branch-misses", "bus-cycles", "frontend-stalls", "backend-stalls", "ref-cycles"},
}

func (c *checker) perfEvent(ap *syntax.AttachPoint, kind string) {
	event := ap.Parts[0]
	if slices.Contains(perfEvents[kind], event) {
		return
	}
	d := newDiag(diag.Error, partSpan(ap, 0), CodeInvalidAttachArg, "'%s' is not a %s event", event, kind)
	if best := closest(event, perfEvents[kind]); best != "" {
		d.Message += "; did you mean '" + best + "'?"
		d.Fixes = []diag.Fix{{Title: "Change to '" + best + "'", Edits: []diag.Edit{{Span: partSpan(ap, 0), NewText: best}}}}
	}
	c.report(d)
}

// argsType is the type of the args builtin in a probe of this kind.
func (c *checker) argsType(kind string, ap *syntax.AttachPoint) *Type {
	if c.kernel == nil || len(ap.Parts) == 0 {
		return unknownType
	}
	last := ap.Parts[len(ap.Parts)-1]
	switch kind {
	case "tracepoint":
		if hasWildcard(ap.Parts[0]) || hasWildcard(last) {
			return c.wildcardArgs(ap.Parts[0], last)
		}
		return c.tracepointArgs(ap.Parts[0], last)
	case "fentry", "fexit":
		if hasWildcard(last) {
			return unknownType
		}
		if fn, ok := c.kernel.Func(last); ok {
			return funcArgs(fn.Name, fn.Type)
		}
	}
	return unknownType
}

// tracepointArgs caches one record type per tracepoint so that several
// attach points of the same tracepoint agree.
func (c *checker) tracepointArgs(category, name string) *Type {
	key := category + ":" + name
	if t, ok := c.argsCache[key]; ok {
		return t
	}
	t := unknownType
	if tp, ok := c.kernel.Tracepoint(category, name); ok {
		t = c.tracepointRecord(tp)
	}
	if c.argsCache == nil {
		c.argsCache = make(map[string]*Type)
	}
	c.argsCache[key] = t
	return t
}

func (c *checker) tracepointRecord(tp *kernel.Tracepoint) *Type {
	t := &Type{Kind: Record, Name: "args of tracepoint " + tp.Category + ":" + tp.Name, Fields: []RecordField{}}
	for _, f := range tp.Fields {
		if !f.Common {
			t.Fields = append(t.Fields, RecordField{Name: f.Name, Type: c.tracepointField(f)})
		}
	}
	return t
}
