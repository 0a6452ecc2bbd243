package retrieve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sync"
)

// An Embedder turns texts into vectors whose cosine similarity reflects
// similarity of meaning. It returns one vector per text, in order, all of
// the same length.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// An EmbeddingCache keeps document embeddings between runs so they are
// computed once. Keys are content hashes (see [EmbeddingKey]). A [Store]
// is an EmbeddingCache that persists them next to the learned docs.
type EmbeddingCache interface {
	// Embedding returns the vector saved under key.
	Embedding(key string) ([]float32, bool)
	// SaveEmbeddings saves vectors by key. A failure is reported to the
	// user but does not stop the search.
	SaveEmbeddings(vectors map[string][]float32) error
}

// WithEmbedder ranks by embedding similarity as well as lexically. model
// names the embedding model; it is part of the cache key, so vectors of
// different models never mix. Documents are embedded on the first search,
// in batches, and a failure there or on the query makes that search
// lexical only (with a warning) and is retried on the next search.
func WithEmbedder(e Embedder, model string) Option {
	return func(c *config) { c.embedder, c.model = e, model }
}

// WithEmbeddingCache keeps document embeddings in cache. Without it they
// are kept only for the life of the Index.
func WithEmbeddingCache(cache EmbeddingCache) Option {
	return func(c *config) { c.cache = cache }
}

// EmbeddingKey is the cache key of text embedded by model: a SHA-256 of
// both, so an edited prompt or a new model gets a new vector.
func EmbeddingKey(model, text string) string {
	h := sha256.Sum256([]byte(model + "\x00" + text))
	return hex.EncodeToString(h[:])
}

// embedBatch bounds the texts per Embed call; hosted embedding APIs limit
// request sizes.
const embedBatch = 64

// dense holds document vectors, computed once and shared by concurrent
// searches.
type dense struct {
	embedder Embedder
	model    string
	cache    EmbeddingCache

	mu      sync.Mutex
	vectors [][]float32 // per doc; nil until every doc is embedded
	norms   []float64
}

// similarities returns the cosine similarity of the query to every doc.
// When embedding fails it returns nil cosines and a warning, so the caller
// ranks lexically; the error is non-nil only when ctx has ended.
func (d *dense) similarities(ctx context.Context, docs []Doc, query string) ([]float64, string, error) {
	vecs, norms, warn, err := d.docVectors(ctx, docs)
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		return nil, "embedding failed, ranking is lexical only: " + err.Error(), nil
	}
	qv, err := embedChecked(ctx, d.embedder, []string{query})
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		return nil, "embedding the query failed, ranking is lexical only: " + err.Error(), nil
	}
	q := qv[0]
	if len(vecs) > 0 && len(vecs[0]) != len(q) {
		return nil, fmt.Sprintf("query embedding has %d dimensions but documents have %d, ranking is lexical only", len(q), len(vecs[0])), nil
	}
	qn := norm(q)
	cos := make([]float64, len(vecs))
	for i, v := range vecs {
		if qn > 0 && norms[i] > 0 {
			cos[i] = dot(q, v) / (qn * norms[i])
		}
	}
	return cos, warn, nil
}

// docVectors embeds the docs not yet embedded or cached. A cache that
// cannot save yields a warning, not an error.
func (d *dense) docVectors(ctx context.Context, docs []Doc) ([][]float32, []float64, string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.vectors != nil {
		return d.vectors, d.norms, "", nil
	}
	vecs := make([][]float32, len(docs))
	var missing []int
	for i, doc := range docs {
		if d.cache != nil {
			if v, ok := d.cache.Embedding(EmbeddingKey(d.model, doc.Prompt)); ok {
				vecs[i] = v
				continue
			}
		}
		missing = append(missing, i)
	}
	fresh := map[string][]float32{}
	for start := 0; start < len(missing); start += embedBatch {
		batch := missing[start:min(start+embedBatch, len(missing))]
		texts := make([]string, len(batch))
		for j, i := range batch {
			texts[j] = docs[i].Prompt
		}
		out, err := embedChecked(ctx, d.embedder, texts)
		if err != nil {
			return nil, nil, "", err
		}
		for j, i := range batch {
			vecs[i] = out[j]
			fresh[EmbeddingKey(d.model, texts[j])] = out[j]
		}
	}
	if err := sameDims(vecs); err != nil {
		return nil, nil, "", err
	}
	var warn string
	if d.cache != nil && len(fresh) > 0 {
		if err := d.cache.SaveEmbeddings(fresh); err != nil {
			warn = "embeddings not cached: " + err.Error()
		}
	}
	d.norms = make([]float64, len(vecs))
	for i, v := range vecs {
		d.norms[i] = norm(v)
	}
	d.vectors = vecs
	return d.vectors, d.norms, warn, nil
}

// embedChecked calls e and checks that it kept its contract: one non-empty
// vector per text. Embedders are often remote services, so their answers
// are not trusted to be well formed.
func embedChecked(ctx context.Context, e Embedder, texts []string) ([][]float32, error) {
	out, err := e.Embed(ctx, texts)
	if err != nil {
		return nil, err
	}
	if len(out) != len(texts) {
		return nil, fmt.Errorf("embedder returned %d vectors for %d texts", len(out), len(texts))
	}
	for _, v := range out {
		if len(v) == 0 {
			return nil, errors.New("embedder returned an empty vector")
		}
	}
	return out, nil
}

// sameDims reports vectors of differing lengths, which happen when a cache
// holds vectors of another model saved under the same name.
func sameDims(vecs [][]float32) error {
	for _, v := range vecs {
		if len(v) != len(vecs[0]) {
			return fmt.Errorf("embeddings have %d and %d dimensions; is the cache from another model?", len(vecs[0]), len(v))
		}
	}
	return nil
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func norm(v []float32) float64 { return math.Sqrt(dot(v, v)) }
