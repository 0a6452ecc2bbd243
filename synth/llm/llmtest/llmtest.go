// Package llmtest is a scripted model endpoint for tests: an httptest server
// that speaks the wire formats of OpenAI-compatible servers, Ollama's native
// API, Anthropic's Messages API and the Gemini REST API, so that tests run
// langchaingo's real client code without a network or a model.
//
// Each request the server receives takes the next Step of its script and
// is answered as the Step says, in the shape of the API it was sent to. The
// server records every request. A request beyond the script fails the test,
// and so does a script not used up when the test ends.
package llmtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Step scripts the answer to one request.
type Step struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// Body, when set, is sent as it is, whatever the API.
	Body string
	// Reply is the text of a well-formed reply in the API's shape, for a
	// chat request with a 2xx Status. A failing Status without Body gets an
	// error body in the API's shape.
	Reply string
	// Embedding holds the vectors of an embeddings reply, one per input; nil
	// gives each input a small vector derived from its text.
	Embedding [][]float32
	// Delay holds the reply back; it ends early when the client goes away.
	Delay time.Duration
	// Header adds reply headers, such as Retry-After.
	Header map[string]string
	// Drop closes the connection without a reply, as a crashed server or a
	// reset connection does.
	Drop bool
}

// Message is one message of a recorded chat request.
type Message struct {
	Role    string // as the API spells it: "user", "model", "system", ...
	Content string // its text parts, joined by newlines
}

// Request is a request the server received.
type Request struct {
	API      string      // one of the API* constants; "" when unknown
	Method   string      // "POST"
	Path     string      // URL path, such as "/v1/chat/completions"
	Header   http.Header // as received, credentials included, for tests about keys
	Body     []byte      // raw body
	JSON     any         // Body decoded, or nil when it is not JSON
	Model    string      // the model the request names
	Messages []Message   // chat messages, system prompt first
	Inputs   []string    // texts to embed
	Text     string      // every message's or input's text, joined by newlines
}

// Credential returns the key the request carried in any provider's header:
// a bearer token, x-api-key or x-goog-api-key; "" when none.
func (r Request) Credential() string {
	if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return v
	}
	for _, h := range []string{"X-Api-Key", "X-Goog-Api-Key"} {
		if v := r.Header.Get(h); v != "" {
			return v
		}
	}
	return ""
}

// APIs the server speaks, as recorded in Request.API.
const (
	APIOpenAIChat      = "openai-chat"      // POST /v1/chat/completions, /chat/completions
	APIOpenAIEmbed     = "openai-embed"     // POST /v1/embeddings, /embeddings
	APIOllamaChat      = "ollama-chat"      // POST /api/chat
	APIOllamaEmbed     = "ollama-embed"     // POST /api/embed
	APIAnthropicChat   = "anthropic-chat"   // POST /v1/messages, /messages
	APIGoogleChat      = "google-chat"      // POST /v1beta/models/M:generateContent
	APIGoogleStream    = "google-stream"    // POST /v1beta/models/M:streamGenerateContent
	APIGoogleEmbed     = "google-embed"     // POST /v1beta/models/M:batchEmbedContents
	APIGoogleEmbedOne  = "google-embed-one" // POST /v1beta/models/M:embedContent
	googleModelsPrefix = "/v1beta/models/"
)

// Server is a scripted endpoint. Its methods are safe for concurrent use.
type Server struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	steps    []Step
	next     int
	requests []Request
}

// NewServer starts a server answering with steps, in order. It closes when
// the test ends, and then reports any step never used.
func NewServer(t testing.TB, steps ...Step) *Server {
	t.Helper()
	s := &Server{t: t, steps: steps}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.close)
	return s
}

// URL returns the OpenAI-compatible base URL, ending in /v1: the form
// langchaingo's openai and anthropic clients take as BaseURL.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Root returns the server's root URL: the BaseURL form for Ollama and
// Google, and for OpenAI-compatible clients configured without /v1.
func (s *Server) Root() string { return s.srv.URL }

// Add appends steps to the script.
func (s *Server) Add(steps ...Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.steps = append(s.steps, steps...)
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Close stops the server; it is called when the test ends.
func (s *Server) Close() { s.srv.Close() }

// close stops the server and reports unused steps.
func (s *Server) close() {
	s.srv.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	if left := len(s.steps) - s.next; left > 0 {
		s.t.Errorf("llmtest: %d scripted step(s) never requested (%d request(s) received)", left, len(s.requests))
	}
}

// serve records the request and answers it with the next step.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	req := record(r)
	step, ok := s.take(req)
	switch {
	case req.API == "":
		s.t.Errorf("llmtest: request to unknown endpoint %s %s", r.Method, r.URL.Path)
		http.Error(w, "llmtest: unknown endpoint", http.StatusNotFound)
		return
	case !ok:
		s.t.Errorf("llmtest: unexpected request %s %s beyond the script", r.Method, r.URL.Path)
		http.Error(w, "llmtest: request beyond the script", http.StatusInternalServerError)
		return
	}
	if !wait(r, step.Delay) {
		return
	}
	if step.Drop {
		drop(w)
		return
	}
	answer(w, req, step)
}

// take records req and returns the step it uses; ok is false past the
// script's end. Requests to unknown endpoints use no step.
func (s *Server) take(req Request) (Step, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	if req.API == "" || s.next >= len(s.steps) {
		return Step{}, false
	}
	s.next++
	return s.steps[s.next-1], true
}

// wait holds the reply for d, and reports false if the client went away.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-r.Context().Done():
		return false
	case <-timer.C:
		return true
	}
}

// drop closes the connection without answering.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("llmtest: the server cannot hijack connections")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}

// answer writes step's reply to req.
func answer(w http.ResponseWriter, req Request, step Step) {
	for k, v := range step.Header {
		w.Header().Set(k, v)
	}
	status := step.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := step.Body
	switch {
	case body != "":
	case status/100 != 2:
		body = errorBody(req.API, status)
	default:
		body = replyBody(req, step)
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", contentType(req.API, body))
	}
	w.WriteHeader(status)
	bw := bufio.NewWriter(w)
	bw.WriteString(body)
	bw.Flush()
}

// contentType guesses the type of a body for its header.
func contentType(api, body string) string {
	switch t := strings.TrimSpace(body); {
	case api == APIOllamaChat && strings.HasPrefix(t, "{"):
		return "application/x-ndjson"
	case strings.HasPrefix(t, "{") || strings.HasPrefix(t, "["):
		return "application/json"
	case strings.HasPrefix(strings.ToLower(t), "<"):
		return "text/html; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// errorBody is a failing status's body in the API's error shape.
func errorBody(api string, status int) string {
	msg := fmt.Sprintf("llmtest: scripted %d %s", status, http.StatusText(status))
	if api == APIOllamaChat || api == APIOllamaEmbed {
		return mustJSON(map[string]any{"error": msg})
	}
	return mustJSON(map[string]any{"error": map[string]any{"message": msg, "type": "llmtest", "code": status}})
}

// mustJSON encodes v, which is always encodable here.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("llmtest: " + err.Error())
	}
	return string(b)
}
