package kernel

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// SnapshotVersion is the snapshot format version that WriteSnapshot writes
// and the only one ReadSnapshot accepts. It changes whenever the layout of
// the body changes; the package documentation describes version 1.
const SnapshotVersion = 1

// Errors of ReadSnapshot, wrapped with details.
var (
	ErrNotSnapshot     = errors.New("not a ken kernel snapshot")
	ErrSnapshotVersion = errors.New("unsupported kernel snapshot format version")
	ErrCorruptSnapshot = errors.New("corrupt kernel snapshot")
)

// snapshotMagic starts every snapshot file.
var snapshotMagic = []byte("KENKSNAP")

const (
	headerSize      = 12        // magic and version
	maxSnapshotFile = 256 << 20 // header and compressed body; real ones are about 2 MB
	maxSnapshotBody = 1 << 30   // decompressed; real ones are about 8 MB
)

// Section tags, in the order they appear in the body.
const (
	tagInfo        = "INFO"
	tagBTF         = "BTF "
	tagTracepoints = "TPNT"
	tagKallsyms    = "KSYM"
	tagEnd         = "END "
)

// snapshotInfo is the INFO section, JSON-encoded.
type snapshotInfo struct {
	Release  string       `json:"release"`
	Machine  string       `json:"machine"`
	Created  time.Time    `json:"created"`
	Features jsonFeatures `json:"features"`
	Tracefs  bool         `json:"tracefs"`
	Notes    []string     `json:"notes,omitempty"`
	Format   int          `json:"format"` // SnapshotVersion again, for readers of the JSON alone
}

// jsonFeatures is Features with stable JSON names.
type jsonFeatures struct {
	Fentry       bool `json:"fentry"`
	KallsymsData bool `json:"kallsyms_data"`
}

// ReadSnapshot loads a snapshot written by WriteSnapshot. Info().Source of
// the result is path.
func ReadSnapshot(path string) (*Kernel, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadSnapshotFrom(f, path)
}

// ReadSnapshotFrom loads a snapshot from r; name is used as Info().Source
// and in errors. Malformed input gives an error wrapping ErrNotSnapshot,
// ErrSnapshotVersion, ErrCorruptSnapshot or ErrBadBTF, never a panic.
func ReadSnapshotFrom(r io.Reader, name string) (*Kernel, error) {
	k, err := readSnapshot(r, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return k, nil
}

func readSnapshot(r io.Reader, name string) (*Kernel, error) {
	data, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	if len(data) < headerSize {
		return nil, fmt.Errorf("%w: file too short", ErrNotSnapshot)
	}
	if !bytes.HasPrefix(data, snapshotMagic) {
		return nil, ErrNotSnapshot
	}
	if v := binary.LittleEndian.Uint32(data[len(snapshotMagic):]); v != SnapshotVersion {
		return nil, fmt.Errorf("%w %d (this ken reads version %d; write a new snapshot with \"ken kernel snapshot\")",
			ErrSnapshotVersion, v, SnapshotVersion)
	}
	body, err := decompress(data[headerSize:])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorruptSnapshot, err)
	}
	return decodeBody(body, name)
}

// readLimited reads all of r, failing beyond maxSnapshotFile bytes. A
// regular file is read into a buffer of its size, which spares ReadAll's
// regrowing.
func readLimited(r io.Reader) ([]byte, error) {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() <= maxSnapshotFile {
			data := make([]byte, st.Size())
			n, err := io.ReadFull(f, data)
			if err == io.ErrUnexpectedEOF { // the file shrank meanwhile
				err = nil
			}
			return data[:n], err
		}
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSnapshotFile+1))
	if err == nil && len(data) > maxSnapshotFile {
		err = fmt.Errorf("%w: larger than %d bytes", ErrCorruptSnapshot, maxSnapshotFile)
	}
	return data, err
}

