module github.com/kenlsp/ken

go 1.26.8

require (
	github.com/cilium/ebpf v0.22.0
	github.com/klauspost/compress v1.20.3
	golang.org/x/sys v0.43.0
)
