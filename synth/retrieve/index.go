package retrieve

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Origins of a [Doc].
const (
	// OriginDataset marks an example shipped with ken (datasets/).
	OriginDataset = "dataset"
	// OriginLearned marks a program the user accepted after every check
	// passed, kept in the [Store].
	OriginLearned = "learned"
)

// A Doc is one verified prompt/program pair.
type Doc struct {
	// ID identifies the doc; it breaks ranking ties, so ordering is stable.
	ID string `json:"id"`
	// Prompt is the English task the program performs.
	Prompt string `json:"prompt"`
	// Program is the bpftrace source that passed verification.
	Program string `json:"program"`
	// Origin is OriginDataset or OriginLearned.
	Origin string `json:"origin"`
	// Added is when the doc was learned; zero for dataset docs.
	Added time.Time `json:"added,omitzero"`
}

// A Hit is one search result.
type Hit struct {
	Doc
	// Score orders hits: BM25 for lexical results, the reciprocal-rank
	// fusion score when dense ranking took part. Only the order is
	// meaningful; scores of different searches are not comparable.
	Score float64
	// Why names the query words that matched, for explaining the choice to
	// the user, in the user's words, e.g.
	// "prompt: how long (≈latency), disk, reads; program: vfs_read".
	Why string
}

// A Result is a search's hits and how they were ranked.
type Result struct {
	// Hits are the best documents first, at most k of them.
	Hits []Hit
	// Dense reports that embedding similarity took part in the ranking.
	Dense bool
	// Warning is non-empty when something configured did not work and the
	// search carried on without it (for example the embedder failed and
	// the ranking is lexical only). It is meant to be shown to the user.
	Warning string
}

// BM25 parameters: the usual values, which suit short prompts.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
	// programWeight scales matches in the program text relative to the
	// prompt: identifiers are good evidence but programs also carry many
	// incidental words (printf formats, builtins).
	programWeight = 0.5
	// rrfK is the reciprocal-rank-fusion constant; 60 is the value from
	// the original RRF paper and damps the influence of the top ranks.
	rrfK = 60
)

// An Index searches a fixed set of docs. It is exact: every search scores
// every doc that shares a term with the query, which for a few hundred docs
// takes microseconds. An Index is safe for concurrent use.
type Index struct {
	docs    []Doc
	prompt  field
	program field
	dense   *dense // nil without an embedder
}

// An Option configures an [Index].
type Option func(*config)

type config struct {
	embedder Embedder
	model    string
	cache    EmbeddingCache
}

// NewIndex indexes docs for search. The docs are copied; the Index never
// changes them. Docs may repeat IDs, though ties then fall back to the
// order given.
func NewIndex(docs []Doc, opts ...Option) *Index {
	var c config
	for _, o := range opts {
		o(&c)
	}
	ix := &Index{docs: slices.Clone(docs)}
	prompts := make([][]term, len(docs))
	programs := make([][]term, len(docs))
	for i, d := range docs {
		prompts[i] = analyse(d.Prompt)
		programs[i] = analyse(d.Program)
	}
	ix.prompt = newField(prompts)
	ix.program = newField(programs)
	if c.embedder != nil {
		ix.dense = &dense{embedder: c.embedder, model: c.model, cache: c.cache}
	}
	return ix
}

// Len reports the number of indexed docs.
func (ix *Index) Len() int { return len(ix.docs) }

// Search returns up to k docs most similar to query, best first. Ties are
// ordered by ID. An empty query, k <= 0 or an empty index give no hits and
// no error. The error is non-nil only when ctx ends; a failing embedder
// does not fail the search (see [Index.Query] to learn that it happened;
// Search also notes it in each hit's Why).
func (ix *Index) Search(ctx context.Context, query string, k int) ([]Hit, error) {
	r, err := ix.Query(ctx, query, k)
	if err != nil {
		return nil, err
	}
	if r.Warning != "" {
		for i := range r.Hits {
			r.Hits[i].Why += " (" + r.Warning + ")"
		}
	}
	return r.Hits, nil
}

// Query is [Index.Search] with the ranking mode and any warning reported
// alongside the hits.
func (ix *Index) Query(ctx context.Context, query string, k int) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if k <= 0 || len(ix.docs) == 0 || strings.TrimSpace(query) == "" {
		return Result{}, nil
	}
	q := queryTerms(analyse(query))
	lexical := ix.lexical(q)
	if ix.dense == nil {
		return Result{Hits: ix.hits(lexical, k, q, nil)}, nil
	}
	cos, warn, err := ix.dense.similarities(ctx, ix.docs, query)
	if err != nil {
		return Result{}, err
	}
	if cos == nil {
		return Result{Hits: ix.hits(lexical, k, q, nil), Warning: warn}, nil
	}
	fused := ix.fuse(lexical, ix.rank(cos))
	return Result{Hits: ix.hits(fused, k, q, cos), Dense: true, Warning: warn}, nil
}

// queryTerms removes repeated terms: a query saying "read" twice is not
// twice as much about reading.
func queryTerms(ts []term) []term {
	seen := map[string]bool{}
	var q []term
	for _, t := range ts {
		if !seen[t.key] {
			seen[t.key] = true
			q = append(q, t)
		}
	}
	return q
}

