package z3

/*
#include "shim.h"
*/
import "C"

import "math"

// Sort is a Z3 sort (type): Bool, a bit-vector of some width, or an array.
// The zero Sort is invalid. Sorts of one Context are == exactly when they
// are the same sort.
type Sort struct {
	c *Context
	s C.Z3_sort
}

// BoolSort returns the Boolean sort.
func (c *Context) BoolSort() Sort {
	if !c.live("BoolSort") {
		return Sort{}
	}
	if c.boolSort.s == nil {
		c.boolSort = c.keepSort("BoolSort", C.ken_bool_sort(c.z))
	}
	return c.boolSort
}

// BVSort returns the sort of bit-vectors of the given width, which must be
// at least 1.
func (c *Context) BVSort(bits uint) Sort {
	if !c.live("BVSort") {
		return Sort{}
	}
	if s, ok := c.bvSorts[bits]; ok {
		return s
	}
	if !c.fits("BVSort", bits) {
		return Sort{}
	}
	s := c.keepSort("BVSort", C.ken_bv_sort(c.z, C.unsigned(bits)))
	if s.s != nil {
		c.bvSorts[bits] = s
	}
	return s
}

// fits reports whether n fits Z3's unsigned parameters, recording ErrRange
// otherwise: cgo's conversion would silently truncate it.
func (c *Context) fits(op string, n ...uint) bool {
	for _, v := range n {
		if v > math.MaxUint32 {
			c.record(opError(op, ErrRange))
			return false
		}
	}
	return true
}

// ArraySort returns the sort of arrays from domain to rng.
func (c *Context) ArraySort(domain, rng Sort) Sort {
	if !c.checkSort("ArraySort", domain) || !c.checkSort("ArraySort", rng) {
		return Sort{}
	}
	key := [2]C.Z3_sort{domain.s, rng.s}
	if s, ok := c.arraySorts[key]; ok {
		return s
	}
	s := c.keepSort("ArraySort", C.ken_array_sort(c.z, domain.s, rng.s))
	if s.s != nil {
		c.arraySorts[key] = s
	}
	return s
}

// info returns the sort's kind and, for a bit-vector, its width. An
// invalid Sort, or one whose Context is closed, is KEN_SORT_OTHER.
func (s Sort) info() (kind C.int, bits uint) {
	if s.s == nil || !s.c.usable() {
		return C.KEN_SORT_OTHER, 0
	}
	var b C.unsigned
	kind = C.ken_sort_info(s.c.z, s.s, &b)
	return kind, uint(b)
}

// BVSize returns the width of a bit-vector sort, and 0 for any other.
func (s Sort) BVSize() uint {
	_, bits := s.info()
	return bits
}

// IsBool reports whether s is the Boolean sort.
func (s Sort) IsBool() bool {
	k, _ := s.info()
	return k == C.KEN_SORT_BOOL
}

// IsBV reports whether s is a bit-vector sort.
func (s Sort) IsBV() bool {
	k, _ := s.info()
	return k == C.KEN_SORT_BV
}

// IsArray reports whether s is an array sort.
func (s Sort) IsArray() bool {
	k, _ := s.info()
	return k == C.KEN_SORT_ARRAY
}

// Domain returns the index sort of an array sort, and the zero Sort for
// any other.
func (s Sort) Domain() Sort {
	if !s.IsArray() {
		return Sort{}
	}
	// No reference is taken: the array sort, held until Close, holds it.
	return Sort{c: s.c, s: C.Z3_get_array_sort_domain(s.c.z, s.s)}
}

// Range returns the element sort of an array sort, and the zero Sort for
// any other.
func (s Sort) Range() Sort {
	if !s.IsArray() {
		return Sort{}
	}
	return Sort{c: s.c, s: C.Z3_get_array_sort_range(s.c.z, s.s)}
}

// String returns the sort in SMT-LIB syntax, such as "(_ BitVec 8)".
func (s Sort) String() string {
	if s.s == nil || !s.c.usable() {
		return "<invalid sort>"
	}
	return C.GoString(C.Z3_sort_to_string(s.c.z, s.s))
}
