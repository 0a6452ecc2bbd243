package kernel

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// loadSpec hands the raw BTF to cilium/ebpf, which indexes it and decodes
// types on demand.
func loadSpec(data []byte) (spec *btf.Spec, err error) {
	defer recoverBTF(&err)
	spec, err = btf.LoadSpecFromReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadBTF, err)
	}
	return spec, nil
}

// recoverBTF turns a panic of the BTF decoder into an error. Snapshots are
// untrusted input, and a decoder bug must not take ken down with it.
func recoverBTF(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: decoder panic: %v", ErrBadBTF, r)
	}
}

// Type returns the named BTF type. name is written as in C: "struct sock",
// "union bpf_attr", "enum sock_type", or a typedef or base type ("pid_t",
// "int"). Spaces are insignificant, and integer types may be spelled in
// any of C's ways ("unsigned long", "long unsigned int"; "bool" for
// _Bool) whatever spelling the compiler put in BTF.
func (k *Kernel) Type(name string) (btf.Type, bool) {
	typ := k.lookupType(name)
	return typ, typ != nil
}

// lookupType implements Type; it returns nil when name is unknown.
func (k *Kernel) lookupType(name string) btf.Type {
	idx, err := k.types()
	if err != nil {
		return nil
	}
	words := strings.Fields(name)
	key := typeKey{tag: tagNone}
	if len(words) == 2 {
		if t := slices.Index(tagWords[:], words[0]); t > 0 {
			key = typeKey{tag(t), words[1]}
		}
	}
	if key.tag == tagNone {
		key.name = strings.Join(words, " ")
	}
	if id, ok := idx[key]; ok {
		return k.typeByID(id)
	}
	if key.tag != tagNone {
		return nil
	}
	for _, alt := range intSpellings(words) {
		if id, ok := idx[typeKey{tagNone, alt}]; ok {
			return k.typeByID(id)
		}
	}
	return nil
}

// TypeNames returns the C spelling of every named type Type can find, sorted.
// It builds a new slice on each call.
func (k *Kernel) TypeNames() []string {
	idx, err := k.types()
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(idx))
	for key := range idx {
		names = append(names, key.String())
	}
	slices.Sort(names)
	return names
}

// intSpellings returns the ways GCC and Clang name the integer type that
// words spell ("unsigned long" is "long unsigned int" in GCC's DWARF and
// "unsigned long" in Clang's), or nil when words is not an integer type.
func intSpellings(words []string) []string {
	if len(words) == 0 {
		return nil
	}
	var unsigned, signed, short, char, integer bool
	longs := 0
	for _, w := range words {
		switch w {
		case "unsigned":
			unsigned = true
		case "signed":
			signed = true
		case "short":
			short = true
		case "long":
			longs++
		case "char":
			char = true
		case "int":
			integer = true
		case "bool", "_Bool":
			if len(words) == 1 {
				return []string{"_Bool"}
			}
			return nil
		default:
			return nil
		}
	}
	if unsigned && signed || short && (longs > 0 || char) || char && (longs > 0 || integer) || longs > 2 {
		return nil
	}
	switch {
	case char && unsigned:
		return []string{"unsigned char"}
	case char && signed:
		return []string{"signed char"}
	case char:
		return []string{"char"}
	}
	base := map[int]string{0: "int", 1: "long", 2: "long long"}[longs]
	if short {
		base = "short"
	}
	gcc, clang := base+" int", base
	if base == "int" {
		gcc = "int"
	}
	if unsigned {
		gcc = base + " unsigned int"
		clang = "unsigned " + base
		if base == "int" {
			gcc, clang = "unsigned int", "unsigned int"
		}
	}
	return []string{gcc, clang}
}
