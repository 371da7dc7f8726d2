// Package compilecache keeps compiled artifacts on the host, shared by every worker process of
// the host, addressed by Key (a hash of the language, toolchain version, compile argv and
// files), so that the same program is never compiled twice. The sandbox uses it in its
// compile step; nothing else does.
//
// Open opens the cache directory; Do returns an entry, building it exactly once across
// processes (flock per key, lock.go) when it is missing, and pins it while in use; Get and
// Acquire read without building. Build output is untrusted (a sandboxed compiler wrote it):
// it is imported without following links, and anything but plain directories and files is
// refused (import.go, CopyTree). Least recently used entries are evicted past the size bound,
// pinned ones never (evict.go). The on-disk layout is described at the top of cache.go.
package compilecache
