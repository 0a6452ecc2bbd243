package source

import "testing"

func TestPositions(t *testing.T) {
	// "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units; 0xff is
	// an invalid byte that editors show as one U+FFFD.
	f := NewFile("t.bt", []byte("ab\né😀x\n\xffy"))
	tests := []struct {
		offset     int
		line, col  int // 1-based, bytes
		utf16Col   int // 0-based
		lineOffset int // 0-based line
	}{
		{0, 1, 1, 0, 0},
		{2, 1, 3, 2, 0}, // the newline itself
		{3, 2, 1, 0, 1},
		{5, 2, 3, 1, 1},  // after é
		{9, 2, 7, 3, 1},  // after 😀
		{10, 2, 8, 4, 1}, // after x
		{11, 3, 1, 0, 2},
		{12, 3, 2, 1, 2}, // after the invalid byte
		{13, 3, 3, 2, 2}, // end of text
		{99, 3, 3, 2, 2}, // clamped
		{-5, 1, 1, 0, 0}, // clamped
	}
	for _, tt := range tests {
		if got := f.Position(tt.offset); got != (Position{tt.line, tt.col}) {
			t.Errorf("Position(%d) = %v, want %d:%d", tt.offset, got, tt.line, tt.col)
		}
		if got := f.UTF16Column(tt.offset); got != tt.utf16Col {
			t.Errorf("UTF16Column(%d) = %d, want %d", tt.offset, got, tt.utf16Col)
		}
		if got := f.Line(tt.offset); got != tt.lineOffset {
			t.Errorf("Line(%d) = %d, want %d", tt.offset, got, tt.lineOffset)
		}
	}
}

func TestOffsetOfUTF16(t *testing.T) {
	f := NewFile("t.bt", []byte("ab\né😀x\n\xffy"))
	tests := []struct{ line, col, want int }{
		{0, 0, 0}, {0, 2, 2}, {0, 99, 2}, // past the end of a line snaps to its end
		{1, 1, 5}, {1, 3, 9}, {1, 2, 9}, // inside a surrogate pair: after the rune
		{2, 1, 12}, {2, 2, 13},
		{7, 0, 13}, {-1, 0, 0}, // past the end of the file, before its start
	}
	for _, tt := range tests {
		if got := f.OffsetOfUTF16(tt.line, tt.col); got != tt.want {
			t.Errorf("OffsetOfUTF16(%d, %d) = %d, want %d", tt.line, tt.col, got, tt.want)
		}
	}
}

func TestLines(t *testing.T) {
	f := NewFile("t.bt", []byte("a\nbc\n"))
	if f.LineCount() != 3 || f.LineStart(1) != 2 || f.LineEnd(1) != 4 || f.LineEnd(2) != 5 || f.LineStart(9) != 5 {
		t.Errorf("line table wrong: count %d start(1) %d end(1) %d end(2) %d", f.LineCount(), f.LineStart(1), f.LineEnd(1), f.LineEnd(2))
	}
	if empty := NewFile("e.bt", nil); empty.LineCount() != 1 || empty.Position(0) != (Position{1, 1}) {
		t.Errorf("empty file: %d lines, position %v", empty.LineCount(), empty.Position(0))
	}
}
