package llmtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// record reads what a request says.
func record(r *http.Request) Request {
	body, _ := io.ReadAll(r.Body)
	req := Request{
		API:    apiOf(r.Method, r.URL.Path),
		Method: r.Method,
		Path:   r.URL.Path,
		Header: r.Header.Clone(),
		Body:   body,
	}
	var doc map[string]any
	if json.Unmarshal(body, &doc) == nil {
		req.JSON = doc
	}
	req.Model, _ = doc["model"].(string)
	if strings.HasPrefix(req.API, "google") {
		req.Model = googleModel(r.URL.Path)
	}
	req.Messages = messages(doc)
	req.Inputs = inputs(doc)
	var texts []string
	for _, m := range req.Messages {
		texts = append(texts, m.Content)
	}
	req.Text = strings.Join(append(texts, req.Inputs...), "\n")
	return req
}

// apiOf names the API a request is for, or "".
func apiOf(method, path string) string {
	if method != http.MethodPost {
		return ""
	}
	switch path {
	case "/v1/chat/completions", "/chat/completions":
		return APIOpenAIChat
	case "/v1/embeddings", "/embeddings":
		return APIOpenAIEmbed
	case "/api/chat":
		return APIOllamaChat
	case "/api/embed":
		return APIOllamaEmbed
	case "/v1/messages", "/messages":
		return APIAnthropicChat
	}
	rest, ok := strings.CutPrefix(path, googleModelsPrefix)
	if !ok {
		return ""
	}
	switch rest[strings.LastIndexByte(rest, ':')+1:] {
	case "generateContent":
		return APIGoogleChat
	case "streamGenerateContent":
		return APIGoogleStream
	case "batchEmbedContents":
		return APIGoogleEmbed
	case "embedContent":
		return APIGoogleEmbedOne
	}
	return ""
}

// googleModel returns the model named in a Gemini path.
func googleModel(path string) string {
	rest := strings.TrimPrefix(path, googleModelsPrefix)
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// messages returns a chat request's messages in any API's shape: the
// system prompt (Anthropic's "system", Gemini's "systemInstruction") first,
// then "messages" (OpenAI, Ollama, Anthropic) or "contents" (Gemini).
func messages(doc map[string]any) []Message {
	var out []Message
	for _, key := range []string{"system", "systemInstruction"} {
		if sys := textOf(doc[key]); sys != "" {
			out = append(out, Message{Role: "system", Content: sys})
		}
	}
	for _, key := range []string{"messages", "contents"} {
		list, _ := doc[key].([]any)
		for _, m := range list {
			fields, _ := m.(map[string]any)
			role, _ := fields["role"].(string)
			out = append(out, Message{Role: role, Content: textOf(m)})
		}
	}
	return out
}

// inputs returns an embeddings request's texts: OpenAI's and Ollama's
// "input", Gemini's "requests" (batch) or "content" (one).
func inputs(doc map[string]any) []string {
	var out []string
	switch x := doc["input"].(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, e := range x {
			out = append(out, textOf(e))
		}
	}
	if reqs, ok := doc["requests"].([]any); ok {
		for _, r := range reqs {
			fields, _ := r.(map[string]any)
			out = append(out, textOf(fields["content"]))
		}
	}
	if _, chat := doc["contents"]; !chat && doc["content"] != nil {
		out = append(out, textOf(doc["content"]))
	}
	return out
}

// textOf returns the text in a content value of any API: a string, a list
// of parts or blocks, or an object with "text", "parts" or "content".
func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var parts []string
		for _, e := range x {
			if t := textOf(e); t != "" {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "\n")
	case map[string]any:
		if t, ok := x["text"].(string); ok {
			return t
		}
		if p, ok := x["parts"]; ok {
			return textOf(p)
		}
		return textOf(x["content"])
	}
	return ""
}

// replyBody is a well-formed 2xx reply to req.
func replyBody(req Request, step Step) string {
	switch req.API {
	case APIOpenAIChat:
		return openAIChat(req.Model, step.Reply)
	case APIOllamaChat:
		return ollamaChat(req.Model, step.Reply)
	case APIAnthropicChat:
		return anthropicChat(req.Model, step.Reply)
	case APIGoogleChat:
		return googleChat(step.Reply)
	case APIGoogleStream:
		return "[" + googleChat(step.Reply) + "]"
	}
	return embedBody(req, vectors(req, step))
}

func openAIChat(model, reply string) string {
	return mustJSON(map[string]any{
		"id": "chatcmpl-llmtest", "object": "chat.completion", "created": 1700000000, "model": model,
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": reply},
		}},
		"usage": map[string]any{"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
	})
}

// ollamaChat is a non-streaming reply: one NDJSON line with done set.
func ollamaChat(model, reply string) string {
	return mustJSON(map[string]any{
		"model": model, "created_at": "2025-01-01T00:00:00Z", "done": true, "done_reason": "stop",
		"message": map[string]any{"role": "assistant", "content": reply},
	}) + "\n"
}

func anthropicChat(model, reply string) string {
	return mustJSON(map[string]any{
		"id": "msg_llmtest", "type": "message", "role": "assistant", "model": model,
		"content":     []any{map[string]any{"type": "text", "text": reply}},
		"stop_reason": "end_turn",
		"usage":       map[string]any{"input_tokens": 1, "output_tokens": 1},
	})
}

func googleChat(reply string) string {
	return mustJSON(map[string]any{
		"candidates": []any{map[string]any{
			"index": 0, "finishReason": "STOP",
			"content": map[string]any{"role": "model", "parts": []any{map[string]any{"text": reply}}},
		}},
		"usageMetadata": map[string]any{"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
	})
}

// vectors returns the step's vectors, or one small vector per input
// derived from its text, so that different texts get different vectors.
func vectors(req Request, step Step) [][]float32 {
	if step.Embedding != nil {
		return step.Embedding
	}
	out := make([][]float32, len(req.Inputs))
	for i, in := range req.Inputs {
		out[i] = []float32{float32(len(in)), float32(strings.Count(in, " ")), 1}
	}
	return out
}

// embedBody is an embeddings reply in req's API shape.
func embedBody(req Request, vecs [][]float32) string {
	switch req.API {
	case APIOllamaEmbed:
		return mustJSON(map[string]any{"model": req.Model, "embeddings": vecs})
	case APIGoogleEmbed:
		list := make([]any, len(vecs))
		for i, v := range vecs {
			list[i] = map[string]any{"values": v}
		}
		return mustJSON(map[string]any{"embeddings": list})
	case APIGoogleEmbedOne:
		var first []float32
		if len(vecs) > 0 {
			first = vecs[0]
		}
		return mustJSON(map[string]any{"embedding": map[string]any{"values": first}})
	}
	data := make([]any, len(vecs))
	for i, v := range vecs {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": v}
	}
	return mustJSON(map[string]any{"object": "list", "model": req.Model, "data": data})
}
