package kernel

import (
	"bytes"
	"strconv"
	"strings"
)

// ParseFormat parses the text of a tracefs format file
// (events/<category>/<name>/format) and returns its fields in file order.
// Lines other than field descriptions (name, ID, print fmt) are ignored, and
// so is a field line without a name, so that one odd line does not hide the
// rest. ok is false when the text describes no field at all.
//
// A field line looks like
//
//	field:const char * filename;	offset:24;	size:8;	signed:0;
//
// with variants "char comm[16]" (array), "unsigned long args[]" (flexible
// array), "__data_loc char[] name" (dynamic array stored after the record)
// and "field special:" instead of "field:" on old kernels.
func ParseFormat(text []byte) (fields []Field, ok bool) {
	for len(text) > 0 {
		var line []byte
		line, text, _ = bytes.Cut(text, []byte{'\n'})
		if f, ok := parseFieldLine(string(bytes.TrimSpace(line))); ok {
			fields = append(fields, f)
		}
	}
	return fields, len(fields) > 0
}

// parseFieldLine parses one "field:..." line.
func parseFieldLine(line string) (Field, bool) {
	decl, ok := strings.CutPrefix(line, "field:")
	if !ok {
		if decl, ok = strings.CutPrefix(line, "field special:"); !ok {
			return Field{}, false
		}
	}
	parts := strings.Split(decl, ";")
	f, ok := parseFieldDecl(parts[0])
	if !ok {
		return Field{}, false
	}
	for _, p := range parts[1:] {
		key, val, _ := strings.Cut(strings.TrimSpace(p), ":")
		n, err := strconv.Atoi(val)
		if err != nil {
			continue
		}
		switch key {
		case "offset":
			f.Offset = n
		case "size":
			f.Size = n
		case "signed":
			f.Signed = n != 0
		}
	}
	return f, true
}

// parseFieldDecl splits a C declaration such as "const char * filename",
// "char comm[16]" or "__data_loc char[] name" into a Field's name, type and
// array length. An array length that is not a decimal number (an
// unexpanded macro) is recorded as 0, like a flexible array.
func parseFieldDecl(decl string) (Field, bool) {
	f := Field{ArrayLen: -1}
	decl = strings.TrimSpace(decl)
	for _, prefix := range []string{"__data_loc ", "__rel_loc "} {
		if rest, ok := strings.CutPrefix(decl, prefix); ok {
			f.DataLoc, decl = true, strings.TrimSpace(rest)
		}
	}
	if strings.HasSuffix(decl, "]") {
		open := strings.LastIndexByte(decl, '[')
		if open < 0 {
			return Field{}, false
		}
		f.ArrayLen = arrayLen(decl[open+1 : len(decl)-1])
		decl = strings.TrimSpace(decl[:open])
	}
	start := len(decl)
	for start > 0 && isIdentByte(decl[start-1]) {
		start--
	}
	f.Name = decl[start:]
	if f.Name == "" || isDigit(f.Name[0]) {
		return Field{}, false
	}
	typ := strings.TrimSpace(decl[:start])
	if t, ok := strings.CutSuffix(typ, "[]"); ok { // __data_loc char[] name
		typ = strings.TrimSpace(t)
		if f.ArrayLen < 0 {
			f.ArrayLen = 0
		}
	}
	if typ == "" {
		return Field{}, false
	}
	f.Type = strings.Join(strings.Fields(typ), " ")
	f.Common = strings.HasPrefix(f.Name, "common_")
	return f, true
}

// arrayLen parses the length between the brackets of an array declarator.
func arrayLen(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func isIdentByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
