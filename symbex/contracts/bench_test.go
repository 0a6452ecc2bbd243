package contracts

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
)

// BenchmarkGenerate measures Generate on the test snapshot (about 56,000
// functions and 2,300 tracepoints) and reports the size of the JSON.
func BenchmarkGenerate(b *testing.B) {
	k := kerneltest.Snapshot(b)
	Generate(k) // decode the BTF once, as a long-running ken would have
	b.ResetTimer()
	var s *Set
	for b.Loop() {
		s = Generate(k)
	}
	b.StopTimer()
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(buf.Len()), "json-bytes")
	b.ReportMetric(float64(len(s.Functions)), "functions")
}

// BenchmarkWrite measures writing the merged set for the test snapshot.
func BenchmarkWrite(b *testing.B) {
	m, err := ForKernel(kerneltest.Snapshot(b))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := m.Write(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "json-bytes")
}

// BenchmarkLoad measures loading and validating the merged set for the
// test snapshot from a file.
func BenchmarkLoad(b *testing.B) {
	m, err := ForKernel(kerneltest.Snapshot(b))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "contracts.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadCurated measures parsing and validating the curated set
// alone, which every ken process does once.
func BenchmarkLoadCurated(b *testing.B) {
	data, err := os.ReadFile(curatedPath())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data, "curated.json"); err != nil {
			b.Fatal(err)
		}
	}
}
