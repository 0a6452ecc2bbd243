package llm

import (
	"context"
	"net/http"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/googleai"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"
	"google.golang.org/api/option"
)

// embedder is the part of a langchaingo client that makes embeddings.
type embedder interface {
	CreateEmbedding(ctx context.Context, texts []string) ([][]float32, error)
}

// backend is one provider's langchaingo clients.
type backend struct {
	chat  llms.Model
	embed embedder     // nil without an embedding model
	close func() error // nil when there is nothing to release
}

// build makes the langchaingo clients for cfg (defaults applied, valid).
// Every option that langchaingo would otherwise read from the environment
// (OPENAI_BASE_URL, OLLAMA_HOST, ...) is given explicitly, so that the
// Config alone decides where requests go.
func build(cfg Config, key string, hc *http.Client) (backend, error) {
	switch cfg.Provider {
	case OpenAI:
		return buildOpenAI(cfg, key, hc)
	case Ollama:
		return buildOllama(cfg, hc)
	case Anthropic:
		return buildAnthropic(cfg, key, hc)
	default:
		return buildGoogle(cfg, key, hc)
	}
}

// keylessToken stands in for the key of a keyless OpenAI-compatible server:
// langchaingo refuses an empty token, and the transport removes the header
// it makes.
const keylessToken = "ken-keyless"

func buildOpenAI(cfg Config, key string, hc *http.Client) (backend, error) {
	if key == "" {
		key = keylessToken
	}
	opts := []openai.Option{
		openai.WithToken(key),
		openai.WithModel(cfg.Model),
		openai.WithBaseURL(cfg.BaseURL),
		openai.WithAPIType(openai.APITypeOpenAI),
		openai.WithHTTPClient(hc),
	}
	if cfg.EmbeddingModel != "" {
		opts = append(opts, openai.WithEmbeddingModel(cfg.EmbeddingModel))
	}
	llm, err := openai.New(opts...)
	if err != nil {
		return backend{}, err
	}
	b := backend{chat: llm}
	if cfg.EmbeddingModel != "" {
		b.embed = llm
	}
	return b, nil
}

// buildOllama makes a second client for embeddings, because langchaingo's
// Ollama client embeds with its chat model.
func buildOllama(cfg Config, hc *http.Client) (backend, error) {
	client := func(model string) (*ollama.LLM, error) {
		return ollama.New(ollama.WithModel(model), ollama.WithServerURL(cfg.BaseURL), ollama.WithHTTPClient(hc))
	}
	llm, err := client(cfg.Model)
	if err != nil {
		return backend{}, err
	}
	b := backend{chat: llm}
	if cfg.EmbeddingModel != "" {
		if b.embed, err = client(cfg.EmbeddingModel); err != nil {
			return backend{}, err
		}
	}
	return b, nil
}

func buildAnthropic(cfg Config, key string, hc *http.Client) (backend, error) {
	llm, err := anthropic.New(
		anthropic.WithToken(key),
		anthropic.WithModel(cfg.Model),
		anthropic.WithBaseURL(cfg.BaseURL),
		anthropic.WithHTTPClient(hc),
	)
	if err != nil {
		return backend{}, err
	}
	return backend{chat: llm}, nil
}

// buildGoogle uses the Gemini REST API. Google's client ignores the key
// option once it is given an HTTP client (the transport sends the key in a
// header instead), but its gRPC cache client, which ken never calls, wants
// credentials to be built, so the key is passed anyway.
func buildGoogle(cfg Config, key string, hc *http.Client) (backend, error) {
	endpoint := func(o *googleai.Options) {
		o.ClientOptions = append(o.ClientOptions, option.WithEndpoint(cfg.BaseURL))
	}
	opts := []googleai.Option{
		googleai.WithAPIKey(key),
		googleai.WithHTTPClient(hc),
		googleai.WithDefaultModel(cfg.Model),
		endpoint,
	}
	if cfg.EmbeddingModel != "" {
		opts = append(opts, googleai.WithDefaultEmbeddingModel(cfg.EmbeddingModel))
	}
	llm, err := googleai.New(context.Background(), opts...)
	if err != nil {
		return backend{}, err
	}
	b := backend{chat: llm, close: llm.Close}
	if cfg.EmbeddingModel != "" {
		b.embed = llm
	}
	return b, nil
}

// authHeaders returns how the transport handles credentials for cfg, or nil
// when langchaingo's own headers are right.
func authHeaders(cfg Config, key string) func(http.Header) {
	switch {
	case cfg.Provider == OpenAI && key == "":
		return func(h http.Header) { h.Del("Authorization") } // drop keylessToken
	case cfg.Provider == Ollama && key != "":
		// Ollama itself takes no key; one set means a proxy in front wants it.
		return func(h http.Header) { h.Set("Authorization", "Bearer "+key) }
	case cfg.Provider == Google:
		return func(h http.Header) { h.Set("X-Goog-Api-Key", key) }
	}
	return nil
}

// replyText joins the text of every choice: Anthropic returns one choice
// per content block (thinking blocks have none), the others one choice.
func replyText(resp *llms.ContentResponse) string {
	if resp == nil {
		return ""
	}
	var text string
	for _, c := range resp.Choices {
		if c != nil {
			text += c.Content
		}
	}
	return text
}
