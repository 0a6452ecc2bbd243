package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cilium/ebpf/btf"
	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/catalog"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

func init() {
	handleRequest("textDocument/hover", (*Server).hover)
}

// hover describes the token under the cursor: a builtin, a probe kind, a
// kernel function or tracepoint of an attach point, a struct field, a map
// or a scratch variable. Positions with nothing to say answer null.
func (s *Server) hover(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.HoverParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	q := s.newQuery(d, offset(d.file, p.Position))
	text, at, ok := q.describe()
	if c, inAnnotation := q.annotationAt(); inAnnotation {
		text, at = describeAnnotation(c, d.verification.Load())
		ok = true
	}
	if log, rejected := rejectionHover(d, int(p.Position.Line)+1); rejected {
		text = strings.TrimSpace(log + "\n\n" + text)
		if !ok {
			at = lineSpanOf(d, int(p.Position.Line))
		}
		ok = true
	}
	if !ok {
		return nil, nil
	}
	r := toRange(d.file, at)
	return protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: text}, Range: &r}, nil
}

// query is one request's view of a document: its text, its analysis and
// the kernel and bpftrace version it is checked for, with the cursor.
type query struct {
	file   *source.File
	ast    *syntax.File
	info   *sema.Info
	kernel *kernel.Kernel // nil: no kernel knowledge
	ver    dialect.Version
	off    int
	path   []syntax.Node // enclosing(ast, off)
}

func (s *Server) newQuery(d *document, off int) *query {
	cfg := s.settings.config()
	return &query{
		file:   d.file,
		ast:    d.result.AST,
		info:   d.result.Info,
		kernel: cfg.Kernel,
		ver:    cfg.Dialect.Clamp(),
		off:    off,
		path:   enclosing(d.result.AST, off),
	}
}

