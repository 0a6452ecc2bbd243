package retrieve

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tmc/langchaingo/schema"
	"github.com/tmc/langchaingo/vectorstores"
)

// fakeQdrant scripts the two Qdrant REST endpoints langchaingo's qdrant
// store calls: PUT /collections/{c}/points (upsert a batch) and POST
// /collections/{c}/points/search (nearest points by cosine, with payload).
// Qdrant itself cannot run here; this checks the real client path.
type fakeQdrant struct {
	t          *testing.T
	collection string
	apiKey     string

	mu     sync.Mutex
	points []qdrantPoint
	fail   bool // answer every request with a server error
}

type qdrantPoint struct {
	id      string
	vector  []float32
	payload map[string]any
}

func (q *fakeQdrant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail {
		http.Error(w, `{"status":{"error":"storage unavailable"}}`, http.StatusInternalServerError)
		return
	}
	if got := r.Header.Get("api-key"); got != q.apiKey {
		http.Error(w, `{"status":{"error":"bad api key"}}`, http.StatusForbidden)
		return
	}
	base := "/collections/" + q.collection + "/points"
	switch {
	case r.Method == http.MethodPut && r.URL.Path == base:
		var body struct {
			Batch struct {
				IDs      []string         `json:"ids"`
				Vectors  [][]float32      `json:"vectors"`
				Payloads []map[string]any `json:"payloads"`
			} `json:"batch"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Batch.IDs) != len(body.Batch.Vectors) {
			http.Error(w, `{"status":{"error":"bad batch"}}`, http.StatusBadRequest)
			return
		}
		for i, id := range body.Batch.IDs {
			q.points = append(q.points, qdrantPoint{id: id, vector: body.Batch.Vectors[i], payload: body.Batch.Payloads[i]})
		}
		writeJSON(w, map[string]any{"status": "ok", "result": map[string]any{"operation_id": len(q.points), "status": "completed"}})
	case r.Method == http.MethodPost && r.URL.Path == base+"/search":
		var body struct {
			Vector      []float32 `json:"vector"`
			Limit       int       `json:"limit"`
			WithPayload bool      `json:"with_payload"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, `{"status":{"error":"bad search"}}`, http.StatusBadRequest)
			return
		}
		type result struct {
			ID      string         `json:"id"`
			Score   float64        `json:"score"`
			Payload map[string]any `json:"payload,omitempty"`
		}
		var results []result
		for _, p := range q.points {
			results = append(results, result{ID: p.id, Score: cosine(body.Vector, p.vector), Payload: p.payload})
		}
		slices.SortStableFunc(results, func(a, b result) int {
			if a.Score != b.Score {
				if a.Score > b.Score {
					return -1
				}
				return 1
			}
			return strings.Compare(a.ID, b.ID)
		})
		results = results[:min(body.Limit, len(results))]
		writeJSON(w, map[string]any{"status": "ok", "time": 0.001, "result": results})
	default:
		q.t.Errorf("unexpected Qdrant request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func cosine(a, b []float32) float64 {
	if len(a) != len(b) {
		return 0
	}
	if n := norm(a) * norm(b); n > 0 {
		return dot(a, b) / n
	}
	return 0
}

func newFakeQdrant(t *testing.T) (*fakeQdrant, *httptest.Server) {
	q := &fakeQdrant{t: t, collection: "ken", apiKey: "secret"}
	srv := httptest.NewServer(q)
	t.Cleanup(srv.Close)
	return q, srv
}

func TestSharedQdrant(t *testing.T) {
	ctx := context.Background()
	q, srv := newFakeQdrant(t)
	sh, err := NewQdrant(srv.URL, "ken", &bowEmbedder{}, "secret")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range corpus[:6] {
		if err := sh.Add(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// A duplicate and two entries written by something else: one without
	// ken's metadata, one with a number where the program should be.
	if err := sh.Add(ctx, corpus[2]); err != nil {
		t.Fatal(err)
	}
	q.mu.Lock()
	q.points = append(q.points,
		qdrantPoint{id: "x1", vector: q.points[2].vector, payload: map[string]any{"content": "Count TCP connect calls by command name"}},
		qdrantPoint{id: "x2", vector: q.points[2].vector, payload: map[string]any{"content": "tcp", MetaPrompt: "tcp", MetaProgram: 42}},
	)
	q.mu.Unlock()

	hits, err := sh.Search(ctx, "count tcp connect calls by command", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].ID != "tcpconnect" {
		t.Fatalf("hits %s, want tcpconnect first", ids(hits))
	}
	h := hits[0]
	if h.Prompt != corpus[2].Prompt || h.Program != corpus[2].Program || h.Origin != OriginLearned || h.Added.IsZero() || h.Score <= 0 {
		t.Errorf("hit not mapped back faithfully: %+v", h)
	}
	for _, h := range hits[1:] {
		if h.ID == "tcpconnect" || h.ID == "" {
			t.Errorf("repeated or unidentified hit %+v", h)
		}
	}
	if got, err := sh.Search(ctx, "", 5); got != nil || err != nil {
		t.Errorf("empty query = %v, %v", got, err)
	}
	if got, err := sh.Search(ctx, "tcp", 0); got != nil || err != nil {
		t.Errorf("k = 0: %v, %v", got, err)
	}
}

func TestSharedQdrantErrors(t *testing.T) {
	ctx := context.Background()
	q, srv := newFakeQdrant(t)
	sh, err := NewQdrant(srv.URL, "ken", &bowEmbedder{}, "wrong key")
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Add(ctx, corpus[0]); err == nil {
		t.Error("Add with a wrong API key succeeded")
	}
	q.mu.Lock()
	q.fail = true
	q.mu.Unlock()
	if _, err := sh.Search(ctx, "tcp", 3); err == nil {
		t.Error("Search against a failing server succeeded")
	}
	if err := sh.Add(ctx, Doc{Prompt: "p"}); !errors.Is(err, ErrEmptyDoc) {
		t.Errorf("Add without a program = %v", err)
	}
	failing, err := NewQdrant(srv.URL, "ken", &bowEmbedder{fail: errors.New("no model")}, "secret")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := failing.Search(ctx, "tcp", 3); err == nil || !strings.Contains(err.Error(), "no model") {
		t.Errorf("Search with a failing embedder = %v", err)
	}
	for _, bad := range []string{"", "localhost:6333", "://x"} {
		if _, err := NewQdrant(bad, "ken", &bowEmbedder{}, ""); err == nil {
			t.Errorf("NewQdrant(%q) succeeded", bad)
		}
	}
	if _, err := NewQdrant(srv.URL, "", &bowEmbedder{}, ""); err == nil {
		t.Error("NewQdrant without a collection succeeded")
	}
	if _, err := NewQdrant(srv.URL, "ken", nil, ""); err == nil {
		t.Error("NewQdrant without an embedder succeeded")
	}
}

// mapStore is a VectorStore returning fixed documents, for metadata shapes
// no real store would produce.
type mapStore struct{ docs []schema.Document }

func (m mapStore) AddDocuments(context.Context, []schema.Document, ...vectorstores.Option) ([]string, error) {
	return nil, nil
}

func (m mapStore) SimilaritySearch(context.Context, string, int, ...vectorstores.Option) ([]schema.Document, error) {
	return m.docs, nil
}

func TestSharedSkipsBadMetadata(t *testing.T) {
	sh := NewShared(mapStore{docs: []schema.Document{
		{Metadata: nil},
		{Metadata: map[string]any{MetaPrompt: nil, MetaProgram: "BEGIN {}"}},
		{Metadata: map[string]any{MetaPrompt: "p", MetaProgram: []any{"x"}}},
		{Metadata: map[string]any{MetaPrompt: " ", MetaProgram: "BEGIN {}"}},
		{Metadata: map[string]any{MetaPrompt: "ok", MetaProgram: "BEGIN {}", MetaAdded: 7, MetaOrigin: 3}, Score: float32(math.NaN())},
	}})
	hits, err := sh.Search(context.Background(), "q", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Prompt != "ok" || hits[0].Origin != OriginLearned || !strings.HasPrefix(hits[0].ID, "shared-") {
		t.Errorf("hits %+v, want only the well-formed doc", hits)
	}
}
