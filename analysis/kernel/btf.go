package kernel

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/cilium/ebpf/btf"
)

// This file reads raw BTF far enough to index names. cilium/ebpf decodes a
// type only together with everything it references (struct sock pulls in
// thousands of types), so listing every function or enumerator through it
// would inflate the whole kernel. Walking the fixed-size type records
// ourselves costs a few milliseconds and no per-type allocation; cilium/ebpf
// still decodes the types we hand out, by ID.

// ErrBadBTF is wrapped by errors about malformed BTF data.
var ErrBadBTF = errors.New("malformed BTF")

// BTF type kinds, from the kernel's include/uapi/linux/btf.h.
const (
	kindInt       = 1
	kindPtr       = 2
	kindArray     = 3
	kindStruct    = 4
	kindUnion     = 5
	kindEnum      = 6
	kindFwd       = 7
	kindTypedef   = 8
	kindVolatile  = 9
	kindConst     = 10
	kindRestrict  = 11
	kindFunc      = 12
	kindFuncProto = 13
	kindVar       = 14
	kindDatasec   = 15
	kindFloat     = 16
	kindDeclTag   = 17
	kindTypeTag   = 18
	kindEnum64    = 19
)

const (
	btfMagic         = 0xeb9f
	btfHeaderMinSize = 24 // magic, version, flags, hdr_len and four offsets/lengths
	btfTypeSize      = 12 // name_off, info, size_or_type
)

// rawBTF is a validated raw BTF blob: its type records and string table.
type rawBTF struct {
	order   binary.ByteOrder
	types   []byte
	strings string // the string table; names are substrings of it
}

// parseRawBTF checks the header of a raw BTF blob and locates its sections.
func parseRawBTF(data []byte) (*rawBTF, error) {
	if len(data) < btfHeaderMinSize {
		return nil, fmt.Errorf("%w: %d bytes is too short for a header", ErrBadBTF, len(data))
	}
	var order binary.ByteOrder
	switch {
	case binary.LittleEndian.Uint16(data) == btfMagic:
		order = binary.LittleEndian
	case binary.BigEndian.Uint16(data) == btfMagic:
		order = binary.BigEndian
	default:
		return nil, fmt.Errorf("%w: bad magic %#x", ErrBadBTF, binary.LittleEndian.Uint16(data))
	}
	hdrLen := uint64(order.Uint32(data[4:]))
	typeOff, typeLen := uint64(order.Uint32(data[8:])), uint64(order.Uint32(data[12:]))
	strOff, strLen := uint64(order.Uint32(data[16:])), uint64(order.Uint32(data[20:]))
	if hdrLen < btfHeaderMinSize || hdrLen > uint64(len(data)) {
		return nil, fmt.Errorf("%w: header length %d out of bounds", ErrBadBTF, hdrLen)
	}
	body := data[hdrLen:]
	if typeOff+typeLen > uint64(len(body)) || strOff+strLen > uint64(len(body)) {
		return nil, fmt.Errorf("%w: sections out of bounds", ErrBadBTF)
	}
	strs := body[strOff : strOff+strLen]
	return &rawBTF{
		order: order,
		types: body[typeOff : typeOff+typeLen],
		// The string table is viewed, not copied (it is megabytes): data
		// belongs to the Kernel, which never modifies it.
		strings: unsafe.String(unsafe.SliceData(strs), len(strs)),
	}, nil
}

