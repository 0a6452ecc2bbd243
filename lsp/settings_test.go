package lsp

import (
	"strings"
	"testing"
)

// TestParseSettings covers the shapes clients send.
func TestParseSettings(t *testing.T) {
	off, on := false, true
	tests := []struct {
		name, json string
		want       Settings
		wantErr    string
	}{
		{"flat", `{"kernel":"k.ken","dialect":"0.23"}`, Settings{Kernel: "k.ken", Dialect: "0.23"}, ""},
		{"section", `{"ken":{"kernel":"none","bpftrace":"bpftrace-0.23"}}`, Settings{Kernel: "none", Bpftrace: "bpftrace-0.23"}, ""},
		{"didChangeConfiguration", `{"settings":{"ken":{"dialect":"0.26"}}}`, Settings{Dialect: "0.26"}, ""},
		{"inlay hints as VS Code sends them", `{"ken":{"kernel":"k.ken","inlayHints":{"enable":false}}}`, Settings{Kernel: "k.ken", InlayHints: &off}, ""},
		{"inlay hints as a boolean", `{"inlayHints":true}`, Settings{InlayHints: &on}, ""},
		{"one bad field keeps the others", `{"kernel":"k.ken","dialect":23,"inlayHints":"yes"}`, Settings{Kernel: "k.ken"}, "dialect"},
		{"null", `null`, Settings{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSettings([]byte(tt.json))
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if got.Kernel != tt.want.Kernel || got.Dialect != tt.want.Dialect || got.Bpftrace != tt.want.Bpftrace ||
				(got.InlayHints == nil) != (tt.want.InlayHints == nil) || (got.InlayHints != nil && *got.InlayHints != *tt.want.InlayHints) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestSameSettingsKeepTheKernel: VS Code sends its initializationOptions
// again as the first configuration change; the kernel is not loaded again.
func TestSameSettingsKeepTheKernel(t *testing.T) {
	c := startServer(t, testSettings())
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"ken": testSettings()}})
	var configured bool
	c.call("ken/configured", nil, &configured)
	if !configured {
		t.Error("the same settings started a new configuration")
	}
}
