package retrieve

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// FormatVersion is the version string of the store file. A file with any
// other version is not read (see [Open]).
const FormatVersion = "ken-store/1"

// DefaultMaxDocs bounds the docs a [Store] keeps; beyond it the oldest
// learned docs are dropped. A few thousand keeps search in microseconds
// and the file small.
const DefaultMaxDocs = 2000

// CacheDirEnv names the environment variable that overrides ken's cache
// directory. When set, the store is $KEN_CACHE_DIR/store.json (no "ken"
// subdirectory is added); tests and sandboxes use it.
const CacheDirEnv = "KEN_CACHE_DIR"

// Errors of [Open], wrapped in an [*OpenError].
var (
	// ErrCorrupt means the store file is not a valid store.
	ErrCorrupt = errors.New("store file is corrupt")
	// ErrUnknownVersion means the store file was written in a format this
	// ken does not know, perhaps by a newer ken.
	ErrUnknownVersion = errors.New("store file has an unknown format version")
)

// ErrEmptyDoc means a doc without a prompt or a program was added.
var ErrEmptyDoc = errors.New("doc needs a prompt and a program")

var _ EmbeddingCache = (*Store)(nil)

// An OpenError reports a store file that could not be used and was moved
// aside, so that nothing is lost and ken can carry on with an empty store.
type OpenError struct {
	Path    string // the store file
	MovedTo string // where the unreadable file now is
	Err     error  // wraps ErrCorrupt or ErrUnknownVersion
}

// Error says what was wrong and where the file went.
func (e *OpenError) Error() string {
	return fmt.Sprintf("learning store %s: %v; moved it to %s and started an empty store", e.Path, e.Err, e.MovedTo)
}

// Unwrap returns the cause, so errors.Is(err, ErrCorrupt) works.
func (e *OpenError) Unwrap() error { return e.Err }

// A Store is ken's learning store: verified docs the user accepted, kept in
// a JSON file, plus cached document embeddings. It is safe for concurrent
// use. Several processes may share the file: every write re-reads it first
// and replaces it atomically (temporary file and rename in the same
// directory), so a reader never sees half a file, and when two processes
// write at the same moment the last writer wins and the other's change is
// lost. That is acceptable for a cache of examples; nothing else is
// locked. Reads ([Store.Docs]) see the file as of the last open or write.
//
// The file is JSON:
//
//	{"version": "ken-store/1",
//	 "docs": [{"id", "prompt", "program", "origin", "added"}, ...],
//	 "embeddings": [{"key": EmbeddingKey, "vector": base64 of little-endian float32s}, ...]}
//
// Docs are in the order they were added; embeddings oldest first.
type Store struct {
	path string

	mu      sync.Mutex
	max     int
	docs    []Doc
	vectors map[string][]float32
	order   []string // embedding keys, oldest first
}

// storeFile is the on-disk form.
type storeFile struct {
	Version    string      `json:"version"`
	Docs       []Doc       `json:"docs"`
	Embeddings []embedding `json:"embeddings,omitempty"`
}

type embedding struct {
	Key    string `json:"key"`
	Vector string `json:"vector"`
}

// DefaultPath is where the store lives: $KEN_CACHE_DIR/store.json when
// that is set, otherwise ken/store.json under [os.UserCacheDir]
// (~/.cache/ken/store.json on Linux).
func DefaultPath() (string, error) {
	if dir := os.Getenv(CacheDirEnv); dir != "" {
		return filepath.Join(dir, "store.json"), nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the learning store: %w (set %s)", err, CacheDirEnv)
	}
	return filepath.Join(dir, "ken", "store.json"), nil
}

// Open reads the store at path ("" means [DefaultPath]). A missing file is
// an empty store; the file and its directory are created on the first
// write. A file that is corrupt or of an unknown version is renamed to
// path.corrupt-<UTC timestamp>, and Open returns both a usable empty Store
// and an [*OpenError] saying so: callers should show the error and carry
// on. Any other failure (unreadable file, the rename failing) returns a
// nil Store, since writing over the file would lose it.
func Open(path string) (*Store, error) {
	if path == "" {
		var err error
		if path, err = DefaultPath(); err != nil {
			return nil, err
		}
	}
	s := &Store{path: path, max: DefaultMaxDocs, vectors: map[string][]float32{}}
	f, err := s.read()
	if err != nil {
		var oe *OpenError
		if errors.As(err, &oe) {
			return s, err
		}
		return nil, err
	}
	s.load(f)
	return s, nil
}

// Path reports the store's file.
func (s *Store) Path() string { return s.path }

// SetMaxDocs changes the cap on docs (DefaultMaxDocs unless set); n < 1
// means 1. The cap applies from the next Add.
func (s *Store) SetMaxDocs(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.max = max(n, 1)
}

