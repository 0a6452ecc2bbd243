package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
)

// errSyntax is returned for a program ken's parser rejects.
var errSyntax = errors.New("ken's parser reports errors")

// selector picks the mutants of each program. It keeps count of how often
// each operator was used, and offers the least used first, so that
// operators that fit few programs are not crowded out by those that fit
// all.
type selector struct {
	seed uint64
	used map[string]int
}

func newSelector(seed uint64) *selector {
	return &selector{seed: seed, used: map[string]int{}}
}

// mutant is one mutated program ready to be written.
type mutant struct {
	op       string
	fileName string
	text     []byte
}

// mutants returns up to n mutants of the program text, named after base.
// Its random choices depend only on the seed and base, its spread over
// the operators also on the programs chosen before.
func (s *selector) mutants(base string, text []byte, n int) ([]mutant, error) {
	p, ok := parseProgram(base+".bt", text)
	if !ok {
		return nil, errSyntax
	}
	r := rand.New(rand.NewPCG(s.seed, hashString(base)))
	pools := make([][]candidate, len(operators))
	for i, op := range operators {
		pools[i] = op.gen(p, r)
		r.Shuffle(len(pools[i]), func(a, b int) { pools[i][a], pools[i][b] = pools[i][b], pools[i][a] })
	}
	order := r.Perm(len(operators))
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(s.used[operators[a].name], s.used[operators[b].name])
	})

	var out []mutant
	seen := map[string]bool{string(text): true}
	for progress := true; progress && len(out) < n; {
		progress = false
		for _, i := range order {
			if len(out) == n {
				break
			}
			c, mutated, ok := takeParsing(&pools[i], text, seen)
			if !ok {
				continue
			}
			op := operators[i].name
			s.used[op]++
			out = append(out, mutant{
				op:       op,
				fileName: fmt.Sprintf("%s--%s-%d.bt", base, op, countOp(out, op)+1),
				text:     withHeader(op, c, text, mutated),
			})
			progress = true
		}
	}
	return out, nil
}

// takeParsing removes candidates from the front of pool until one gives a
// new program that ken's parser accepts, and returns it.
func takeParsing(pool *[]candidate, text []byte, seen map[string]bool) (candidate, []byte, bool) {
	for len(*pool) > 0 {
		c := (*pool)[0]
		*pool = (*pool)[1:]
		mutated := c.apply(text)
		if seen[string(mutated)] || !parses(mutated) {
			continue
		}
		seen[string(mutated)] = true
		return c, mutated, true
	}
	return candidate{}, nil, false
}

func countOp(ms []mutant, op string) int {
	n := 0
	for _, m := range ms {
		if m.op == op {
			n++
		}
	}
	return n
}

// headerSize is the number of lines withHeader adds.
const headerSize = 2

// withHeader prefixes the mutated program with the lines that say what
// changed and which class it is. The line number is the mutant's own.
func withHeader(op string, c candidate, original, mutated []byte) []byte {
	line := bytes.Count(original[:c.edits[0].start], []byte("\n")) + 1 + headerSize
	desc := strings.Join(strings.Fields(c.desc), " ")
	header := fmt.Sprintf("// mutant: %s: line %d: %s\n// class: %s\n", op, line, desc, op)
	return append([]byte(header), mutated...)
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
