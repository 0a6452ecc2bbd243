package lsp

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/kenlsp/ken/synth"
	"github.com/kenlsp/ken/synth/llm"
	"github.com/kenlsp/ken/synth/retrieve"
)

// SynthesisSettings configure synthesis from comments: the "synthesis"
// member of Settings. They name the key's environment variable, never the
// key, so settings can be logged and shared.
type SynthesisSettings struct {
	// Provider is "openai" (or any OpenAI-compatible server), "ollama",
	// "anthropic" or "google"; "" synthesizes offline, from the closest
	// verified examples, with no model.
	Provider string `json:"provider"`
	// Model is the chat model the endpoint knows, such as "gpt-4o".
	Model string `json:"model"`
	// BaseURL is the endpoint; "" means the provider's public one.
	BaseURL string `json:"baseURL"`
	// APIKeyEnv is the NAME of the environment variable that holds the
	// key; "" means the provider's usual one (OPENAI_API_KEY, ...).
	APIKeyEnv string `json:"apiKeyEnv"`
	// EmbeddingModel, when set, ranks examples by embeddings as well as
	// by words.
	EmbeddingModel string `json:"embeddingModel"`
	// Trials bounds the candidates per synthesis; 0 means
	// synth.DefaultTrials.
	Trials int `json:"trials"`
	// AutoRegenerate regenerates an unedited generated block when a stage
	// finds errors or warnings in it (default off).
	AutoRegenerate *bool `json:"autoRegenerate"`
	// Store learns every verified model result in the learning store at
	// retrieve.DefaultPath() (default on).
	Store *bool `json:"store"`
	// SharedQdrant is the URL of a Qdrant server holding a team's verified
	// examples, in SharedCollection; they join the retrieved examples and
	// every verified result is added. It needs EmbeddingModel.
	SharedQdrant     string `json:"sharedQdrant"`
	SharedCollection string `json:"sharedCollection"`
}

// maxTrials bounds the trials setting: each trial may cost a model call
// or two, and past a handful more trials rarely help.
const maxTrials = 10

// UnmarshalJSON decodes the settings field by field, like Settings.
func (s *SynthesisSettings) UnmarshalJSON(data []byte) error {
	if bad := s.decode(data); len(bad) > 0 {
		return fmt.Errorf("ignoring malformed settings: %s", strings.Join(bad, ", "))
	}
	return nil
}

// decode fills s from a JSON object and returns the names of the fields
// it had to drop, as "synthesis.NAME".
func (s *SynthesisSettings) decode(data []byte) []string {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return []string{"synthesis"}
	}
	var bad []string
	strs := map[string]*string{"provider": &s.Provider, "model": &s.Model, "baseURL": &s.BaseURL,
		"apiKeyEnv": &s.APIKeyEnv, "embeddingModel": &s.EmbeddingModel,
		"sharedQdrant": &s.SharedQdrant, "sharedCollection": &s.SharedCollection}
	for name, dst := range strs {
		if raw, ok := fields[name]; ok && json.Unmarshal(raw, dst) != nil {
			bad = append(bad, "synthesis."+name)
		}
	}
	if raw, ok := fields["trials"]; ok {
		var n int
		if json.Unmarshal(raw, &n) != nil || n < 1 || n > maxTrials {
			bad = append(bad, "synthesis.trials")
		} else {
			s.Trials = n
		}
	}
	for name, dst := range map[string]**bool{"autoRegenerate": &s.AutoRegenerate, "store": &s.Store} {
		if raw, ok := fields[name]; ok {
			if on, ok := switchValue(raw); ok {
				*dst = &on
			} else {
				bad = append(bad, "synthesis."+name)
			}
		}
	}
	return bad
}

// synthSetup is what synthesis runs with, built from SynthesisSettings
// when the settings are applied. Its zero value synthesizes offline.
type synthSetup struct {
	model     synth.Model // nil: offline
	modelName string      // "gpt-4o via openai"
	trials    int
	auto      bool
	store     *learningStore    // nil: nothing is learned
	examples  *exampleIndex     // nil: synth builds its own, lexical, index
	shared    synth.SharedStore // nil: no team store
}

