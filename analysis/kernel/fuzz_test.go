package kernel

import (
	"bytes"
	"testing"
)

// FuzzReadSnapshot feeds arbitrary files to the snapshot reader: it must
// return an error or a Kernel whose every method works, never panic.
func FuzzReadSnapshot(f *testing.F) {
	good := snapshotBytes(f, tinyKernel(f))
	f.Add(good)
	f.Add(good[:headerSize])
	f.Add(good[:len(good)-3])
	f.Add([]byte("KENKSNAP\x02\x00\x00\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ReadSnapshotFrom(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		exercise(t, k)
		var buf bytes.Buffer
		if err := k.WriteSnapshot(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadSnapshotFrom(&buf, "again"); err != nil {
			t.Fatalf("a snapshot written from a read one does not read back: %v", err)
		}
	})
}

// FuzzSnapshotBody fuzzes the decompressed body, which the checksum of the
// compressed stream keeps FuzzReadSnapshot from reaching with mutations.
func FuzzSnapshotBody(f *testing.F) {
	f.Add(tinyKernel(f).encodeBody())
	f.Fuzz(func(t *testing.T, body []byte) {
		k, err := decodeBody(body, "fuzz")
		if err != nil {
			return
		}
		exercise(t, k)
	})
}

// exercise calls every method of k and checks that its body can be
// encoded and decoded again. (Compressing it too would make each run take
// a second: zstd's best level sets up large tables, and fuzzing
// instruments them.)
func exercise(t *testing.T, k *Kernel) {
	k.Info()
	for _, name := range k.FuncNames() {
		k.Func(name)
		k.RawTracepoint(name)
	}
	k.MatchFuncs("*o*", 5)
	for _, name := range k.TypeNames() {
		k.Type(name)
	}
	for _, id := range k.MatchTracepoints("*", "*", 0) {
		k.Tracepoint(id.Category, id.Name)
	}
	k.Enumerator("DEMO_UP")
	k.Symbol("jiffies")
	k.info.Tracefs = false
	k.Tracepoint("demo", "demo")
	k.info.Tracefs = true
	if _, err := decodeBody(k.encodeBody(), "again"); err != nil {
		t.Fatalf("the body of a read snapshot does not decode again: %v", err)
	}
}