// Docs returns the store's docs in the order they were added.
func (s *Store) Docs() []Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.docs)
}

// Add saves a verified doc; the caller guarantees that it passed every
// check. Prompt and Program are required. Missing fields are filled in:
// Origin becomes OriginLearned, Added the current time, and ID one derived
// from the content. A doc whose prompt and program equal a stored one's
// (ignoring case in the prompt and spacing in both) is not stored twice:
// the stored one is refreshed instead, so it is not the next to be
// dropped. When the store is over its cap, the oldest learned docs go.
// Add returns the doc as stored. If the file was found corrupt it is moved
// aside as in [Open], the doc is not saved, and the [*OpenError] is
// returned; the next Add starts a new file.
func (s *Store) Add(doc Doc) (Doc, error) {
	doc.Prompt = strings.TrimSpace(doc.Prompt)
	if doc.Prompt == "" || strings.TrimSpace(doc.Program) == "" {
		return Doc{}, ErrEmptyDoc
	}
	if doc.Origin == "" {
		doc.Origin = OriginLearned
	}
	if doc.Added.IsZero() {
		doc.Added = time.Now().UTC().Truncate(time.Millisecond)
	}
	key := dedupeKey(doc)
	if doc.ID == "" {
		doc.ID = "learned-" + key[:12]
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reload(); err != nil {
		return Doc{}, err
	}
	docs := slices.Clone(s.docs)
	if i := slices.IndexFunc(docs, func(d Doc) bool { return dedupeKey(d) == key }); i >= 0 {
		docs[i].Added = later(docs[i].Added, doc.Added)
		doc = docs[i]
	} else {
		docs = append(docs, doc)
	}
	docs = capDocs(docs, s.max)
	if err := s.write(docs, s.order, s.vectors); err != nil {
		return Doc{}, err
	}
	s.docs = docs
	return doc, nil
}

// Reset forgets everything learned: it deletes the file (backing
// `ken store reset`) and empties the store. A missing file is not an error.
func (s *Store) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("resetting the learning store: %w", err)
	}
	s.docs, s.order, s.vectors = nil, nil, map[string][]float32{}
	return nil
}

// Index returns an Index over the dataset examples and the learned docs,
// dataset first. Learned docs that repeat a dataset example are left out.
// The store caches the embeddings of the Index (options given later may
// override that with [WithEmbeddingCache]).
func (s *Store) Index(dataset []Doc, opts ...Option) *Index {
	seen := map[string]bool{}
	docs := slices.Clone(dataset)
	for _, d := range dataset {
		seen[dedupeKey(d)] = true
	}
	for _, d := range s.Docs() {
		if !seen[dedupeKey(d)] {
			docs = append(docs, d)
		}
	}
	return NewIndex(docs, append([]Option{WithEmbeddingCache(s)}, opts...)...)
}

// Embedding returns the cached vector for key (see [EmbeddingCache]).
func (s *Store) Embedding(key string) ([]float32, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vectors[key]
	return v, ok
}

// SaveEmbeddings caches vectors by key and writes the file. It keeps at
// most twice the doc cap (twice DefaultMaxDocs if the cap is lower),
// dropping the oldest first.
func (s *Store) SaveEmbeddings(vectors map[string][]float32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reload(); err != nil {
		return err
	}
	all := maps.Clone(s.vectors)
	if all == nil {
		all = map[string][]float32{}
	}
	order := slices.Clone(s.order)
	for _, k := range sortedKeys(vectors) {
		if _, ok := all[k]; !ok {
			order = append(order, k)
		}
		all[k] = vectors[k]
	}
	if n := len(order) - s.maxEmbeddings(); n > 0 {
		for _, k := range order[:n] {
			delete(all, k)
		}
		order = order[n:]
	}
	if err := s.write(s.docs, order, all); err != nil {
		return err
	}
	s.order, s.vectors = order, all
	return nil
}

// maxEmbeddings leaves room for every learned doc and a dataset of the
// same size, with both old and new prompts' vectors for a while.
func (s *Store) maxEmbeddings() int { return 2 * max(s.max, DefaultMaxDocs) }

// reload replaces the in-memory state with the file, so a write does not
// undo what another process wrote since.
func (s *Store) reload() error {
	f, err := s.read()
	var oe *OpenError
	if err != nil && !errors.As(err, &oe) {
		return err
	}
	s.load(f) // after an *OpenError, f is empty: the file is gone
	return err
}

// load sets the in-memory state from a decoded file.
func (s *Store) load(f decoded) {
	s.docs, s.order, s.vectors = f.docs, f.order, f.vectors
}

