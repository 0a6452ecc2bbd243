// Package kernel is ken's knowledge of one Linux kernel: its BTF types and
// functions and its tracepoints, read from the running kernel (Live) or from
// a snapshot file saved on another machine (ReadSnapshot).
//
// A Kernel is built quickly and answers lazily: name indexes over BTF,
// decoded types and parsed tracepoint formats are made on first use and
// kept. BTF types are decoded by github.com/cilium/ebpf/btf.
//
// # Snapshot format
//
// A snapshot is one file: a 12-byte header followed by one zstd frame.
//
//	offset  size  content
//	0       8     magic "KENKSNAP"
//	8       4     format version, little-endian uint32 (SnapshotVersion, 1)
//	12      ...   zstd frame (with content checksum) holding the body
//
// The version is outside the compressed body so that a reader rejects an
// unknown version before decompressing anything. Version 1's body is a
// sequence of sections, each a 4-byte ASCII tag, a little-endian uint32
// payload length and the payload, in this order:
//
//	"INFO"  JSON: release, machine, created (RFC 3339), features
//	        (fentry, kallsyms_data), tracefs,
//	        notes, format (the version again)
//	"BTF "  the kernel's raw BTF blob, as /sys/kernel/btf/vmlinux holds it
//	"TPNT"  tracepoints: a uvarint count, then per tracepoint, sorted by
//	        category and name: category, name, one byte (1: the format
//	        file was readable, 0: not) and, if readable, the format file's
//	        text; strings are a uvarint length and the bytes
//	"KSYM"  the sorted names of /proc/kallsyms data symbols: a uvarint
//	        count and as many strings
//	"END "  empty; nothing may follow it
//
// Any deviation (bad magic, other version, failed checksum, truncation, a
// missing, misplaced or overlong section, unsorted lists, malformed BTF) is
// an error; no input makes the reader panic. Tracepoint formats are stored
// as text and parsed by the same code as on a live kernel, so a snapshot
// answers exactly as the kernel it was taken from.
package kernel
