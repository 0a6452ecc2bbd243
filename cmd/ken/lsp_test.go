package main

import "testing"

// TestLSPArgs: the flags language clients add are accepted, since
// refusing them leaves the editor without a server (VS Code's client
// passes --stdio).
func TestLSPArgs(t *testing.T) {
	tests := []struct {
		args          []string
		help, wantErr bool
	}{
		{nil, false, false},
		{[]string{"--stdio"}, false, false},
		{[]string{"--stdio", "--clientProcessId=4242"}, false, false},
		{[]string{"--clientProcessId", "4242"}, false, true},
		{[]string{"--help"}, true, false},
		{[]string{"--port=9000"}, false, true},
		{[]string{"stdio"}, false, true},
	}
	for _, tt := range tests {
		help, err := lspArgs(tt.args)
		if help != tt.help || (err != nil) != tt.wantErr {
			t.Errorf("%q: help %v, err %v; want help %v, error %v", tt.args, help, err, tt.help, tt.wantErr)
		}
	}
}
