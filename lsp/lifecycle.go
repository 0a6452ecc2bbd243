package lsp

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/protocol"
)

func init() {
	handleRequest("initialize", (*Server).initialize)
	handleNotification("initialized", func(s *Server, _ context.Context, _ json.RawMessage) error {
		s.initializedOnce.Do(func() { close(s.initialized) })
		return nil
	})
}

// initializeParams is the part of InitializeParams the server reads.
type initializeParams struct {
	InitializationOptions json.RawMessage `json:"initializationOptions"`
	Capabilities          struct {
		Window struct {
			WorkDoneProgress bool `json:"workDoneProgress"`
		} `json:"window"`
	} `json:"capabilities"`
}

// version is reported to clients in serverInfo; the ken command sets it.
var version = "devel"

// SetVersion sets the version reported in serverInfo.
func SetVersion(v string) { version = v }

func (s *Server) initialize(ctx context.Context, params json.RawMessage) (any, error) {
	var p initializeParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	s.clientProgress.Store(p.Capabilities.Window.WorkDoneProgress)
	settings, err := parseSettings(p.InitializationOptions)
	if err != nil {
		s.logf("initializationOptions: %v", err)
	}
	s.configure(ctx, settings)
	return map[string]any{
		"capabilities": s.capabilities(),
		"serverInfo":   map[string]string{"name": "ken", "version": version},
	}, nil
}

// capabilities lists what the server does. Each feature is declared only
// when its handler is registered, so that the list never claims more than
// there is. It is a map because some entries (inlay hints) are LSP 3.17,
// newer than go.lsp.dev's types.
func (s *Server) capabilities() map[string]any {
	caps := map[string]any{
		"textDocumentSync": map[string]any{
			"openClose": true,
			"change":    protocol.TextDocumentSyncKindIncremental,
			// Saving runs bpftrace's compiler and the kernel verifier.
			"save": map[string]any{"includeText": false},
		},
	}
	for method, entry := range capabilityEntries {
		if _, ok := requests[method]; ok {
			caps[entry.name] = entry.value
		}
	}
	return caps
}

// capabilityEntries maps request methods to their capability.
var capabilityEntries = map[string]struct {
	name  string
	value any
}{
	"textDocument/hover":             {"hoverProvider", true},
	"textDocument/completion":        {"completionProvider", map[string]any{"triggerCharacters": []string{":", ".", ">", "@", "$", "*"}}},
	"textDocument/definition":        {"definitionProvider", true},
	"textDocument/references":        {"referencesProvider", true},
	"textDocument/documentHighlight": {"documentHighlightProvider", true},
	"textDocument/rename":            {"renameProvider", map[string]any{"prepareProvider": true}},
	"textDocument/documentSymbol":    {"documentSymbolProvider", true},
	"textDocument/formatting":        {"documentFormattingProvider", true},
	"textDocument/foldingRange":      {"foldingRangeProvider", true},
	"textDocument/codeAction":        {"codeActionProvider", map[string]any{"codeActionKinds": []string{"quickfix", "refactor.rewrite", string(fixAllKind)}}},
	"textDocument/inlayHint":         {"inlayHintProvider", true},
	"workspace/executeCommand":       {"executeCommandProvider", map[string]any{"commands": []string{commandSynthesize}}},
	"textDocument/semanticTokens/full": {"semanticTokensProvider", map[string]any{
		"legend": map[string]any{"tokenTypes": tokenTypes, "tokenModifiers": tokenModifiers},
		"full":   true,
	}},
}

// Semantic token legend; the semantic tokens feature indexes into these.
var (
	tokenTypes     = []string{"namespace", "function", "variable", "parameter", "property", "keyword", "string", "number", "comment", "operator", "type", "enumMember", "macro"}
	tokenModifiers = []string{"declaration", "readonly", "defaultLibrary", "modification"}
)

// showMessage tells the person something they should act on.
func (s *Server) showMessage(ctx context.Context, text string) {
	err := s.conn.Notify(ctx, "window/showMessage", protocol.ShowMessageParams{Type: protocol.MessageTypeWarning, Message: "ken: " + text})
	if err != nil {
		s.logf("showMessage: %v", err)
	}
}

// logf writes a line to the server log.
func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.log, "ken lsp: "+format+"\n", args...)
}
