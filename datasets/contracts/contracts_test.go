package contracts_test

import (
	"bytes"
	"os"
	"testing"

	data "github.com/kenlsp/ken/datasets/contracts"
	"github.com/kenlsp/ken/symbex/contracts"
)

// TestEmbedded checks that the embedded text is curated.json as it is on
// disk and that it validates.
func TestEmbedded(t *testing.T) {
	disk, err := os.ReadFile("curated.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(disk, data.Curated) {
		t.Error("embedded curated.json differs from the file")
	}
	s, err := contracts.Parse(data.Curated, "curated.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Functions)+len(s.Tracepoints) < 100 {
		t.Errorf("%d curated hook points, want at least 100", len(s.Functions)+len(s.Tracepoints))
	}
}
