package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/kenlsp/ken/analysis/source"
)

// Errors wrapped by the *Error values of Parse and Load.
var (
	ErrFormat  = errors.New("unknown contracts format") // the format field is not Format
	ErrSyntax  = errors.New("malformed contracts JSON") // not JSON, or not this schema
	ErrInvalid = errors.New("invalid contract")         // any other problem
)

// Error is one problem in a contracts file: where it is (a JSON path such
// as functions[3].pre[0], or line:column for malformed JSON) and what is
// wrong.
type Error struct {
	File string
	Path string
	Msg  string
	Err  error // ErrFormat, ErrSyntax or ErrInvalid, possibly wrapping more
}

// Error returns "file:path: message".
func (e *Error) Error() string {
	var b strings.Builder
	for _, s := range []string{e.File, e.Path} {
		if s != "" {
			b.WriteString(s)
			b.WriteString(":")
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorList is every problem found in one file, in file order.
type ErrorList []*Error

// maxListed bounds the lines of ErrorList.Error.
const maxListed = 20

// Error lists the problems one a line, at most 20 of them.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i == maxListed {
			fmt.Fprintf(&b, "\n(and %d more)", len(l)-i)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap gives errors.Is and errors.As every problem.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Load reads and validates the contracts file path. See Parse.
func Load(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse decodes and validates a contracts file; name is used in error
// messages. On any problem it returns an ErrorList with every problem it
// found and no Set. It checks the format version, the schema (unknown keys
// are errors), names (present, well formed, unique), byte orders, pointer
// kinds, ranges (min <= max) and conditions (ParseCondition; retval only in
// postconditions). It does not check the set against a kernel: see Check.
func Parse(data []byte, name string) (*Set, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	s := new(Set)
	if err := dec.Decode(s); err != nil {
		return nil, ErrorList{jsonError(data, name, dec, err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, ErrorList{{File: name, Path: position(data, dec.InputOffset()), Msg: "data after the top-level object", Err: ErrSyntax}}
	}
	v := &validator{file: name}
	v.set(s)
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	return s, nil
}

// jsonError turns a decoding error into an Error at a line and column.
func jsonError(data []byte, name string, dec *json.Decoder, err error) *Error {
	off := dec.InputOffset()
	msg := strings.TrimPrefix(err.Error(), "json: ")
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
		msg = fmt.Sprintf("%s: got JSON %s, want %s", typ.Field, typ.Value, typ.Type)
	case errors.Is(err, io.EOF):
		msg = "empty file"
	case errors.Is(err, io.ErrUnexpectedEOF):
		msg = "unexpected end of file"
	}
	return &Error{File: name, Path: position(data, off), Msg: msg, Err: ErrSyntax}
}

// position spells a byte offset of data as line:column.
func position(data []byte, off int64) string {
	f := source.NewFile("", data)
	p := f.Position(int(min(max(off, 0), int64(len(data)))))
	return fmt.Sprintf("%d:%d", p.Line, p.Column)
}

// validator collects the problems of one set.
type validator struct {
	file string
	errs ErrorList
}

func (v *validator) errorf(path, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Path: path, Msg: fmt.Sprintf(format, args...), Err: ErrInvalid})
}

// errorw is errorf for a problem with a cause of its own, such as a
// condition's ErrCondition.
func (v *validator) errorw(path string, cause error, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Path: path, Msg: fmt.Sprintf(format, args...), Err: fmt.Errorf("%w: %w", ErrInvalid, cause)})
}

func (v *validator) set(s *Set) {
	if s.Format != Format {
		msg := fmt.Sprintf("unknown format %q, want %q", s.Format, Format)
		if s.Format == "" {
			msg = fmt.Sprintf("format missing, want %q", Format)
		}
		// Nothing else can be trusted in another version's file.
		v.errs = append(v.errs, &Error{File: v.file, Path: "format", Msg: msg, Err: ErrFormat})
		return
	}
	seen := make(map[string]int)
	for i := range s.Functions {
		f := &s.Functions[i]
		path := fmt.Sprintf("functions[%d]", i)
		v.unique(seen, path, "function", f.Name, "functions", i)
		if f.Name != "" && !isIdent(f.Name) {
			v.errorf(path+".name", "function name %q is not a C identifier", f.Name)
		}
		v.function(path, f)
	}
	clear(seen)
	for i := range s.Tracepoints {
		t := &s.Tracepoints[i]
		path := fmt.Sprintf("tracepoints[%d]", i)
		v.unique(seen, path, "tracepoint", t.Name, "tracepoints", i)
		if cat, name, ok := strings.Cut(t.Name, ":"); t.Name != "" && (!ok || !isTracepointName(cat) || !isTracepointName(name)) {
			v.errorf(path+".name", "tracepoint name %q: want category:name", t.Name)
		}
		v.tracepoint(path, t)
	}
	clear(seen)
	for i := range s.Fields {
		f := &s.Fields[i]
		path := fmt.Sprintf("fields[%d]", i)
		switch {
		case f.Struct == "":
			v.errorf(path+".struct", "struct name missing")
		case !isIdent(StructName(f.Struct)):
			v.errorf(path+".struct", "struct name %q is not a C identifier", f.Struct)
		}
		switch {
		case f.Field == "":
			v.errorf(path+".field", "member name missing")
		case !isIdent(f.Field):
			v.errorf(path+".field", "member name %q is not a C identifier", f.Field)
		}
		if f.Struct != "" && f.Field != "" {
			v.unique(seen, path, "field fact", StructName(f.Struct)+"."+f.Field, "fields", i)
		}
		v.byteOrder(path+".byte_order", f.ByteOrder)
		v.doc(path+".doc", f.Doc)
	}
}

// unique reports a missing or repeated name; seen maps names to the index
// of their first entry.
func (v *validator) unique(seen map[string]int, path, what, name, list string, i int) {
	if name == "" {
		v.errorf(path+".name", "%s name missing", what)
		return
	}
	if j, dup := seen[name]; dup {
		v.errorf(path+".name", "duplicate %s %q (first at %s[%d])", what, name, list, j)
		return
	}
	seen[name] = i
}

func (v *validator) function(path string, f *Function) {
	seen := make(map[string]int)
	for j, p := range f.Params {
		ppath := fmt.Sprintf("%s.params[%d]", path, j)
		v.unique(seen, ppath, "parameter", p.Name, path+".params", j)
		if p.Name != "" && !isIdent(p.Name) {
			v.errorf(ppath+".name", "%s: parameter name %q is not a C identifier", f.Name, p.Name)
		}
		if p.NonNull && p.Nullable {
			v.errorf(ppath, "%s: parameter %s is both nonnull and nullable", f.Name, p.Name)
		}
		if (p.NonNull || p.Nullable || p.User) && p.Type != "" && !isPointerType(p.Type) {
			v.errorf(ppath, "%s: parameter %s has pointer facts but type %q", f.Name, p.Name, p.Type)
		}
		v.byteOrder(ppath+".byte_order", p.ByteOrder)
	}
	for _, p := range f.Params {
		if p.Nullable && slices.Contains(f.Pre, p.Name+" != NULL") {
			v.errorf(path+".pre", "%s: parameter %s is nullable, but a precondition says it is not NULL", f.Name, p.Name)
		}
	}
	r := f.Returns
	v.span(path+".returns", f.Name, r.Min, r.Max)
	switch r.Pointer {
	case "", NonNull, Nullable, ErrPtr:
	default:
		v.errorf(path+".returns.pointer", "%s: unknown pointer kind %q (want %q, %q or %q)", f.Name, r.Pointer, NonNull, Nullable, ErrPtr)
	}
	if r.Pointer != "" && r.Type != "" && !isPointerType(r.Type) {
		v.errorf(path+".returns.pointer", "%s: pointer kind %q for a result of type %q", f.Name, r.Pointer, r.Type)
	}
	if r.Errno && r.Min != nil && *r.Min >= 0 {
		v.errorf(path+".returns", "%s: errno results are negative, but min is %d", f.Name, *r.Min)
	}
	if r.Type == "void" && (r.Errno || r.Min != nil || r.Max != nil || r.Pointer != "" || len(f.Post) > 0 && mentions(f.Post, RetvalName)) {
		v.errorf(path+".returns", "%s: facts about the result of a void function", f.Name)
	}
	v.conditions(path+".pre", f.Name, f.Pre, false)
	v.conditions(path+".post", f.Name, f.Post, true)
	v.doc(path+".doc", f.Doc)
	v.tags(path+".tags", f.Tags)
}

func (v *validator) tracepoint(path string, t *Tracepoint) {
	seen := make(map[string]int)
	for j, f := range t.Fields {
		fpath := fmt.Sprintf("%s.fields[%d]", path, j)
		v.unique(seen, fpath, "field", f.Name, path+".fields", j)
		if f.Name != "" && !isIdent(f.Name) {
			v.errorf(fpath+".name", "%s: field name %q is not a C identifier", t.Name, f.Name)
		}
		v.byteOrder(fpath+".byte_order", f.ByteOrder)
		v.span(fpath, t.Name+"."+f.Name, f.Min, f.Max)
		if f.Errno && f.Min != nil && *f.Min >= 0 {
			v.errorf(fpath, "%s: errno field %s has min %d, but errors are negative", t.Name, f.Name, *f.Min)
		}
		v.doc(fpath+".doc", f.Doc)
	}
	v.conditions(path+".pre", t.Name, t.Pre, false)
	v.doc(path+".doc", t.Doc)
	v.tags(path+".tags", t.Tags)
}

func (v *validator) span(path, what string, lo, hi *int64) {
	if lo != nil && hi != nil && *lo > *hi {
		v.errorf(path, "%s: range min %d > max %d", what, *lo, *hi)
	}
}

func (v *validator) byteOrder(path, order string) {
	switch order {
	case "", Network, Host:
	default:
		v.errorf(path, "unknown byte order %q (want %q or %q)", order, Network, Host)
	}
}

func (v *validator) conditions(path, owner string, conds []string, post bool) {
	for k, c := range conds {
		cpath := fmt.Sprintf("%s[%d]", path, k)
		x, err := ParseCondition(c)
		if err != nil {
			v.errorw(cpath, err, "%s: condition %q: %v", owner, c, err)
			continue
		}
		if !post && slices.Contains(ConditionNames(x), RetvalName) {
			v.errorf(cpath, "%s: precondition %q uses retval, which exists only at return", owner, c)
		}
	}
}

func (v *validator) doc(path, doc string) {
	if strings.ContainsAny(doc, "\n\r") {
		v.errorf(path, "doc is more than one line")
	}
}

func (v *validator) tags(path string, tags []string) {
	for k, tag := range tags {
		switch {
		case tag == "" || strings.ContainsAny(tag, " \t\n,"):
			v.errorf(fmt.Sprintf("%s[%d]", path, k), "tag %q: want one word", tag)
		case slices.Contains(tags[:k], tag):
			v.errorf(fmt.Sprintf("%s[%d]", path, k), "duplicate tag %q", tag)
		}
	}
}

// mentions reports whether any condition names name.
func mentions(conds []string, name string) bool {
	for _, c := range conds {
		if x, err := ParseCondition(c); err == nil && slices.Contains(ConditionNames(x), name) {
			return true
		}
	}
	return false
}

// isIdent reports whether s is a C identifier.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// isTracepointName reports whether s can be a tracefs category or event
// name: letters, digits, '_', and the '-' and '.' some categories use
// ("9p" starts with a digit).
func isTracepointName(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == ""
}

// isPointerType reports whether a C type text is a pointer: the last
// declarator is '*', qualifiers aside, or it is a function pointer.
func isPointerType(t string) bool {
	t = strings.TrimSpace(t)
	if strings.Contains(t, "(*") {
		return true
	}
	for _, q := range []string{"const", "volatile", "restrict"} {
		t = strings.TrimSpace(strings.TrimSuffix(t, q))
	}
	return strings.HasSuffix(t, "*")
}