// probeKinds returns the canonical kinds of p's attach points that
// resolved; unknown ones are left out, so that they restrict nothing.
func (q *query) probeKinds(p *syntax.Probe) []string {
	var kinds []string
	for _, info := range q.info.Probes {
		if info.Decl != p {
			continue
		}
		for _, k := range info.Kinds {
			if k != "" && !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	return kinds
}

// describe returns the markdown for the node under the cursor and the
// span it describes.
func (q *query) describe() (string, source.Span, bool) {
	switch n := innermost(q.path).(type) {
	case *syntax.AttachPoint:
		return q.describeAttachPoint(n)
	case *syntax.Ident:
		return q.describeIdent(n)
	case *syntax.Variable:
		return q.describeVariable(n)
	case *syntax.MapExpr:
		at := source.Span{Start: int(n.Start), End: int(n.Start) + len(n.Name)}
		if !at.Contains(q.off) && q.off != at.End {
			return "", at, false // inside the keys, on a bracket
		}
		text, ok := q.describeMap(n.Name)
		return text, at, ok
	}
	return "", source.Span{}, false
}

// parent returns the node that encloses the innermost one, or nil.
func (q *query) parent() syntax.Node {
	if len(q.path) < 2 {
		return nil
	}
	return q.path[len(q.path)-2]
}

// describeIdent covers the identifiers that name something: called
// functions, fields, builtin variables and kernel enum constants.
func (q *query) describeIdent(id *syntax.Ident) (string, source.Span, bool) {
	at := nodeSpan(id)
	switch p := q.parent().(type) {
	case *syntax.CallExpr:
		if p.Fun == id {
			text, ok := q.describeFunction(id.Name)
			return text, at, ok
		}
	case *syntax.FieldExpr:
		if p.Name == id {
			text, ok := q.describeField(p)
			return text, at, ok
		}
	}
	if v, ok := catalog.LookupVariable(id.Name); ok {
		return q.describeBuiltin(id, v), at, true
	}
	if q.kernel != nil {
		if val, ok := q.kernel.Enumerator(id.Name); ok {
			return fmt.Sprintf("```c\n%s = %d\n```\nKernel enum constant.", id.Name, val), at, true
		}
	}
	return "", at, false
}

func nodeSpan(n syntax.Node) source.Span {
	return source.Span{Start: int(n.Pos()), End: int(n.End())}
}

// describeBuiltin documents a builtin variable with its type here, where
// bpftrace allows it, and whether the current probe does.
func (q *query) describeBuiltin(id *syntax.Ident, v catalog.Variable) string {
	typ := v.TypeIn(q.ver)
	t := q.info.Types[id]
	if !t.IsUnknown() {
		typ = t.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "```bpftrace\n%s: %s\n```\n%s.", id.Name, typ, v.Doc)
	writeAvailability(&b, v.KindsIn(q.ver), v.Since, q.ver)
	if p := probeOf(q.path); p != nil {
		for _, k := range q.probeKinds(p) {
			if !v.AllowedInAt(k, q.ver) {
				fmt.Fprintf(&b, "\n\n**Not available in %s probes.**", k)
				break
			}
		}
	}
	writeRecordFields(&b, t)
	return b.String()
}

// writeAvailability says where a builtin may be used and since when.
func writeAvailability(b *strings.Builder, kinds []string, since, ver dialect.Version) {
	if kinds != nil {
		fmt.Fprintf(b, "\n\nAvailable in %s probes.", strings.Join(kinds, ", "))
	}
	if !since.IsZero() {
		fmt.Fprintf(b, "\n\nSince bpftrace %s (checking as %s).", since, ver)
	}
}

// maxListed bounds the fields, lines and tracepoints a hover lists.
const maxListed = 40

// writeRecordFields lists the fields of args-like records, which have no
// C definition a reader could look up.
func writeRecordFields(b *strings.Builder, t *sema.Type) {
	if t == nil || t.Kind != sema.Record || t.BTF != nil || len(t.Fields) == 0 {
		return
	}
	fmt.Fprintf(b, "\n\n```bpftrace\n")
	for i, f := range t.Fields {
		if i == maxListed {
			fmt.Fprintf(b, "// %d more\n", len(t.Fields)-i)
			break
		}
		fmt.Fprintf(b, "%s: %s\n", f.Name, f.Type)
	}
	b.WriteString("```")
}

// describeFunction documents a builtin function.
func (q *query) describeFunction(name string) (string, bool) {
	f, ok := catalog.LookupFunction(name)
	if !ok {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "```bpftrace\n%s\n```\n%s.", f.Signature, f.Doc)
	writeAvailability(&b, f.KindsIn(q.ver), f.Since, q.ver)
	if f.Unsafe {
		b.WriteString("\n\nNeeds bpftrace's `--unsafe` flag.")
	}
	if !f.AvailableIn(q.ver) {
		fmt.Fprintf(&b, "\n\n**Not available in bpftrace %s.**", q.ver)
	}
	return b.String(), true
}

// describeField documents x.name: how bpftrace reads it, how C declares
// it, where it lies and whether its bytes are in network order.
func (q *query) describeField(x *syntax.FieldExpr) (string, bool) {
	recv := q.info.Types[x.X]
	m, ok := sema.LookupMember(recv, x.Name.Name)
	if !ok {
		return "", false
	}
	c, decl, offset := m.C, "", m.Offset
	if m.BTF != nil {
		decl = sema.CDecl(m.BTF, m.Name)
	}
	if tf, ok := q.argsField(x); ok {
		c, decl, offset = tf.Type, tracepointDecl(tf), tf.Offset
	}
	var b strings.Builder
	if decl != "" {
		fmt.Fprintf(&b, "```c\n%s\n```\n", decl)
	}
	fmt.Fprintf(&b, "Field `%s` of `%s`: bpftrace reads it as `%s`", m.Name, recordName(recv), m.Type)
	if t := m.Type; t.Kind == sema.Int && t.Name != "" && !t.Enum && t.Name != c {
		fmt.Fprintf(&b, " (typedef `%s`)", t.Name)
	}
	b.WriteString(".")
	writeOffset(&b, m, offset)
	if m.NetworkOrder {
		b.WriteString("\n\n**Network byte order** (big-endian): swap it with `bswap()` before printing it or comparing it with host-order numbers.")
	}
	return b.String(), true
}

func writeOffset(b *strings.Builder, m sema.Member, offset int) {
	switch {
	case offset < 0:
	case m.BitSize > 0:
		fmt.Fprintf(b, "\n\nBits %d..%d of the byte at offset %d.", m.BitOffset, m.BitOffset+m.BitSize-1, offset)
	default:
		fmt.Fprintf(b, "\n\nByte offset %d.", offset)
	}
}

// recordName names the record a field belongs to, through a pointer.
func recordName(t *sema.Type) string {
	if t != nil && t.Kind == sema.Pointer && t.Elem != nil {
		t = t.Elem
	}
	return t.String()
}

// argsField finds the tracepoint format field behind args.name, whose C
// type and offset sema's record does not keep.
func (q *query) argsField(x *syntax.FieldExpr) (kernel.Field, bool) {
	id, ok := x.X.(*syntax.Ident)
	if !ok || id.Name != "args" || q.kernel == nil {
		return kernel.Field{}, false
	}
	tp, ok := q.probeTracepoint(probeOf(q.path))
	if !ok {
		return kernel.Field{}, false
	}
	for _, f := range tp.Fields {
		if f.Name == x.Name.Name && !f.Common {
			return f, true
		}
	}
	return kernel.Field{}, false
}

// probeTracepoint is the tracepoint of p's first tracepoint attach point
// without wildcards.
func (q *query) probeTracepoint(p *syntax.Probe) (*kernel.Tracepoint, bool) {
	if p == nil {
		return nil, false
	}
	for _, ap := range p.AttachPoints {
		if catalog.CanonicalKind(ap.Provider) != "tracepoint" || len(ap.Parts) != 2 || kernel.HasWildcard(ap.Raw) {
			continue
		}
		if tp, ok := q.kernel.Tracepoint(ap.Parts[0], ap.Parts[1]); ok {
			return tp, true
		}
	}
	return nil, false
}

// tracepointDecl spells a format field as C declares it: the star next to
// the name as kernel sources write it, the array length after the name.
func tracepointDecl(f kernel.Field) string {
	t := f.Type
	if f.DataLoc {
		t = "__data_loc " + t
	}
	decl := t + " " + f.Name
	if strings.HasSuffix(t, "*") {
		decl = t + f.Name
	}
	switch {
	case f.ArrayLen > 0:
		decl += fmt.Sprintf("[%d]", f.ArrayLen)
	case f.ArrayLen == 0:
		decl += "[]"
	}
	return decl
}

// describeVariable documents a scratch variable: its type and where it
// was first assigned.
func (q *query) describeVariable(v *syntax.Variable) (string, source.Span, bool) {
	at := nodeSpan(v)
	sym := q.info.Vars[v]
	if sym == nil {
		return "", at, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "```bpftrace\n%s: %s\n```\nScratch variable, first assigned on line %d", sym.Name, typeWithTypedef(sym.Type), q.file.Line(sym.Def.Start)+1)
	if n := len(sym.Uses); n > 0 {
		fmt.Fprintf(&b, "; used %d more %s", n, plural(n, "time", "times"))
	}
	b.WriteString(".")
	if sym.Type.NetworkOrder() {
		b.WriteString("\n\n**Network byte order** (big-endian): swap it with `bswap()` before printing it or comparing it with host-order numbers.")
	}
	return b.String(), at, true
}

// typeWithTypedef spells t as bpftrace does, with the C typedef of an
// integer after it, since __be16 says more than uint16.
func typeWithTypedef(t *sema.Type) string {
	if t != nil && t.Kind == sema.Int && t.Name != "" && !t.Enum && t.Name != "char" {
		return fmt.Sprintf("%s (%s)", t, t.Name)
	}
	return t.String()
}

// describeMap documents a map: its key and value types and where it is
// written and read.
func (q *query) describeMap(name string) (string, bool) {
	m := q.info.Maps[name]
	if m == nil {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "```bpftrace\n%s: %s\n```\n", mapSignature(m), m.Value)
	fmt.Fprintf(&b, "Written %s; read %s.", q.uses(m.Writes), q.uses(m.Reads))
	return b.String(), true
}

// mapSignature spells a map with its key types: @start[uint32].
func mapSignature(m *sema.Map) string {
	if m.Key == nil {
		return m.Name
	}
	return m.Name + "[" + keyTypes(m.Key) + "]"
}

// keyTypes lists the types of a map's keys, one per key.
func keyTypes(key *sema.Type) string {
	if key.Kind != sema.Tuple {
		return key.String()
	}
	parts := make([]string, len(key.Elems))
	for i, e := range key.Elems {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

// uses counts the spans and names their lines: "2 times (lines 3, 7)".
func (q *query) uses(spans []source.Span) string {
	if len(spans) == 0 {
		return "nowhere"
	}
	var lines []string
	for _, s := range spans {
		l := fmt.Sprint(q.file.Line(s.Start) + 1)
		if !slices.Contains(lines, l) {
			lines = append(lines, l)
		}
	}
	if len(lines) > maxListed {
		lines = append(lines[:maxListed], "…")
	}
	return fmt.Sprintf("%d %s (%s %s)", len(spans), plural(len(spans), "time", "times"), plural(len(lines), "line", "lines"), strings.Join(lines, ", "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// describeAttachPoint documents the part of an attach point under the
// cursor: the provider, a kernel function, a tracepoint or its category.
func (q *query) describeAttachPoint(ap *syntax.AttachPoint) (string, source.Span, bool) {
	kind, known := catalog.LookupProbeKind(ap.Provider)
	i, at := attachPart(ap, q.off)
	switch {
	case !known:
		return "", at, false
	case i < 0:
		return describeProbeKind(kind, ap.Provider, q.ver), at, true
	case q.kernel == nil:
		return "", at, false
	}
	switch kind.Name {
	case "kprobe", "kretprobe", "fentry", "fexit":
		if i == len(ap.Parts)-1 {
			text, ok := q.describeKernelFunc(kind.Name, ap.Parts[i])
			return text, at, ok
		}
	case "tracepoint":
		if len(ap.Parts) == 2 {
			text, ok := q.describeTracepoint(ap.Parts[0], ap.Parts[1], i == 0)
			return text, at, ok
		}
	}
	return "", at, false
}

// attachPart returns which part of ap holds offset (-1: the provider,
// or the label before it) and that part's span.
func attachPart(ap *syntax.AttachPoint, offset int) (int, source.Span) {
	start := int(ap.Start)
	if ap.Label != "" {
		start += len(ap.Label) + 1
	}
	at := source.Span{Start: start, End: start + len(ap.Provider)}
	if offset <= at.End {
		return -1, at
	}
	for i, part := range ap.Parts {
		at = source.Span{Start: at.End + 1, End: at.End + 1 + len(part)}
		if offset <= at.End {
			return i, at
		}
	}
	return -1, at
}

// describeProbeKind documents a provider such as kprobe.
func describeProbeKind(k catalog.ProbeKind, written string, ver dialect.Version) string {
	parts, _ := k.LayoutIn(ver)
	layout := written
	if len(parts) > 0 {
		layout += ":" + strings.Join(parts, ":")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "```bpftrace\n%s\n```\n**%s** probe: %s.", layout, k.Name, k.Doc)
	if len(k.Aliases) > 0 {
		fmt.Fprintf(&b, "\n\nAlso written %s.", strings.Join(k.Aliases, ", "))
	}
	if k.Wildcards {
		b.WriteString(" Accepts `*` wildcards.")
	}
	if !k.AcceptsName(written, ver) {
		fmt.Fprintf(&b, "\n\n**bpftrace %s does not accept `%s`.**", ver, written)
	}
	return b.String()
}

// describeKernelFunc documents the function of a kprobe or fentry attach
// point with its BTF prototype and how the probe reads its arguments.
func (q *query) describeKernelFunc(kind, part string) (string, bool) {
	name, _, _ := strings.Cut(part, "+")
	if kernel.HasWildcard(name) {
		return q.describeFuncPattern(name), true
	}
	fn, ok := q.kernel.Func(name)
	if !ok {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "```c\n%s\n```\nKernel function (from BTF).", sema.CDecl(fn, ""))
	proto, _ := fn.Type.(*btf.FuncProto)
	if proto == nil {
		return b.String(), true
	}
	switch kind {
	case "kprobe":
		b.WriteString("\n\nIn kprobe probes:")
		for i, p := range proto.Params {
			fmt.Fprintf(&b, "\n- `arg%d`: `%s`", i, sema.CDecl(p.Type, p.Name))
		}
	case "kretprobe":
		fmt.Fprintf(&b, "\n\n`retval` holds its `%s` result, as a uint64.", sema.CDecl(proto.Return, ""))
	case "fentry", "fexit":
		fmt.Fprintf(&b, "\n\nIn %s probes:", kind)
		for _, p := range proto.Params {
			fmt.Fprintf(&b, "\n- `args.%s`: `%s`", p.Name, sema.CDecl(p.Type, ""))
		}
	}
	return b.String(), true
}

// describeFuncPattern says how many kernel functions a wildcard matches
// and names the first of them.
func (q *query) describeFuncPattern(pattern string) string {
	names := q.kernel.MatchFuncs(pattern, 0)
	if len(names) == 0 {
		return fmt.Sprintf("No kernel function matches `%s`.", pattern)
	}
	n, more := len(names), ""
	if n > maxListed {
		names, more = names[:maxListed], ", …"
	}
	return fmt.Sprintf("Matches %d kernel %s: %s%s.", n, plural(n, "function", "functions"), strings.Join(names, ", "), more)
}

// describeTracepoint lists a tracepoint's fields as args has them, or
// when onCategory, how many tracepoints the category holds.
func (q *query) describeTracepoint(category, name string, onCategory bool) (string, bool) {
	if onCategory {
		n := len(q.kernel.MatchTracepoints(category, "*", 0))
		if n == 0 {
			return "", false
		}
		return fmt.Sprintf("Tracepoint category `%s`: %d %s.", category, n, plural(n, "tracepoint", "tracepoints")), true
	}
	if kernel.HasWildcard(category) || kernel.HasWildcard(name) {
		n := len(q.kernel.MatchTracepoints(category, name, 0))
		return fmt.Sprintf("Matches %d %s.", n, plural(n, "tracepoint", "tracepoints")), true
	}
	tp, ok := q.kernel.Tracepoint(category, name)
	if !ok {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Tracepoint `%s:%s`; its fields are in `args`:\n\n```c\n", category, name)
	for _, f := range tp.Fields {
		if !f.Common {
			fmt.Fprintf(&b, "%s; // offset %d, %d %s\n", tracepointDecl(f), f.Offset, f.Size, plural(f.Size, "byte", "bytes"))
		}
	}
	b.WriteString("```")
	return b.String(), true
}

// lineSpanOf is the 0-based line's text.
func lineSpanOf(d *document, line int) source.Span {
	return source.Span{Start: d.file.LineStart(line), End: d.file.LineEnd(line)}
}
