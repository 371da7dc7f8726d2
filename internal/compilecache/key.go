// Cache keys: a hash over everything that decides what a compile produces.

package compilecache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"

	"livecode/internal/execution"
)

// keyVersion changes whenever the encoding below changes, so that old entries are never reused.
const keyVersion = "livecode-compilecache-v1"

// Key returns the cache key of a compile: the hex SHA-256 of a canonical, length-prefixed
// encoding of the language id, the toolchain version, the compile argv and the source files
// (names and contents, in order: the first is the entry point). Every input changes the key,
// and no two different inputs share an encoding. Anything else that changes the output (an
// environment variable the compiler reads, say) must be folded into compileArgv by the caller.
func Key(language, toolchainVersion string, compileArgv []string, files []execution.File) string {
	h := sha256.New()
	writeString(h, keyVersion)
	writeString(h, language)
	writeString(h, toolchainVersion)
	writeLen(h, len(compileArgv))
	for _, a := range compileArgv {
		writeString(h, a)
	}
	writeLen(h, len(files))
	for _, f := range files {
		writeString(h, f.Name)
		writeString(h, f.Content)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeLen(h hash.Hash, n int) {
	var b [binary.MaxVarintLen64]byte
	h.Write(b[:binary.PutUvarint(b[:], uint64(n))])
}

func writeString(h hash.Hash, s string) {
	writeLen(h, len(s))
	h.Write([]byte(s))
}

// validKey reports whether key has the form Key returns; only such keys become file names.
func validKey(key string) bool {
	if len(key) != 2*sha256.Size {
		return false
	}
	for _, c := range key {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