// decompress inflates the zstd body, bounding the memory it may take.
func decompress(compressed []byte) ([]byte, error) {
	dec, err := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxMemory(maxSnapshotBody),
		zstd.WithDecoderMaxWindow(64<<20))
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	return dec.DecodeAll(compressed, nil)
}

// decodeBody reads the sections of a decompressed body.
func decodeBody(body []byte, name string) (*Kernel, error) {
	sr := &sectionReader{buf: body}
	infoData := sr.next(tagInfo)
	btfData := sr.next(tagBTF)
	tpData := sr.next(tagTracepoints)
	symData := sr.next(tagKallsyms)
	sr.next(tagEnd)
	if sr.err == nil && len(sr.buf) > 0 {
		sr.err = fmt.Errorf("%w: %d bytes after the end section", ErrCorruptSnapshot, len(sr.buf))
	}
	if sr.err != nil {
		return nil, sr.err
	}

	var si snapshotInfo
	if err := json.Unmarshal(infoData, &si); err != nil {
		return nil, fmt.Errorf("%w: info: %w", ErrCorruptSnapshot, err)
	}
	k, err := newKernel(Info{
		Release:        si.Release,
		Machine:        si.Machine,
		Source:         name,
		Created:        si.Created,
		Tracefs:        si.Tracefs,
		Notes:          si.Notes,
		SnapshotFormat: SnapshotVersion,
	}, btfData)
	if err != nil {
		return nil, err
	}
	if err := k.decodeTracepoints(tpData); err != nil {
		return nil, err
	}
	syms, err := decodeStrings(symData)
	if err != nil {
		return nil, fmt.Errorf("%w: kallsyms: %w", ErrCorruptSnapshot, err)
	}
	p := probeResult{features: Features(si.Features)}
	k.probes = func() probeResult { return p }
	k.kallsyms = func() []string { return syms }
	return k, nil
}

// decodeTracepoints reads the TPNT section: a count, then for each
// tracepoint its category, name, a readable flag and, when readable, its
// format text. The tracepoints must be in strictly increasing order.
func (k *Kernel) decodeTracepoints(data []byte) error {
	d := &decoder{buf: data}
	n := d.count()
	ids := make([]TracepointID, 0, n)
	var texts [][]byte
	for i := 0; i < n && d.err == nil; i++ {
		id := TracepointID{string(d.bytes()), string(d.bytes())}
		var text []byte
		if d.byte() != 0 {
			text = d.bytes()
		}
		if d.err == nil && (id.Category == "" || id.Name == "" ||
			len(ids) > 0 && ids[len(ids)-1].compare(id) >= 0) {
			d.err = fmt.Errorf("tracepoint %s out of order or unnamed", id)
		}
		ids = append(ids, id)
		texts = append(texts, text)
	}
	if d.err == nil && len(d.buf) > 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err != nil {
		return fmt.Errorf("%w: tracepoints: %w", ErrCorruptSnapshot, d.err)
	}
	k.setTracepoints(ids)
	for i, text := range texts {
		k.tps[i].text = text
	}
	return nil
}

// decodeStrings reads a count and that many length-prefixed strings.
func decodeStrings(data []byte) ([]string, error) {
	d := &decoder{buf: data}
	n := d.count()
	out := make([]string, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		out = append(out, string(d.bytes()))
	}
	if d.err == nil && len(d.buf) > 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err == nil && !slices.IsSorted(out) {
		d.err = errors.New("not sorted")
	}
	return out, d.err
}

// WriteSnapshot saves everything ken knows about k to w, compressed: the
// raw BTF, every tracepoint's format text, Info and the kallsyms data
// symbols. On a live kernel it reads every tracepoint format and runs the
// feature probes first. The format is described in the package
// documentation.
func (k *Kernel) WriteSnapshot(w io.Writer) error {
	body := k.encodeBody()
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedBestCompression),
		zstd.WithEncoderConcurrency(1))
	if err != nil {
		return err
	}
	defer enc.Close()
	hdr := binary.LittleEndian.AppendUint32(slices.Clone(snapshotMagic), SnapshotVersion)
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err = w.Write(enc.EncodeAll(body, nil))
	return err
}

