// Failure records: one failed build's outcome, shared with the callers that waited for it.

package compilecache

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Failure is the error a BuildFunc returns when its build failed for a reason every identical
// build would share (the program does not compile, or its compile hits a limit). Do returns it
// to the builder unchanged, and a *Failure with the same Outcome to the callers of the key that
// were waiting for that build; nothing is cached, so a later caller builds again.
type Failure struct {
	Outcome []byte // opaque to the cache: what the caller needs to report the failure
}

func (f *Failure) Error() string { return "compilecache: build failed" }

// failureTTL is how long a failure record is kept. Its readers are the callers that were
// waiting when it was written, and they take the lock within milliseconds of its release;
// older records only take room.
const failureTTL = time.Minute

// failureID returns the id of key's failure record, or "" when there is none. A caller reads
// it before waiting: a record with another id was written since, by the build it waited for.
func (c *Cache) failureID(key string) string {
	id, _, _ := c.readFailure(key)
	return id
}

// readFailure returns key's failure record: its id and the build's outcome.
func (c *Cache) readFailure(key string) (id string, outcome []byte, ok bool) {
	b, err := os.ReadFile(c.path("failures", key))
	if err != nil {
		return "", nil, false
	}
	head, outcome, ok := bytes.Cut(b, []byte{'\n'}) // ids are hex: no newline
	return string(head), outcome, ok
}

// writeFailure records f as key's failure under a fresh id. The caller holds key's exclusive
// lock: every waiter reads the record after it, once it takes the lock in turn. Records
// older than failureTTL go at the same time.
func (c *Cache) writeFailure(key string, f *Failure) error {
	c.sweepFailures(failureTTL)
	var id [16]byte
	_, _ = rand.Read(id[:]) // never fails
	tmp, err := os.CreateTemp(c.path("tmp"), "failure-")
	if err != nil {
		return fmt.Errorf("compilecache: %w", err)
	}
	_, werr := tmp.Write(append([]byte(hex.EncodeToString(id[:])+"\n"), f.Outcome...))
	if err := errors.Join(werr, tmp.Close()); err != nil {
		return errors.Join(fmt.Errorf("compilecache: %w", err), os.Remove(tmp.Name()))
	}
	if err := os.Rename(tmp.Name(), c.path("failures", key)); err != nil {
		return errors.Join(fmt.Errorf("compilecache: %w", err), os.Remove(tmp.Name()))
	}
	return nil
}

// sweepFailures removes failure records older than age.
func (c *Cache) sweepFailures(age time.Duration) {
	ents, err := os.ReadDir(c.path("failures"))
	if err != nil {
		return
	}
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > age {
			if err := os.Remove(filepath.Join(c.path("failures"), e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				c.log.Warn("remove failure record", "error", err)
			}
		}
	}
}
