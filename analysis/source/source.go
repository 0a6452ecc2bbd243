package source

import (
	"sort"
	"unicode/utf16"
	"unicode/utf8"
)

// Span is a half-open range [Start, End) of byte offsets into a file.
// A valid span has 0 <= Start <= End <= len(text).
type Span struct {
	Start, End int
}

// Len returns the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Contains reports whether offset lies inside the span. An empty span
// contains its own start, so that a cursor placed on it still matches.
func (s Span) Contains(offset int) bool {
	return s.Start <= offset && (offset < s.End || offset == s.Start)
}

// File is the immutable text of one document with its line table.
type File struct {
	Name  string
	Text  []byte
	lines []int // byte offset of the start of each line; lines[0] == 0
}

// NewFile returns a File for text. The text must not be modified afterwards.
func NewFile(name string, text []byte) *File {
	lines := make([]int, 1, 1+len(text)/32)
	for i, c := range text {
		if c == '\n' {
			lines = append(lines, i+1)
		}
	}
	return &File{Name: name, Text: text, lines: lines}
}

// Position is a 1-based line and column. Column counts bytes unless the
// function that produced it says otherwise.
type Position struct {
	Line, Column int
}

// LineCount returns the number of lines; a final line without a newline
// counts, and an empty file has one line.
func (f *File) LineCount() int { return len(f.lines) }

// clamp keeps offsets from a stale or hostile caller inside the text.
func (f *File) clamp(offset int) int {
	return min(max(offset, 0), len(f.Text))
}

// Line returns the 0-based line that contains offset.
func (f *File) Line(offset int) int {
	offset = f.clamp(offset)
	return sort.SearchInts(f.lines, offset+1) - 1
}

// LineStart returns the offset of the first byte of the 0-based line,
// clamped to the file.
func (f *File) LineStart(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(f.lines) {
		return len(f.Text)
	}
	return f.lines[line]
}

// LineEnd returns the offset of the newline that ends the 0-based line, or
// the end of the text for the last line.
func (f *File) LineEnd(line int) int {
	if line+1 < len(f.lines) {
		return f.lines[line+1] - 1
	}
	return len(f.Text)
}

// Position returns the 1-based line and byte column of offset.
func (f *File) Position(offset int) Position {
	offset = f.clamp(offset)
	line := f.Line(offset)
	return Position{Line: line + 1, Column: offset - f.lines[line] + 1}
}

// UTF16Column returns the 0-based column of offset on its line counted in
// UTF-16 code units, as the Language Server Protocol wants. Invalid UTF-8
// bytes count as one unit each, as editors show them as U+FFFD.
func (f *File) UTF16Column(offset int) int {
	offset = f.clamp(offset)
	start := f.lines[f.Line(offset)]
	col := 0
	for text := f.Text[start:offset]; len(text) > 0; {
		r, size := utf8.DecodeRune(text)
		col += utf16.RuneLen(r)
		if r == utf8.RuneError {
			col = col - utf16.RuneLen(r) + 1
		}
		text = text[size:]
	}
	return col
}

// OffsetOfUTF16 converts a 0-based line and UTF-16 column into a byte
// offset. Positions past the end of a line snap to the line's end and lines
// past the end of the file snap to the end of the text, so a client with a
// stale view of the document never causes an out-of-range access.
func (f *File) OffsetOfUTF16(line, col int) int {
	if line < 0 {
		return 0
	}
	if line >= len(f.lines) {
		return len(f.Text)
	}
	offset, end := f.lines[line], f.LineEnd(line)
	for units := 0; offset < end && units < col; {
		r, size := utf8.DecodeRune(f.Text[offset:end])
		n := utf16.RuneLen(r)
		if r == utf8.RuneError {
			n = 1
		}
		units += n
		offset += size
	}
	return offset
}