// decoded is a store file after validation.
type decoded struct {
	docs    []Doc
	order   []string
	vectors map[string][]float32
}

// read reads and validates the file. A missing file is empty; an invalid
// one is moved aside and reported as an *OpenError.
func (s *Store) read() (decoded, error) {
	empty := decoded{vectors: map[string][]float32{}}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return empty, nil
	}
	if err != nil {
		return decoded{}, fmt.Errorf("reading the learning store: %w", err)
	}
	f, err := decode(data)
	if err != nil {
		moved, merr := s.moveAside()
		if merr != nil {
			return decoded{}, fmt.Errorf("learning store %s: %w; and moving it aside failed: %w", s.path, err, merr)
		}
		return empty, &OpenError{Path: s.path, MovedTo: moved, Err: err}
	}
	return f, nil
}

// decode parses and checks a store file.
func decode(data []byte) (decoded, error) {
	var f storeFile
	if err := json.Unmarshal(data, &f); err != nil {
		return decoded{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if f.Version != FormatVersion {
		return decoded{}, fmt.Errorf("%w %q (this ken reads %q)", ErrUnknownVersion, f.Version, FormatVersion)
	}
	for i, d := range f.Docs {
		if d.Prompt == "" || d.Program == "" {
			return decoded{}, fmt.Errorf("%w: doc %d has no prompt or program", ErrCorrupt, i)
		}
	}
	out := decoded{docs: f.Docs, vectors: make(map[string][]float32, len(f.Embeddings))}
	for _, e := range f.Embeddings {
		v, err := decodeVector(e.Vector)
		if err != nil {
			return decoded{}, fmt.Errorf("%w: embedding %s: %v", ErrCorrupt, e.Key, err)
		}
		if _, dup := out.vectors[e.Key]; !dup {
			out.order = append(out.order, e.Key)
		}
		out.vectors[e.Key] = v
	}
	return out, nil
}

// moveAside renames the unreadable file so that it is kept for the user
// to inspect and a new store can start.
func (s *Store) moveAside() (string, error) {
	to := s.path + ".corrupt-" + time.Now().UTC().Format("20060102T150405.000000000Z")
	if err := os.Rename(s.path, to); err != nil {
		return "", err
	}
	return to, nil
}

// write replaces the file atomically with the given state.
func (s *Store) write(docs []Doc, order []string, vectors map[string][]float32) error {
	f := storeFile{Version: FormatVersion, Docs: docs}
	if f.Docs == nil {
		f.Docs = []Doc{}
	}
	for _, k := range order {
		f.Embeddings = append(f.Embeddings, embedding{Key: k, Vector: encodeVector(vectors[k])})
	}
	data, err := json.MarshalIndent(f, "", "\t")
	if err != nil {
		return err
	}
	if err := writeAtomic(s.path, append(data, '\n')); err != nil {
		return fmt.Errorf("writing the learning store: %w", err)
	}
	return nil
}

// writeAtomic writes data to a temporary file in path's directory and
// renames it over path, so readers see the old file or the new one,
// never a part.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// encodeVector stores a vector exactly and compactly: base64 of its
// little-endian float32s is a third the size of JSON numbers.
func encodeVector(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func decodeVector(s string) ([]float32, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 || len(b)%4 != 0 {
		return nil, fmt.Errorf("%d bytes is not a vector of float32", len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

// dedupeKey identifies a doc by content: the prompt ignoring case and
// spacing, and the program ignoring spacing, hashed.
func dedupeKey(d Doc) string {
	p := strings.Join(strings.Fields(strings.ToLower(d.Prompt)), " ")
	prog := strings.Join(strings.Fields(d.Program), " ")
	h := sha256.Sum256([]byte(p + "\x00" + prog))
	return hex.EncodeToString(h[:])
}

// capDocs drops docs beyond max: learned docs before dataset ones, oldest
// first (ties by ID), keeping the order of the rest.
func capDocs(docs []Doc, max int) []Doc {
	n := len(docs) - max
	if n <= 0 {
		return docs
	}
	idx := make([]int, len(docs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		da, db := docs[a], docs[b]
		if c := cmp.Compare(learnedFirst(da), learnedFirst(db)); c != 0 {
			return c
		}
		if c := da.Added.Compare(db.Added); c != 0 {
			return c
		}
		return strings.Compare(da.ID, db.ID)
	})
	drop := map[int]bool{}
	for _, i := range idx[:n] {
		drop[i] = true
	}
	kept := make([]Doc, 0, max)
	for i, d := range docs {
		if !drop[i] {
			kept = append(kept, d)
		}
	}
	return kept
}

func learnedFirst(d Doc) int {
	if d.Origin == OriginLearned {
		return 0
	}
	return 1
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