// newSynthSetup builds the model client and opens the learning store.
// What it cannot set up is explained in the notes and left out: a bad
// model configuration means offline synthesis, never a failing server.
func newSynthSetup(s SynthesisSettings) (synthSetup, []string) {
	setup := synthSetup{trials: s.Trials, auto: s.AutoRegenerate != nil && *s.AutoRegenerate}
	if s.Store == nil || *s.Store {
		setup.store = &learningStore{}
	}
	var notes []string
	if strings.TrimSpace(s.Provider) == "" {
		return setup, notes
	}
	client, err := llm.New(llm.Config{Provider: s.Provider, Model: s.Model, BaseURL: s.BaseURL,
		APIKeyEnv: s.APIKeyEnv, EmbeddingModel: s.EmbeddingModel})
	if err != nil {
		// llm's errors never hold the key, not even one pasted into
		// apiKeyEnv by mistake.
		notes = append(notes, fmt.Sprintf("synthesis: %v; synthesizing offline, from verified examples, until ken.synthesis is fixed", err))
		return setup, notes
	}
	setup.model = client
	setup.modelName = fmt.Sprintf("%s via %s", strings.TrimSpace(s.Model), strings.ToLower(strings.TrimSpace(s.Provider)))
	if strings.TrimSpace(s.EmbeddingModel) != "" {
		setup.examples = &exampleIndex{embedder: client, model: strings.TrimSpace(s.EmbeddingModel)}
	}
	if note := setup.connectShared(s, client); note != "" {
		notes = append(notes, note)
	}
	return setup, notes
}

// connectShared sets up the team's Qdrant store, or says why not.
func (st *synthSetup) connectShared(s SynthesisSettings, client *llm.Client) string {
	url := strings.TrimSpace(s.SharedQdrant)
	if url == "" {
		return ""
	}
	if strings.TrimSpace(s.EmbeddingModel) == "" {
		return "synthesis.sharedQdrant needs synthesis.embeddingModel: the shared store is searched by embeddings; working without it"
	}
	collection := cmp.Or(strings.TrimSpace(s.SharedCollection), "ken-examples")
	shared, err := retrieve.NewQdrant(url, collection, client, "")
	if err != nil {
		return fmt.Sprintf("synthesis.sharedQdrant: %v; working without it", err)
	}
	st.shared = shared
	return ""
}

// describe says what synthesis will use, for the server log.
func (st synthSetup) describe() string {
	if st.model == nil {
		return "synthesis: offline, from verified examples (no ken.synthesis.provider)"
	}
	return fmt.Sprintf("synthesis: %v", st.model)
}

// exampleIndex keeps the retrieval index that ranks by embeddings, so
// that the documents are embedded once, not on every synthesis. A lexical
// index is cheap to build, and synth builds that one itself.
type exampleIndex struct {
	embedder retrieve.Embedder
	model    string

	mu    sync.Mutex
	index *retrieve.Index
}

// get returns the index, building it on first use over the dataset and
// store's learned programs (store may be nil).
func (x *exampleIndex) get(store *retrieve.Store) (*retrieve.Index, error) {
	if x == nil {
		return nil, nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.index != nil {
		return x.index, nil
	}
	docs, err := synth.DatasetDocs()
	if err != nil {
		return nil, err
	}
	opt := retrieve.WithEmbedder(x.embedder, x.model)
	if store != nil {
		x.index = store.Index(docs, opt)
	} else {
		x.index = retrieve.NewIndex(docs, opt)
	}
	return x.index, nil
}

// forget drops the index after the store learned a program, so that the
// next synthesis can retrieve it. Cached embeddings stay in the store.
func (x *exampleIndex) forget() {
	if x == nil {
		return
	}
	x.mu.Lock()
	x.index = nil
	x.mu.Unlock()
}

// learningStore opens the learning store on the first synthesis, so that
// a session that never synthesizes never touches the cache directory.
type learningStore struct {
	once  sync.Once
	store *retrieve.Store
	err   error
}

// open returns the store, nil when it cannot be used. The error is
// returned once, by the call that opened the store, for the person to
// hear about it once.
func (l *learningStore) open() (*retrieve.Store, error) {
	if l == nil {
		return nil, nil
	}
	first := false
	l.once.Do(func() {
		first = true
		// An *OpenError (a corrupt file moved aside) still gives a
		// usable, empty store.
		l.store, l.err = retrieve.Open("")
	})
	if first {
		return l.store, l.err
	}
	return l.store, nil
}