// extractELFBTF returns the .BTF section of an ELF file (a vmlinux image),
// or data itself when it is not an ELF file.
func extractELFBTF(data []byte) ([]byte, error) {
	if !bytes.HasPrefix(data, []byte(elf.ELFMAG)) {
		return data, nil
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	sec := f.Section(".BTF")
	if sec == nil {
		return nil, fmt.Errorf("%w: ELF file has no .BTF section", ErrBadBTF)
	}
	return sec.Data()
}

// name returns the NUL-terminated string at off in the string table, or ""
// when off is out of bounds.
func (r *rawBTF) name(off uint32) string {
	if uint64(off) >= uint64(len(r.strings)) {
		return ""
	}
	s := r.strings[off:]
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}

// btfRecord is one type record as walk presents it.
type btfRecord struct {
	id      btf.TypeID
	kind    int
	nameOff uint32 // resolved by rawBTF.name only where needed: it is most of walk's cost
	vlen    int
	kflag   bool   // the kind_flag bit: signedness for enums
	extra   []byte // the kind-specific data after the 12-byte header
}

// walk calls fn for every type record in ID order (the first type is ID 1).
// It stops at the first malformed record and returns an error.
func (r *rawBTF) walk(fn func(*btfRecord)) error {
	buf := r.types
	var rec btfRecord
	for id := btf.TypeID(1); len(buf) > 0; id++ {
		if len(buf) < btfTypeSize {
			return fmt.Errorf("%w: type %d truncated", ErrBadBTF, id)
		}
		info := r.order.Uint32(buf[4:])
		rec = btfRecord{
			id:      id,
			kind:    int(info>>24) & 0x1f,
			nameOff: r.order.Uint32(buf),
			vlen:    int(info & 0xffff),
			kflag:   info&(1<<31) != 0,
		}
		n, err := extraLen(rec.kind, rec.vlen)
		if err != nil {
			return fmt.Errorf("type %d: %w", id, err)
		}
		if btfTypeSize+n > len(buf) {
			return fmt.Errorf("%w: type %d truncated", ErrBadBTF, id)
		}
		rec.extra = buf[btfTypeSize : btfTypeSize+n]
		fn(&rec)
		buf = buf[btfTypeSize+n:]
	}
	return nil
}

// extraLen is the size of the data that follows a type record's header.
func extraLen(kind, vlen int) (int, error) {
	switch kind {
	case kindPtr, kindFwd, kindTypedef, kindVolatile, kindConst, kindRestrict,
		kindFunc, kindFloat, kindTypeTag:
		return 0, nil
	case kindInt, kindVar, kindDeclTag:
		return 4, nil
	case kindArray:
		return 12, nil
	case kindStruct, kindUnion, kindDatasec, kindEnum64:
		return 12 * vlen, nil
	case kindEnum, kindFuncProto:
		return 8 * vlen, nil
	}
	return 0, fmt.Errorf("%w: unknown kind %d", ErrBadBTF, kind)
}

// funcIndex lists the BTF functions by name.
type funcIndex struct {
	names []string     // sorted, unique
	ids   []btf.TypeID // ids[i] is the function named names[i]
}

// buildFuncIndex collects every FUNC record. When two functions share a
// name (static functions of different files), the first one is kept, as
// the ID order is the only stable choice BTF offers.
func buildFuncIndex(r *rawBTF) (*funcIndex, error) {
	type entry struct {
		name string
		id   btf.TypeID
	}
	var entries []entry
	err := r.walk(func(rec *btfRecord) {
		if rec.kind == kindFunc {
			if name := r.name(rec.nameOff); name != "" {
				entries = append(entries, entry{name, rec.id})
			}
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	idx := &funcIndex{
		names: make([]string, 0, len(entries)),
		ids:   make([]btf.TypeID, 0, len(entries)),
	}
	for i, e := range entries {
		if i > 0 && e.name == entries[i-1].name {
			continue
		}
		idx.names = append(idx.names, e.name)
		idx.ids = append(idx.ids, e.id)
	}
	return idx, nil
}

// lookup returns the ID of the function named name.
func (idx *funcIndex) lookup(name string) (btf.TypeID, bool) {
	i, ok := slices.BinarySearch(idx.names, name)
	if !ok {
		return 0, false
	}
	return idx.ids[i], true
}

// typeKey is a C type name split into its tag and identifier, so that
// "struct sock" needs no string concatenation to be a map key.
type typeKey struct {
	tag  tag
	name string
}

// tag is the keyword before a C type name.
type tag uint8

const (
	tagNone   tag = iota // typedefs and base types
	tagStruct            // struct
	tagUnion             // union
	tagEnum              // enum
)

// tagWords are the keywords spelled out, indexed by tag.
var tagWords = [...]string{tagNone: "", tagStruct: "struct", tagUnion: "union", tagEnum: "enum"}

// String spells the key as C does: "struct sock", "pid_t".
func (k typeKey) String() string {
	if k.tag == tagNone {
		return k.name
	}
	return tagWords[k.tag] + " " + k.name
}

// typeIndex finds named types: structs, unions, enums, typedefs and base
// types.
type typeIndex map[typeKey]btf.TypeID

// buildTypeIndex indexes the named types. A name defined more than once
// keeps its first complete definition: a forward declaration (FWD, or an
// enum without members) is used only when no definition exists.
func buildTypeIndex(r *rawBTF) (typeIndex, error) {
	idx := make(typeIndex)
	forward := make(typeIndex)
	err := r.walk(func(rec *btfRecord) {
		t, complete, ok := recordTag(rec)
		if !ok || rec.nameOff == 0 {
			return
		}
		key := typeKey{t, r.name(rec.nameOff)}
		if key.name == "" {
			return
		}
		into := idx
		if !complete {
			into = forward
		}
		if _, dup := into[key]; !dup {
			into[key] = rec.id
		}
	})
	if err != nil {
		return nil, err
	}
	for key, id := range forward {
		if _, ok := idx[key]; !ok {
			idx[key] = id
		}
	}
	return idx, nil
}

// recordTag says how C names a record's type: with which tag, whether it
// is a complete definition, and ok false for kinds that name no type.
func recordTag(rec *btfRecord) (t tag, complete, ok bool) {
	switch rec.kind {
	case kindStruct:
		return tagStruct, true, true
	case kindUnion:
		return tagUnion, true, true
	case kindEnum, kindEnum64:
		return tagEnum, rec.vlen > 0, true
	case kindFwd:
		if rec.kflag {
			return tagUnion, false, true
		}
		return tagStruct, false, true
	case kindTypedef, kindInt, kindFloat:
		return tagNone, true, true
	}
	return 0, false, false
}

// buildEnumIndex maps every enumerator to its value. When several enums
// define the same constant, the first in BTF order wins.
func buildEnumIndex(r *rawBTF) (map[string]int64, error) {
	idx := make(map[string]int64)
	err := r.walk(func(rec *btfRecord) {
		if rec.kind == kindEnum || rec.kind == kindEnum64 {
			addEnumerators(idx, r, rec)
		}
	})
	return idx, err
}

// addEnumerators records the constants of an ENUM or ENUM64 record. The
// kind_flag bit says whether the values are signed; an unsigned 64-bit
// value above MaxInt64 wraps to a negative int64.
func addEnumerators(idx map[string]int64, r *rawBTF, rec *btfRecord) {
	size := 8
	if rec.kind == kindEnum64 {
		size = 12
	}
	for i := 0; i+size <= len(rec.extra); i += size {
		e := rec.extra[i : i+size]
		name := r.name(r.order.Uint32(e))
		if _, dup := idx[name]; dup || name == "" {
			continue
		}
		var v int64
		switch {
		case rec.kind == kindEnum64:
			v = int64(uint64(r.order.Uint32(e[8:]))<<32 | uint64(r.order.Uint32(e[4:])))
		case rec.kflag:
			v = int64(int32(r.order.Uint32(e[4:])))
		default:
			v = int64(r.order.Uint32(e[4:]))
		}
		idx[name] = v
	}
}
