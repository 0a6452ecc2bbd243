package sema

// region says whether the C preprocessor reads the lines of an #if block.
type region int

const (
	regionRead    region = iota // surely read
	regionSkipped               // surely skipped
	regionUnknown               // depends on something ken does not know
)

// conditions is the stack of #if blocks around a directive. Each entry is
// the block's own verdict; the region of a line combines it with every
// enclosing block's.
type conditions struct {
	stack []region
}

// push opens a block; known says whether ken can evaluate its condition,
// taken whether the condition holds.
func (cs *conditions) push(known, taken bool) {
	r := regionUnknown
	if known {
		r = regionSkipped
		if taken {
			r = regionRead
		}
	}
	cs.stack = append(cs.stack, r)
}

// flip moves to the #else of the innermost block.
func (cs *conditions) flip() {
	if n := len(cs.stack); n > 0 {
		switch cs.stack[n-1] {
		case regionRead:
			cs.stack[n-1] = regionSkipped
		case regionSkipped:
			cs.stack[n-1] = regionRead
		}
	}
}

// pop closes the innermost block; a stray #endif is ignored.
func (cs *conditions) pop() {
	if n := len(cs.stack); n > 0 {
		cs.stack = cs.stack[:n-1]
	}
}

// current is the region of the lines at this point: skipped if any block
// is skipped, unknown if any is unknown, read otherwise.
func (cs *conditions) current() region {
	r := regionRead
	for _, s := range cs.stack {
		if s == regionSkipped {
			return regionSkipped
		}
		if s == regionUnknown {
			r = regionUnknown
		}
	}
	return r
}
