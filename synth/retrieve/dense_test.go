package retrieve

import (
	"context"
	"errors"
	"hash/fnv"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// bowEmbedder is the tests' own deterministic embedder: a bag-of-words
// vector with each lower-cased word hashed into one of 64 dimensions. The
// alias table lets a test give it knowledge the lexical ranking lacks. It
// counts calls and texts, and can be made to fail.
type bowEmbedder struct {
	alias map[string]string

	mu    sync.Mutex
	calls int
	texts int
	fail  error
}

func (e *bowEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls++
	e.texts += len(texts)
	if e.fail != nil {
		return nil, e.fail
	}
	out := make([][]float32, len(texts))
	for i, text := range texts {
		v := make([]float32, 64)
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			if a, ok := e.alias[w]; ok {
				w = a
			}
			h := fnv.New32a()
			h.Write([]byte(w))
			v[h.Sum32()%64]++
		}
		out[i] = v
	}
	return out, nil
}

func (e *bowEmbedder) counts() (calls, texts int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls, e.texts
}

func TestDenseFusion(t *testing.T) {
	ctx := context.Background()
	// "sluggish" means nothing to the lexical ranking; the embedder knows
	// it as "latency", so only fusion puts the latency doc first.
	emb := &bowEmbedder{alias: map[string]string{"sluggish": "latency"}}
	ix := NewIndex(corpus, WithEmbedder(emb, "bow"))
	r, err := ix.Query(ctx, "sluggish block devices", 3)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Dense || r.Warning != "" {
		t.Fatalf("Dense = %v, Warning = %q; want dense ranking without warning", r.Dense, r.Warning)
	}
	if len(r.Hits) == 0 || r.Hits[0].ID != "biolatency" {
		t.Fatalf("first hit = %s, want biolatency\n%s", ids(r.Hits), describe(r.Hits))
	}
	if !strings.Contains(r.Hits[0].Why, "similar meaning (cosine") {
		t.Errorf("Why = %q, want it to mention the embedding similarity", r.Hits[0].Why)
	}
	calls, texts := emb.counts()
	if calls != 2 || texts != len(corpus)+1 {
		t.Errorf("first search: %d calls for %d texts, want 2 calls (docs, query) for %d texts", calls, texts, len(corpus)+1)
	}
	// Later searches embed only the query.
	if _, err := ix.Query(ctx, "disk latency", 3); err != nil {
		t.Fatal(err)
	}
	if calls, texts := emb.counts(); calls != 3 || texts != len(corpus)+2 {
		t.Errorf("second search: %d calls for %d texts in all, want 3 for %d", calls, texts, len(corpus)+2)
	}
}

func TestDenseFallback(t *testing.T) {
	ctx := context.Background()
	lexical, err := NewIndex(corpus).Query(ctx, "how long do disk reads take", 3)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		emb  Embedder
	}{
		{"error", &bowEmbedder{fail: errors.New("connection refused")}},
		{"wrong count", embedFunc(func(ctx context.Context, texts []string) ([][]float32, error) {
			return [][]float32{{1}}, nil
		})},
		{"empty vector", embedFunc(func(ctx context.Context, texts []string) ([][]float32, error) {
			return make([][]float32, len(texts)), nil
		})},
		{"query dimension differs", embedFunc(func(ctx context.Context, texts []string) ([][]float32, error) {
			dims := 3
			if len(texts) == 1 { // the query
				dims = 2
			}
			out := make([][]float32, len(texts))
			for i := range out {
				out[i] = make([]float32, dims)
				out[i][0] = 1
			}
			return out, nil
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := NewIndex(corpus, WithEmbedder(tt.emb, "m"))
			r, err := ix.Query(ctx, "how long do disk reads take", 3)
			if err != nil {
				t.Fatalf("search failed: %v", err)
			}
			if r.Dense || !strings.Contains(r.Warning, "lexical only") {
				t.Errorf("Dense = %v, Warning = %q; want a lexical fallback with a warning", r.Dense, r.Warning)
			}
			if ids(r.Hits) != ids(lexical.Hits) {
				t.Errorf("fallback hits %s, lexical %s", ids(r.Hits), ids(lexical.Hits))
			}
			hits, err := ix.Search(ctx, "how long do disk reads take", 1)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(hits[0].Why, "lexical only") {
				t.Errorf("Search's Why = %q, want the fallback noted", hits[0].Why)
			}
		})
	}
}

func TestDenseRecoversAfterFailure(t *testing.T) {
	emb := &bowEmbedder{fail: errors.New("timeout")}
	ix := NewIndex(corpus, WithEmbedder(emb, "bow"))
	if r, _ := ix.Query(context.Background(), "tcp", 1); r.Dense {
		t.Fatal("dense ranking despite a failing embedder")
	}
	emb.mu.Lock()
	emb.fail = nil
	emb.mu.Unlock()
	if r, _ := ix.Query(context.Background(), "tcp", 1); !r.Dense {
		t.Errorf("no dense ranking after the embedder recovered: %q", r.Warning)
	}
}

func TestDenseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	emb := embedFunc(func(ctx context.Context, texts []string) ([][]float32, error) {
		cancel()
		return nil, ctx.Err()
	})
	_, err := NewIndex(corpus, WithEmbedder(emb, "m")).Query(ctx, "tcp", 1)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestDenseConcurrent(t *testing.T) {
	emb := &bowEmbedder{}
	ix := NewIndex(corpus, WithEmbedder(emb, "bow"))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := ix.Search(context.Background(), "disk latency", 3); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if _, texts := emb.counts(); texts != len(corpus)+8 {
		t.Errorf("embedded %d texts, want the docs once and 8 queries (%d)", texts, len(corpus)+8)
	}
}

func TestFuse(t *testing.T) {
	// Doc 1 is second in both lists, doc 0 first in one and absent from
	// the other: agreement wins.
	lex := []scored{{doc: 0, score: 9}, {doc: 1, score: 8}, {doc: 2, score: 1}}
	den := []scored{{doc: 3, score: .9}, {doc: 1, score: .8}, {doc: 2, score: .7}}
	ix := &Index{docs: []Doc{{ID: "0"}, {ID: "1"}, {ID: "2"}, {ID: "3"}}}
	got := ix.fuse(lex, den)
	var order []string
	for _, s := range got {
		order = append(order, ix.docs[s.doc].ID)
	}
	// 1: 1/62+1/62; 2: 1/63+1/63; 0 and 3: 1/61 each, tie broken by ID.
	if want := "1,2,0,3"; strings.Join(order, ",") != want {
		t.Errorf("fused order %v, want %s", order, want)
	}
}

// embedFunc adapts a function to Embedder.
type embedFunc func(ctx context.Context, texts []string) ([][]float32, error)

func (f embedFunc) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return f(ctx, texts)
}
