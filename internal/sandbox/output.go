// The output collector: stdout and stderr kept in read order, capped in total.

package sandbox

import (
	"bytes"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// collector keeps the first limit bytes of stdout and stderr together. Past the limit it keeps
// nothing more and calls onLimit once.
type collector struct {
	mu       sync.Mutex
	limit    int
	total    int
	stdout   bytes.Buffer
	stderr   bytes.Buffer
	output   bytes.Buffer // both streams, in the order their chunks were read
	exceeded bool
	err      error // why reading stopped before both streams ended
	onLimit  func()
	live     func(Pipe, []byte)
}

func (c *collector) write(s Pipe, p []byte) {
	c.mu.Lock()
	room := c.limit - c.total
	over := len(p) > room
	if over {
		p = p[:room]
	}
	c.total += len(p)
	if len(p) > 0 {
		if s == Stdout {
			c.stdout.Write(p)
		} else {
			c.stderr.Write(p)
		}
		c.output.Write(p)
		if c.live != nil {
			c.live(s, bytes.Clone(p))
		}
	}
	first := over && !c.exceeded
	if over {
		c.exceeded = true
	}
	c.mu.Unlock()
	if first && c.onLimit != nil {
		c.onLimit()
	}
}

// drain reads stdout and stderr until both reach EOF, or until a read fails: then it closes
// both (the program's next write fails) and the run is an error of the sandbox, never a result
// missing output. broken, when not nil, is such a failure before the first read. One loop polls both pipes so that the
// order of the chunks follows the order of the writes as closely as two pipes allow: when both
// hold data, stdout is read first. Reading goes on past the limit (discarding) so that a writer
// never blocks on a full pipe before it is killed.
func (c *collector) drain(stdout, stderr *os.File, broken error) {
	defer stdout.Close()
	defer stderr.Close()
	if broken != nil {
		c.fail(broken)
		return
	}
	streams := []Pipe{Stdout, Stderr}
	fds := []unix.PollFd{
		{Fd: int32(stdout.Fd()), Events: unix.POLLIN},
		{Fd: int32(stderr.Fd()), Events: unix.POLLIN},
	}
	buf := make([]byte, 32*1024)
	for open := 2; open > 0; {
		if _, err := unix.Poll(fds, -1); err != nil {
			if err == unix.EINTR {
				continue
			}
			c.fail(err)
			return
		}
		for i := range fds {
			if fds[i].Fd < 0 || fds[i].Revents == 0 {
				continue
			}
			n, err := unix.Read(int(fds[i].Fd), buf)
			if n > 0 {
				c.write(streams[i], buf[:n])
				continue
			}
			if err == unix.EINTR || err == unix.EAGAIN {
				continue
			}
			if err != nil {
				c.fail(err)
				return
			}
			fds[i].Fd = -1 // EOF: every writer is gone
			open--
		}
	}
}

func (c *collector) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.err = err
}

// failed is the error that stopped the reading early, or nil.
func (c *collector) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *collector) snapshot() (stdout, stderr, output string, exceeded bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stdout.String(), c.stderr.String(), c.output.String(), c.exceeded
}