// encodeBody lays out the uncompressed sections.
func (k *Kernel) encodeBody() []byte {
	info := k.Info()
	infoData, _ := json.Marshal(snapshotInfo{ // cannot fail: plain data
		Release:  info.Release,
		Machine:  info.Machine,
		Created:  info.Created,
		Features: jsonFeatures(info.Features),
		Tracefs:  info.Tracefs,
		Notes:    info.Notes,
		Format:   SnapshotVersion,
	})
	k.loadAllTracepoints()
	var tps []byte
	tps = binary.AppendUvarint(tps, uint64(len(k.tpIDs)))
	for i, id := range k.tpIDs {
		tps = appendBytes(tps, []byte(id.Category))
		tps = appendBytes(tps, []byte(id.Name))
		if text := k.tps[i].text; text != nil {
			tps = appendBytes(append(tps, 1), text)
		} else {
			tps = append(tps, 0)
		}
	}
	syms := k.kallsyms()
	var symData []byte
	symData = binary.AppendUvarint(symData, uint64(len(syms)))
	for _, s := range syms {
		symData = appendBytes(symData, []byte(s))
	}

	var body []byte
	body = appendSection(body, tagInfo, infoData)
	body = appendSection(body, tagBTF, k.btfData)
	body = appendSection(body, tagTracepoints, tps)
	body = appendSection(body, tagKallsyms, symData)
	return appendSection(body, tagEnd, nil)
}

// loadAllTracepoints reads every tracepoint's format. Reading ~2000 tracefs
// files one after the other takes about 60 ms of system time; a few
// readers in parallel cut that on multi-core machines.
func (k *Kernel) loadAllTracepoints() {
	const workers = 4
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(k.tps); i += workers {
				k.loadTracepoint(i)
			}
		})
	}
	wg.Wait()
}

func appendSection(b []byte, tag string, payload []byte) []byte {
	b = append(b, tag...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
	return append(b, payload...)
}

func appendBytes(b, s []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// sectionReader splits a body into its tagged sections, remembering the
// first error.
type sectionReader struct {
	buf []byte
	err error
}

// next returns the payload of the next section, which must be tagged tag.
func (sr *sectionReader) next(tag string) []byte {
	if sr.err != nil {
		return nil
	}
	if len(sr.buf) < 8 {
		sr.err = fmt.Errorf("%w: truncated before section %q", ErrCorruptSnapshot, tag)
		return nil
	}
	if got := string(sr.buf[:4]); got != tag {
		sr.err = fmt.Errorf("%w: section %q where %q belongs", ErrCorruptSnapshot, got, tag)
		return nil
	}
	n := uint64(binary.LittleEndian.Uint32(sr.buf[4:]))
	if n > uint64(len(sr.buf)-8) {
		sr.err = fmt.Errorf("%w: section %q truncated", ErrCorruptSnapshot, tag)
		return nil
	}
	payload := sr.buf[8 : 8+n]
	sr.buf = sr.buf[8+n:]
	return payload
}

// decoder reads uvarints and length-prefixed byte strings, remembering the
// first error; after an error every read returns a zero value.
type decoder struct {
	buf []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.err = io.ErrUnexpectedEOF
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// count reads an element count, which cannot exceed the bytes left since
// every element takes at least one byte; this bounds preallocation.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.buf)) {
		d.err = fmt.Errorf("count %d exceeds data", n)
		return 0
	}
	return int(n)
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.buf) == 0 {
		d.err = io.ErrUnexpectedEOF
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

// bytes returns the next length-prefixed byte string, sharing d's buffer.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.buf)) {
		d.err = io.ErrUnexpectedEOF
		return nil
	}
	b := d.buf[:n:n]
	d.buf = d.buf[n:]
	return b
}
