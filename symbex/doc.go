// Package symbex will hold ken's symbolic verifier: symbolic execution of
// bpftrace probe bodies over 64-bit (or narrower, where typed) bit-vectors,
// with maps as SMT arrays whose absent keys read as zero, kernel reads as
// symbolic values typed by BTF, byte-order facts from BTF typedefs, and
// bounded loop unrolling. It will check assume/assert contracts with Z3,
// through a small cgo binding in symbex/z3 against the system libz3, and
// turn each verification condition into proved, a counterexample rendered
// as a diagnostic, or unknown. It is not written yet.
package symbex
