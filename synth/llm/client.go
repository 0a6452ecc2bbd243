package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/tmc/langchaingo/llms"
)

// Roles of a Message.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message is one turn of a conversation with a model.
type Message struct {
	Role    string // RoleSystem, RoleUser or RoleAssistant
	Content string
}

// Client talks to one model. It is safe for concurrent use. Its only copy
// of the key is inside the transport and the langchaingo client, behind
// pointers, so printing a Client shows no key.
type Client struct {
	cfg     Config // defaults applied; holds no key
	hasKey  bool
	backend backend
	tr      *transport
	redact  *redactor
}

// New validates cfg, reads the key from the environment variable it names,
// and builds the provider's langchaingo client. Nothing is sent until the
// first Chat or Embed.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	var key string
	if cfg.APIKeyEnv != "" {
		key = os.Getenv(cfg.APIKeyEnv)
	}
	red := newRedactor(key)
	tr := &transport{
		base:       http.DefaultTransport,
		provider:   cfg.Provider,
		model:      cfg.Model,
		timeout:    cfg.Timeout,
		maxRetries: cfg.MaxRetries,
		keyEnv:     cfg.APIKeyEnv,
		hasKey:     key != "",
		auth:       authHeaders(cfg, key),
		redact:     red,
		wait:       defaultBackoff(),
		sleep:      sleepCtx,
		now:        time.Now,
	}
	b, err := build(cfg, key, &http.Client{Transport: tr})
	if err != nil {
		return nil, &ConfigError{Problems: []string{
			fmt.Sprintf("langchaingo cannot build the %s client: %s", cfg.Provider, red.redact(err.Error())),
		}}
	}
	return &Client{cfg: cfg, hasKey: key != "", backend: b, tr: tr, redact: red}, nil
}

// Chat sends the conversation and returns the model's reply text. Errors
// are *Error values (or, for malformed messages, plain errors); none holds
// the key.
func (c *Client) Chat(ctx context.Context, msgs []Message) (reply string, err error) {
	content, err := toContent(msgs)
	if err != nil {
		return "", err
	}
	tr := &trace{}
	ctx = withTrace(ctx, tr)
	defer c.recoverReply(tr, &err)
	resp, err := c.backend.chat.GenerateContent(ctx, content)
	if err != nil {
		return "", c.failure(ctx, tr, err)
	}
	reply = replyText(resp)
	if strings.TrimSpace(reply) == "" {
		return "", c.badReply(tr, "it holds no text")
	}
	return reply, nil
}

// Embed returns one vector per text, in order. It returns ErrNoEmbeddings
// when the Client has no embedding model.
func (c *Client) Embed(ctx context.Context, texts []string) (vecs [][]float32, err error) {
	if c.backend.embed == nil {
		return nil, fmt.Errorf("llm: %s: %w (set EmbeddingModel)", c.cfg.Provider, ErrNoEmbeddings)
	}
	if len(texts) == 0 {
		return nil, nil
	}
	tr := &trace{}
	ctx = withTrace(ctx, tr)
	defer c.recoverReply(tr, &err)
	vecs, err = c.backend.embed.CreateEmbedding(ctx, texts)
	if err != nil {
		return nil, c.failure(ctx, tr, err)
	}
	if why := checkVectors(vecs, len(texts)); why != "" {
		return nil, c.badReply(tr, why)
	}
	return vecs, nil
}

// Close releases what the provider's client holds (Google's keeps
// connections); other providers hold nothing. The Client is unusable after.
func (c *Client) Close() error {
	if c.backend.close == nil {
		return nil
	}
	return c.backend.close()
}

// String describes the client for logs and status messages: provider,
// model, endpoint and the variable the key comes from, never the key.
func (c *Client) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s model %q at %s", c.cfg.Provider, c.cfg.Model, cleanRaw(c.cfg.BaseURL))
	switch {
	case c.hasKey:
		fmt.Fprintf(&b, ", key from $%s", c.cfg.APIKeyEnv)
	default:
		b.WriteString(", no key")
	}
	if c.cfg.EmbeddingModel != "" {
		fmt.Fprintf(&b, ", embeddings %q", c.cfg.EmbeddingModel)
	}
	return c.redact.redact(b.String())
}

// GoString is String, so that %#v shows no more than %v.
func (c *Client) GoString() string { return c.String() }

// toContent converts messages to langchaingo's form.
func toContent(msgs []Message) ([]llms.MessageContent, error) {
	if len(msgs) == 0 {
		return nil, errors.New("llm: no messages to send")
	}
	out := make([]llms.MessageContent, len(msgs))
	for i, m := range msgs {
		var role llms.ChatMessageType
		switch m.Role {
		case RoleSystem:
			role = llms.ChatMessageTypeSystem
		case RoleUser:
			role = llms.ChatMessageTypeHuman
		case RoleAssistant:
			role = llms.ChatMessageTypeAI
		default:
			return nil, fmt.Errorf("llm: message %d has role %q; want system, user or assistant", i, m.Role)
		}
		out[i] = llms.TextParts(role, m.Content)
	}
	return out, nil
}

// checkVectors says what is wrong with embeddings for n texts, or "".
func checkVectors(vecs [][]float32, n int) string {
	if len(vecs) != n {
		return fmt.Sprintf("it has %d vectors for %d texts", len(vecs), n)
	}
	for i, v := range vecs {
		switch {
		case len(v) == 0:
			return fmt.Sprintf("vector %d is empty", i)
		case len(v) != len(vecs[0]):
			return fmt.Sprintf("vector %d has %d dimensions, vector 0 has %d", i, len(v), len(vecs[0]))
		}
	}
	return ""
}

// failure turns an error from langchaingo into the clearest *Error known:
// the transport's own when it gave up, the caller's cancellation, or an
// unusable reply when the reply arrived but langchaingo could not read it.
func (c *Client) failure(ctx context.Context, tr *trace, err error) error {
	attempts, u, _, _, gaveUp := tr.snapshot()
	switch {
	case gaveUp != nil:
		return gaveUp
	case ctx.Err() != nil:
		return c.redact.redactError(&Error{Provider: c.cfg.Provider, URL: u, Attempts: attempts,
			Msg: "request abandoned: " + ctx.Err().Error(), Err: ctx.Err()})
	case attempts == 0:
		return c.redact.redactError(&Error{Provider: c.cfg.Provider, Err: ErrRejected,
			Msg: "langchaingo did not send the request: " + err.Error()})
	}
	return c.badReply(tr, err.Error())
}

// badReply is the error for a reply that arrived but cannot be used.
func (c *Client) badReply(tr *trace, why string) error {
	attempts, u, status, body, _ := tr.snapshot()
	return c.redact.redactError(&Error{
		Provider: c.cfg.Provider,
		URL:      u,
		Status:   status,
		Attempts: attempts,
		Msg:      fmt.Sprintf("unusable reply from %s: %s; the endpoint sent %s", u, oneLine(why, maxServerMessage), snippet(body)),
		Err:      ErrBadReply,
	})
}

// recoverReply turns a panic inside langchaingo into ErrBadReply. Its
// parsers trust the server (a JSON "choices":[null] makes the OpenAI client
// dereference nil), and a model server must not be able to crash the
// language server.
func (c *Client) recoverReply(tr *trace, err *error) {
	if p := recover(); p != nil {
		*err = c.badReply(tr, fmt.Sprintf("langchaingo failed on it: %v", p))
	}
}