// lexical scores every doc by BM25 over the prompt plus the weighted BM25
// over the program, and returns the docs that matched at all, ranked.
func (ix *Index) lexical(q []term) []scored {
	scores := make([]float64, len(ix.docs))
	for _, t := range q {
		ix.prompt.add(scores, t.key, 1)
		ix.program.add(scores, t.key, programWeight)
	}
	var out []scored
	for i, s := range scores {
		if s > 0 {
			out = append(out, scored{doc: i, score: s})
		}
	}
	ix.sort(out)
	return out
}

// rank orders docs by cosine similarity, keeping only those that are
// similar at all (cosine > 0).
func (ix *Index) rank(cos []float64) []scored {
	var out []scored
	for i, c := range cos {
		if c > 0 {
			out = append(out, scored{doc: i, score: c})
		}
	}
	ix.sort(out)
	return out
}

// A scored doc is an index into Index.docs with its score.
type scored struct {
	doc   int
	score float64
}

// sort orders by score, then by ID, then by position, so equal scores
// always come out in the same order.
func (ix *Index) sort(s []scored) {
	slices.SortFunc(s, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := strings.Compare(ix.docs[a.doc].ID, ix.docs[b.doc].ID); c != 0 {
			return c
		}
		return cmp.Compare(a.doc, b.doc)
	})
}

// fuse combines rankings by reciprocal-rank fusion: each list contributes
// 1/(rrfK+rank) to a doc. It needs no calibration between BM25 scores and
// cosines, which live on unrelated scales.
func (ix *Index) fuse(lists ...[]scored) []scored {
	sum := map[int]float64{}
	for _, l := range lists {
		for r, s := range l {
			sum[s.doc] += 1 / float64(rrfK+r+1)
		}
	}
	out := make([]scored, 0, len(sum))
	for d, s := range sum {
		out = append(out, scored{doc: d, score: s})
	}
	ix.sort(out)
	return out
}

// hits turns the first k ranked docs into Hits with explanations. cos is
// nil for lexical-only results.
func (ix *Index) hits(ranked []scored, k int, q []term, cos []float64) []Hit {
	ranked = ranked[:min(k, len(ranked))]
	if len(ranked) == 0 {
		return nil
	}
	hits := make([]Hit, len(ranked))
	for i, s := range ranked {
		why := ix.why(s.doc, q)
		if cos != nil && cos[s.doc] > 0 {
			why = join(why, fmt.Sprintf("similar meaning (cosine %.2f)", cos[s.doc]))
		}
		hits[i] = Hit{Doc: ix.docs[s.doc], Score: s.score, Why: why}
	}
	return hits
}

// why lists the query terms found in the doc's prompt and, separately, in
// its program.
func (ix *Index) why(doc int, q []term) string {
	var inPrompt, inProgram []string
	for _, t := range q {
		name := t.surface
		if t.synonym {
			name = fmt.Sprintf("%s (≈%s)", t.surface, t.key)
		}
		if ix.prompt.has(t.key, doc) {
			inPrompt = append(inPrompt, name)
		} else if ix.program.has(t.key, doc) {
			inProgram = append(inProgram, name)
		}
	}
	var why string
	if len(inPrompt) > 0 {
		why = "prompt: " + strings.Join(inPrompt, ", ")
	}
	if len(inProgram) > 0 {
		why = join(why, "program: "+strings.Join(inProgram, ", "))
	}
	return why
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// A field is an inverted index over one part of every doc.
type field struct {
	postings map[string][]posting // by term; docs ascending
	lens     []int                // terms per doc
	avgLen   float64
}

// A posting records that a term occurs tf times in a doc.
type posting struct {
	doc int
	tf  int
}

func newField(docs [][]term) field {
	f := field{postings: map[string][]posting{}, lens: make([]int, len(docs))}
	total := 0
	var keys []string
	for i, ts := range docs {
		// Sorting the keys makes each term's occurrences a run; appending
		// doc by doc keeps every posting list sorted by doc.
		keys = keys[:0]
		for _, t := range ts {
			keys = append(keys, t.key)
		}
		slices.Sort(keys)
		for j := 0; j < len(keys); {
			n := 1
			for j+n < len(keys) && keys[j+n] == keys[j] {
				n++
			}
			f.postings[keys[j]] = append(f.postings[keys[j]], posting{doc: i, tf: n})
			j += n
		}
		f.lens[i] = len(ts)
		total += len(ts)
	}
	if len(docs) > 0 {
		f.avgLen = float64(total) / float64(len(docs))
	}
	return f
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// add adds weight times the BM25 contribution of key to the score of every
// doc containing it. The IDF is the non-negative BM25+ form, so a term
// found in most docs still counts a little rather than subtracting.
func (f *field) add(scores []float64, key string, weight float64) {
	ps := f.postings[key]
	if len(ps) == 0 {
		return
	}
	n, df := float64(len(f.lens)), float64(len(ps))
	idf := math.Log(1 + (n-df+0.5)/(df+0.5))
	for _, p := range ps {
		tf := float64(p.tf)
		norm := 1 - bm25B + bm25B*float64(f.lens[p.doc])/f.avgLen
		scores[p.doc] += weight * idf * tf * (bm25K1 + 1) / (tf + bm25K1*norm)
	}
}

// has reports whether key occurs in doc.
func (f *field) has(key string, doc int) bool {
	_, ok := slices.BinarySearchFunc(f.postings[key], doc, func(p posting, d int) int {
		return cmp.Compare(p.doc, d)
	})
	return ok
}
