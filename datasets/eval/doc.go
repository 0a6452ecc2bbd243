// Package eval is ken's evaluation set for synthesis: English prompts an SRE
// might type, each with machine-checkable expectations and a reference
// bpftrace solution, kept apart from the retrieval examples so that
// synthesis is never measured on what it retrieves.
//
// The prompts live in prompts.json (format "ken-eval/1") and the solutions
// in solutions/<id>.bt; both are embedded. Load reads and validates the
// prompts, Solution returns a reference program, and Expect.Check decides
// whether a candidate program meets a prompt's expectations, reporting each
// unmet one as a Miss. Checks look at the parsed tree, never at the text, so
// comments and string contents do not count except where README.md says so.
//
// Check is syntactic and flow-insensitive: it follows scratch variables and
// maps to the values assigned to them, but it does not type the program or
// ask the kernel; ken's other stages do that. It never panics on any tree.
package eval
