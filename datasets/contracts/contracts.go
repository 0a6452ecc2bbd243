// Package contracts embeds ken's curated kernel contracts
// (curated.json, format ken-contracts/1) so that the ken binary has them
// wherever it runs. Package symbex/contracts reads, validates and merges
// them; see README.md for the format.
package contracts

import _ "embed"

// Curated is the text of curated.json.
//
//go:embed curated.json
var Curated []byte
