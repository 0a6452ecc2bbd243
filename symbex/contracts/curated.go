package contracts

import (
	"sync"

	"github.com/kenlsp/ken/analysis/kernel"
	data "github.com/kenlsp/ken/datasets/contracts"
)

// curatedSet parses the embedded curated contracts once.
var curatedSet = sync.OnceValues(func() (*Set, error) {
	return Parse(data.Curated, "datasets/contracts/curated.json")
})

// Curated returns ken's curated contracts, embedded from
// datasets/contracts/curated.json. The Set is shared: callers must not
// modify it.
func Curated() (*Set, error) { return curatedSet() }

// ForKernel returns the contracts for kernel k: the curated ones merged
// over those generated from k (see Merge). It generates anew on each call
// (about 0.2 s for a distribution kernel); callers keep the result per
// kernel.
func ForKernel(k *kernel.Kernel) (*Set, error) {
	cur, err := Curated()
	if err != nil {
		return nil, err
	}
	return Merge(cur, Generate(k)), nil
}
