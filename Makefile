# ken's build. Run "make help" for the targets.

# Go 1.26 lives in /usr/local/go on the project's machines; use it when it
# is there, whatever the caller's PATH.
export PATH := $(if $(wildcard /usr/local/go/bin/go),/usr/local/go/bin:)$(PATH)

GO ?= go
# ken version reports this; the Go toolchain's own stamp is used when empty.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
# scripts/install-bpftrace.sh needs root; use sudo when not root and it exists.
SUDO := $(if $(filter 0,$(shell id -u)),,$(shell command -v sudo))

.DEFAULT_GOAL := build

.PHONY: help setup build test bench bench-agreement bench-mutants bench-mutation bench-mutation-intent bench-stages lint fuzz demo bpftrace clean

help:
	@echo "make setup     install the Debian packages ken needs (.ci/setup; root, or sudo)"
	@echo "make build     build bin/ken"
	@echo "make test      go vet and all tests"
	@echo "make bench     run the benchmarks"
	@echo "make bench-agreement  compare ken with bpftrace --emit-elf on the corpus (root;"
	@echo "               KEN_BPFTRACE=bpftrace-0.23, AGREEMENT_FLAGS=e.g. -runs 5 -json out.json)"
	@echo "make bench-mutants  compare ken with bpftrace on single-edit mutants of the corpus's"
	@echo "               ok programs (root; MUTANTS_DIR, MUTANTS_FLAGS=e.g. -seed 2 -per-file 6)"
	@echo "make bench-mutation  score the symbolic verifier on semantic mutants of the ok programs"
	@echo "               (root; MUTATION_FLAGS=e.g. -seed 2 -per-file 0 -o DIR -json out.json)"
	@echo "make bench-stages  time each checking stage (ken, symbolic verifier, bpftrace, kernel"
	@echo "               verifier) on the corpora and count what each finds that the earlier ones miss"
	@echo "               (root; STAGES_FLAGS=e.g. -mutants DIR -runs 3 -json out.json)"
	@echo "make bench-mutation-intent  the same over the ok programs with intent //@ asserts (tools/semmutate/intent)"
	@echo "make lint      check formatting (gofmt) and go vet"
	@echo "make fuzz      fuzz the parser for 60 s"
	@echo "make demo      run ken check and ken fmt -d on examples/*.bt"
	@echo "make bpftrace  install bpftrace 0.23 for tests (scripts/install-bpftrace.sh; needs root)"
	@echo "make clean     remove build outputs"

setup:
	.ci/setup

build:
	$(GO) build -ldflags '-X main.version=$(VERSION)' -o bin/ken ./cmd/ken

test:
	$(GO) vet ./...
	$(GO) test ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The bpftrace that bench-agreement compares ken with. It must be 0.20-0.23:
# from 0.24 on, --emit-elf alone runs the program, and tools/agreement refuses it.
KEN_BPFTRACE ?= bpftrace-0.23
# The chroot that scripts/install-bpftrace.sh made for it: ken looks for
# #include files and uprobe binaries there, where bpftrace does.
KEN_BPFTRACE_ROOT ?= /opt/ken/trixie
AGREEMENT_FLAGS ?=

bench-agreement:
	$(GO) run ./tools/agreement -bpftrace $(KEN_BPFTRACE) -root $(KEN_BPFTRACE_ROOT) -kernel analysis/kernel/testdata/vmlinux-snapshot.ken $(AGREEMENT_FLAGS) analysis/testdata/valid analysis/testdata/semantic

# Mutants of the programs bpftrace 0.23 accepts, one edit each
# (tools/mutate), checked by ken and bpftrace: a held-out measure, since
# nobody wrote these programs to pass ken. Not part of make test.
MUTANTS_DIR ?= /tmp/ken-mutants
MUTANTS_FLAGS ?=

