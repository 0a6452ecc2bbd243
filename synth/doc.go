// Package synth turns English prompts into bpftrace programs that passed
// every checking stage: the KEN loop. A prompter states the task, the
// kernel's candidate hook points with their contracts, similar verified
// examples (package retrieve) and every failure so far; a model (package
// llm, through langchaingo) answers; the comprehension engine asks the
// model for //@ assume and //@ assert annotations, which the symbolic
// verifier checks after tautologies are dropped; the candidate then goes
// through the stages of package pipeline (parse, semantic, symbolic,
// bpftrace's compiler, the kernel verifier), and a failure, with its
// counterexample, is the next prompt's feedback. After Config.Trials
// candidates, ken stops and says what detail to add.
//
// With no model configured, synthesis works offline: the closest verified
// example, adapted only by plain literal swaps, is put through the same
// stages and labelled as coming from the examples.
//
// Nothing synthesized is ever run: the kernel stage loads programs into
// the verifier and never attaches them. The file-level conventions (which
// comments are prompts, how a generated block is marked so that
// regeneration replaces exactly it) are in block.go.
package synth
