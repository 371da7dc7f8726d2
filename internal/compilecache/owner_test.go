// The owner of a file, for tests of entry ownership.

package compilecache_test

import (
	"os"
	"syscall"
)

func ownerUID(fi os.FileInfo) int {
	return int(fi.Sys().(*syscall.Stat_t).Uid)
}
