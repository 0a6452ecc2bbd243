package lsp

import (
	"fmt"
	"sync"
	"sync/atomic"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/symbex"
)

// document is one open file at one version. A document is immutable: an
// edit makes a new one, so a request can keep using the version it started
// with while newer text arrives.
type document struct {
	uri     protocol.DocumentURI
	version int32
	file    *source.File
	// result is the analysis of exactly this version, set once by
	// Server.analyze.
	once   sync.Once
	result *analysis.Result
	// verification is the symbolic verifier's report once it is done; nil
	// while it runs, when it is off, or when the document has errors.
	verification atomic.Pointer[symbex.Report]
	// stages is the run of every stage, bpftrace and the kernel verifier
	// included, once a save of this version started and finished it.
	stages atomic.Pointer[pipeline.Result]
}

func newDocument(uri protocol.DocumentURI, version int32, text []byte) *document {
	return &document{uri: uri, version: version, file: source.NewFile(string(uri), text)}
}

// contentChange is an LSP content change; Range is nil for a replacement
// of the whole text (go.lsp.dev's type cannot tell the two apart).
type contentChange struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

// applyChanges returns the text of d with the changes applied in order,
// each against the text the previous one produced.
func applyChanges(d *document, changes []contentChange) []byte {
	f := d.file
	for _, c := range changes {
		if c.Range == nil {
			f = source.NewFile(f.Name, []byte(c.Text))
			continue
		}
		s := toSpan(f, *c.Range)
		text := make([]byte, 0, len(f.Text)-s.Len()+len(c.Text))
		text = append(append(append(text, f.Text[:s.Start]...), c.Text...), f.Text[s.End:]...)
		f = source.NewFile(f.Name, text)
	}
	return f.Text
}

// store holds the open documents.
type store struct {
	mu   sync.Mutex
	docs map[protocol.DocumentURI]*document
}

func newStore() *store {
	return &store{docs: make(map[protocol.DocumentURI]*document)}
}

// get returns the current version of uri, or an error that names it.
func (s *store) get(uri protocol.DocumentURI) (*document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[uri]
	if !ok {
		return nil, fmt.Errorf("%s is not open", uri)
	}
	return d, nil
}

// set records d as the current version of its document.
func (s *store) set(d *document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[d.uri] = d
}

// remove forgets uri.
func (s *store) remove(uri protocol.DocumentURI) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.docs, uri)
}

// current reports whether d is still the newest version of its document.
func (s *store) current(d *document) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.docs[d.uri] == d
}

// replace swaps old for fresh if old is still current.
func (s *store) replace(old, fresh *document) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docs[old.uri] != old {
		return false
	}
	s.docs[old.uri] = fresh
	return true
}

// all returns the open documents.
func (s *store) all() []*document {
	s.mu.Lock()
	defer s.mu.Unlock()
	ds := make([]*document, 0, len(s.docs))
	for _, d := range s.docs {
		ds = append(ds, d)
	}
	return ds
}