bench-mutants:
	rm -rf $(MUTANTS_DIR)
	$(GO) run ./tools/mutate -o $(MUTANTS_DIR) $(MUTANTS_FLAGS) $$(grep -l '^// bpftrace-0.23: ok' analysis/testdata/valid/*.bt)
	$(GO) run ./tools/agreement -bpftrace $(KEN_BPFTRACE) -root $(KEN_BPFTRACE_ROOT) -kernel analysis/kernel/testdata/vmlinux-snapshot.ken -runs 3 $(AGREEMENT_FLAGS) $(MUTANTS_DIR)

# Semantic mutants of the ok programs (tools/semmutate) that ken accepts
# and bpftrace still compiles: the share the symbolic verifier flags, its
# false alarms on the originals and its time. Not part of make test.
MUTATION_FLAGS ?=

bench-mutation:
	$(GO) run ./tools/semmutate -bpftrace $(KEN_BPFTRACE) -root $(KEN_BPFTRACE_ROOT) -kernel analysis/kernel/testdata/vmlinux-snapshot.ken $(MUTATION_FLAGS) analysis/testdata/valid

# The same mutants of the same programs, each with //@ assert lines written
# from its description (tools/semmutate/intent): what the verifier catches
# once a specification says what the program is for, as KEN's
# comprehension engine writes one from the prompt.
bench-mutation-intent:
	$(GO) run ./tools/semmutate -bpftrace $(KEN_BPFTRACE) -root $(KEN_BPFTRACE_ROOT) -kernel analysis/kernel/testdata/vmlinux-snapshot.ken $(MUTATION_FLAGS) tools/semmutate/intent

# Each checking stage (tools/stagebench) on the corpora: its time in the
# pipeline, and the files it flags that the stages before it accept.
# Not part of make test.
STAGES_FLAGS ?=

bench-stages:
	$(GO) run ./tools/stagebench -bpftrace $(KEN_BPFTRACE) -root $(KEN_BPFTRACE_ROOT) -kernel analysis/kernel/testdata/vmlinux-snapshot.ken $(STAGES_FLAGS)

lint:
	@unformatted=$$(gofmt -l .) || exit 1; \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt needed on:"; echo "$$unformatted"; exit 1; \
	fi
	$(GO) vet ./...

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 60s ./analysis/syntax

# examples/opens.bt is a valid tracer; examples/mistakes.bt has the semantic
# mistakes bpftrace 0.23 rejects and examples/broken.bt a syntax error, so
# their checks are expected to exit 1. The kernel is this machine's.
demo: build
	@echo "== ken check examples/opens.bt (a valid tracer: no output, exit status 0)"
	bin/ken check examples/opens.bt
	@echo
	@echo "== ken check --dialect 0.23 examples/mistakes.bt (unknown field, builtin out of place, bad format: exit status 1)"
	bin/ken check --dialect 0.23 examples/mistakes.bt; test $$? -eq 1
	@echo
	@echo "== ken verify examples/ports.bt (the symbolic verifier: counterexamples for both mistakes, exit status 1)"
	bin/ken verify examples/ports.bt; test $$? -eq 1
	@echo
	@echo "== ken check examples/broken.bt (an intentional syntax error: exit status 1)"
	bin/ken check examples/broken.bt; test $$? -eq 1
	@echo
	@echo "== ken fmt -d examples/opens.bt (the changes ken fmt would make)"
	bin/ken fmt -d examples/opens.bt
	@echo
	@echo "== ken fmt -d examples/broken.bt (refused: a file with syntax errors is never reformatted)"
	bin/ken fmt -d examples/broken.bt; test $$? -eq 1
	@echo
	@echo "== ken synth --explain (from an English prompt; no model is configured, so from the verified examples)"
	bin/ken synth --no-store --explain "trace every TCP connect with pid, comm, destination address and port in host byte order"
	@echo
	@echo "== ken check --compile --load (bpftrace's compiler and the kernel verifier, when bpftrace 0.20-0.23 and root are here)"
	bin/ken check --compile --load --bpftrace "$(KEN_BPFTRACE)" examples/opens.bt || true

bpftrace:
	$(SUDO) scripts/install-bpftrace.sh

clean:
	rm -rf bin
