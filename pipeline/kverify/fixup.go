package kverify

import (
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
)

// fixup makes spec what bpftrace itself would load on a machine with ncpus
// possible CPUs, so that the verifier sees the same constants and sizes,
// and makes its maps small where the verifier cannot tell the difference.
func fixup(spec *ebpf.CollectionSpec, ncpus int) {
	setCPUs(spec, ncpus)
	resizeBuffers(spec, ncpus)
	shrinkHashMaps(spec, ncpus)
}

// setCPUs fills in the read-only globals that bpftrace sets before loading
// (num_cpus and max_cpu_id; __bt__-prefixed from 0.24). They are constants
// to the verifier, which follows only the paths they allow: leaving them 0
// would hide the per-CPU loops and buffers from it (a string-heavy probe
// went from 143 to 680 instructions processed here once they were set).
func setCPUs(spec *ebpf.CollectionSpec, ncpus int) {
	values := map[string]uint64{
		"num_cpus":   uint64(ncpus),
		"max_cpu_id": uint64(ncpus - 1),
	}
	for name, v := range spec.Variables {
		value, ok := values[strings.TrimPrefix(name, "__bt__")]
		if ok && v.SectionName == ".rodata" {
			// Set fails only on a size mismatch: a variable of that name
			// that is not bpftrace's is left as the ELF has it.
			_ = v.Set(value)
		}
	}
}

// resizeBuffers gives each of bpftrace's scratch buffers (sections
// .data.fmt_str_buf, .data.get_str_buf, ...: one variable at offset 0) one
// slot per possible CPU, as bpftrace does before loading; the programs index
// them by CPU, up to max_cpu_id.
func resizeBuffers(spec *ebpf.CollectionSpec, ncpus int) {
	for name, ms := range spec.Maps {
		if !strings.HasPrefix(name, ".data.") || !isScratchBuffer(spec, name, ms.ValueSize) {
			continue
		}
		size := ms.ValueSize * uint32(ncpus)
		if ds, ok := ms.Value.(*btf.Datasec); ok {
			// The kernel checks the value type's size against the map's.
			resized := *ds
			resized.Size = size
			ms.Value = &resized
		}
		if len(ms.Contents) == 1 {
			if old, ok := ms.Contents[0].Value.([]byte); ok {
				value := make([]byte, size)
				copy(value, old)
				ms.Contents[0].Value = value
			}
		}
		ms.ValueSize = size
	}
}

// isScratchBuffer reports whether section holds exactly one variable, at
// offset 0 and as large as the section: the shape of bpftrace's per-CPU
// scratch buffers.
func isScratchBuffer(spec *ebpf.CollectionSpec, section string, size uint32) bool {
	found := 0
	for _, v := range spec.Variables {
		if v.SectionName != section {
			continue
		}
		found++
		if v.Offset != 0 || v.Size() != size {
			return false
		}
	}
	return found == 1
}

// shrinkHashMaps gives hash maps (and LRU, per-CPU and stack trace maps)
// room for ncpus entries instead of thousands. The verifier checks accesses
// against key and value sizes only, so its verdict and statistics do not
// change, while the kernel no longer preallocates every entry: for a
// program with a kstack map (131072 entries of 1016 bytes) and three
// 4096-entry per-CPU maps, loading went from 50–370 ms to 6 ms here.
// ncpus, not 1, because an LRU map with per-CPU free lists needs an entry
// per CPU.
func shrinkHashMaps(spec *ebpf.CollectionSpec, ncpus int) {
	for _, ms := range spec.Maps {
		switch ms.Type {
		case ebpf.Hash, ebpf.PerCPUHash, ebpf.LRUHash, ebpf.LRUCPUHash, ebpf.StackTrace:
			ms.MaxEntries = min(ms.MaxEntries, uint32(ncpus))
		}
	}
}
