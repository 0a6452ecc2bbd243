// Package retrieve finds verified prompt/program pairs similar to a new
// English prompt, so that synthesis can show a model (or, offline, adapt)
// examples that are known to pass every check.
//
// An [Index] is an exact, in-process search over a few hundred [Doc]s: at
// that size scanning every document is faster than any approximate index.
// Ranking is lexical by default: BM25 over the normalised words of each
// prompt (lower case, stop words removed, a tiny stemmer, bpftrace-domain
// synonyms such as "latency"/"duration"/"how long" or "disk"/"block"/"bio"),
// plus, at a lower weight, the identifiers of the program text (probe names
// such as kprobe:tcp_v4_connect, split on '_' and ':' and also kept whole),
// so a prompt naming a kernel function finds programs that hook it. When an
// [Embedder] is configured, prompts are also ranked by cosine similarity of
// their embeddings, and the two rankings are combined by reciprocal-rank
// fusion; if embedding fails the search falls back to lexical ranking and
// says so instead of failing.
//
// A [Store] is ken's learning store: verified programs the user accepted,
// persisted as versioned JSON ("ken-store/1") in the user's cache directory
// (see [DefaultPath]; $KEN_CACHE_DIR overrides the directory), together
// with cached document embeddings.
// [Store.Index] combines the shipped dataset with what was learned.
//
// A [Shared] store lets a team share verified programs through any
// langchaingo vector store (Qdrant, pgvector, Milvus, ...).
package retrieve
