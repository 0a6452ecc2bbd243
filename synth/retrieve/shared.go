package retrieve

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/tmc/langchaingo/embeddings"
	"github.com/tmc/langchaingo/schema"
	"github.com/tmc/langchaingo/vectorstores"
	"github.com/tmc/langchaingo/vectorstores/qdrant"
)

// Metadata keys under which a [Shared] store keeps a doc's fields.
const (
	MetaID      = "ken_id"
	MetaPrompt  = "ken_prompt"
	MetaProgram = "ken_program"
	MetaOrigin  = "ken_origin"
	MetaAdded   = "ken_added"
)

// A Shared store keeps verified docs in a team's vector store, so that
// everyone's synthesis learns from everyone's accepted programs. It wraps
// any langchaingo [vectorstores.VectorStore]: [NewQdrant] builds one for
// Qdrant; for pgvector, Milvus or another, build the store with its
// langchaingo package (github.com/tmc/langchaingo/vectorstores/pgvector,
// .../milvus, ...) and pass it to [NewShared]. Those packages pull in
// database drivers, so ken does not link them by default.
//
// The store embeds the prompt (the document's page content) and keeps the
// doc's fields as metadata (MetaID, MetaPrompt, ...). The VectorStore
// interface has no upsert by key, so adding a doc twice stores it twice;
// Search drops the repeats.
type Shared struct {
	vs vectorstores.VectorStore
}

// NewShared wraps a langchaingo vector store.
func NewShared(vs vectorstores.VectorStore) *Shared { return &Shared{vs: vs} }

// NewQdrant connects to a Qdrant collection over its REST API, e.g.
// NewQdrant("http://qdrant:6333", "ken", e, ""). The collection must exist,
// created with the vector size and cosine distance of e's model; apiKey may
// be empty. Nothing is contacted until the first Add or Search.
func NewQdrant(rawURL, collection string, e Embedder, apiKey string) (*Shared, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("qdrant URL %q: want e.g. http://localhost:6333", rawURL)
	}
	if e == nil {
		return nil, errors.New("qdrant: an embedder is required")
	}
	vs, err := qdrant.New(
		qdrant.WithURL(*u),
		qdrant.WithCollectionName(collection),
		qdrant.WithEmbedder(lcEmbedder{e}),
		qdrant.WithAPIKey(apiKey),
	)
	if err != nil {
		return nil, fmt.Errorf("qdrant: %w", err)
	}
	return NewShared(vs), nil
}

// Add stores a verified doc; the caller guarantees it passed every check.
// Missing fields are filled in as [Store.Add] does.
func (s *Shared) Add(ctx context.Context, doc Doc) error {
	doc.Prompt = strings.TrimSpace(doc.Prompt)
	if doc.Prompt == "" || strings.TrimSpace(doc.Program) == "" {
		return ErrEmptyDoc
	}
	if doc.Origin == "" {
		doc.Origin = OriginLearned
	}
	if doc.Added.IsZero() {
		doc.Added = time.Now().UTC().Truncate(time.Millisecond)
	}
	if doc.ID == "" {
		doc.ID = "learned-" + dedupeKey(doc)[:12]
	}
	_, err := s.vs.AddDocuments(ctx, []schema.Document{{
		PageContent: doc.Prompt,
		Metadata: map[string]any{
			MetaID:      doc.ID,
			MetaPrompt:  doc.Prompt,
			MetaProgram: doc.Program,
			MetaOrigin:  doc.Origin,
			MetaAdded:   doc.Added.Format(time.RFC3339Nano),
		},
	}})
	if err != nil {
		return fmt.Errorf("adding to the shared store: %w", err)
	}
	return nil
}

// Search returns up to k docs whose prompts are nearest to query, best
// first, with the store's similarity as Score. Entries that lack a prompt
// or program in their metadata (written by something other than ken, or
// damaged) are skipped, as are repeats of a doc already returned.
func (s *Shared) Search(ctx context.Context, query string, k int) ([]Hit, error) {
	if k <= 0 || strings.TrimSpace(query) == "" {
		return nil, nil
	}
	found, err := s.vs.SimilaritySearch(ctx, query, k)
	if err != nil {
		return nil, fmt.Errorf("searching the shared store: %w", err)
	}
	var hits []Hit
	seen := map[string]bool{}
	for _, f := range found {
		doc, ok := docFromMetadata(f.Metadata)
		if !ok || seen[dedupeKey(doc)] {
			continue
		}
		seen[dedupeKey(doc)] = true
		hits = append(hits, Hit{
			Doc:   doc,
			Score: float64(f.Score),
			Why:   fmt.Sprintf("shared store: similar meaning (score %.2f)", f.Score),
		})
	}
	return hits, nil
}

// docFromMetadata rebuilds a Doc, reporting false when the metadata does
// not hold a prompt and a program. Metadata comes from a remote service,
// so every field is checked rather than asserted.
func docFromMetadata(m map[string]any) (Doc, bool) {
	str := func(key string) string {
		s, _ := m[key].(string)
		return s
	}
	d := Doc{ID: str(MetaID), Prompt: str(MetaPrompt), Program: str(MetaProgram), Origin: str(MetaOrigin)}
	if strings.TrimSpace(d.Prompt) == "" || strings.TrimSpace(d.Program) == "" {
		return Doc{}, false
	}
	if d.Origin == "" {
		d.Origin = OriginLearned
	}
	if d.ID == "" {
		d.ID = "shared-" + dedupeKey(d)[:12]
	}
	if t, err := time.Parse(time.RFC3339Nano, str(MetaAdded)); err == nil {
		d.Added = t
	}
	return d, true
}

// lcEmbedder presents an Embedder as langchaingo's embeddings.Embedder.
type lcEmbedder struct{ e Embedder }

var _ embeddings.Embedder = lcEmbedder{}

// EmbedDocuments embeds texts for storing.
func (l lcEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return embedChecked(ctx, l.e, texts)
}

// EmbedQuery embeds one search text.
func (l lcEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	v, err := embedChecked(ctx, l.e, []string{text})
	if err != nil {
		return nil, err
	}
	return v[0], nil
}
