package sema

import (
	"regexp"
	"strconv"
	"strings"
)

// recordHead finds the start of a struct or union definition.
var recordHead = regexp.MustCompile(`\b(struct|union)\s+([A-Za-z_]\w*)\s*\{`)

// declarator splits a member declarator into its stars, name and array
// length: "*name[16]".
var declarator = regexp.MustCompile(`^(\**)\s*([A-Za-z_]\w*)\s*(?:\[\s*(\d*)\s*\])?$`)

// cRecords reads the struct and union definitions of a C definition block
// into records that list their members, so that field access on them is
// checked as bpftrace's C parser would. A definition ken cannot read
// member by member (nested definitions, function pointers, attributes) is
// left without a member list, which makes its fields unchecked.
func (c *checker) cRecords(text string) map[string]*Type {
	records := make(map[string]*Type)
	for _, m := range recordHead.FindAllStringSubmatchIndex(text, -1) {
		name := text[m[2]:m[3]] + " " + text[m[4]:m[5]]
		body, ok := braceBody(text, m[1]-1)
		rec := &Type{Kind: Record, Name: name}
		if ok {
			rec.Fields = c.cMembers(body)
		}
		records[name] = rec
	}
	return records
}

// braceBody returns the text between the '{' at open and its matching
// '}', and false when the body nests braces or is not closed.
func braceBody(text string, open int) (string, bool) {
	end := strings.IndexByte(text[open+1:], '}')
	if end < 0 {
		return "", false
	}
	body := text[open+1 : open+1+end]
	return body, !strings.Contains(body, "{")
}

// cMembers parses "type a; type *b, c[4];" into fields, or returns nil
// when a declaration is beyond this small reader.
func (c *checker) cMembers(body string) []RecordField {
	fields := []RecordField{}
	for _, decl := range strings.Split(body, ";") {
		decl = strings.TrimSpace(decl)
		if decl == "" {
			continue
		}
		if strings.ContainsAny(decl, "()") {
			return nil
		}
		if i := strings.IndexByte(decl, ':'); i >= 0 {
			decl = strings.TrimSpace(decl[:i]) // a bit field
		}
		more, ok := c.cDeclaration(decl)
		if !ok {
			return nil
		}
		fields = append(fields, more...)
	}
	return fields
}

// cDeclaration parses one member declaration, which may declare several
// names of the same base type.
func (c *checker) cDeclaration(decl string) ([]RecordField, bool) {
	parts := strings.Split(decl, ",")
	first := parts[0]
	cut := strings.LastIndexFunc(first, func(r rune) bool { return r == ' ' || r == '\t' || r == '*' })
	if cut < 0 {
		return nil, false
	}
	// The base type is what precedes the first declarator's stars.
	start := strings.IndexAny(first[:cut+1], "*")
	if start < 0 {
		start = cut + 1
	}
	base := strings.TrimSpace(first[:start])
	parts[0] = first[start:]
	var fields []RecordField
	for _, p := range parts {
		m := declarator.FindStringSubmatch(strings.TrimSpace(p))
		if m == nil || base == "" {
			return nil, false
		}
		t := c.cType(base + " " + m[1])
		if m[3] != "" {
			n, _ := strconv.Atoi(m[3])
			t = arrayOf(t, n)
		}
		fields = append(fields, RecordField{Name: m[2], Type: t})
	}
	return fields, true
}
