// The descriptors of one step: pipes and in-memory files, every one closed when it ends.

package sandbox

import (
	"fmt"
	"io"
	"os"
	"os/exec"

	"golang.org/x/sys/unix"
)

// pipes tracks the descriptors of one step so that every one of them is closed.
type pipes struct {
	open  []*os.File
	fault func(point string) error
}

// pipe makes the pipe named name.
func (p *pipes) pipe(name string) (*os.File, *os.File, error) {
	if err := p.fault("pipe " + name); err != nil {
		return nil, nil, fmt.Errorf("sandbox: %s pipe: %w", name, err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: %s pipe: %w", name, err)
	}
	p.open = append(p.open, r, w)
	return r, w, nil
}

// memfd makes an in-memory file named name holding b, read from its start.
func (p *pipes) memfd(name string, b []byte) (*os.File, error) {
	if err := p.fault("memfd " + name); err != nil {
		return nil, fmt.Errorf("sandbox: %s file: %w", name, err)
	}
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %s file: %w", name, err)
	}
	f := os.NewFile(uintptr(fd), name)
	p.open = append(p.open, f)
	if _, err := f.Write(b); err != nil {
		return nil, fmt.Errorf("sandbox: %s file: %w", name, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("sandbox: %s file: %w", name, err)
	}
	return f, nil
}

// closeChildEnds closes our copies of the descriptors the child inherited.
func (p *pipes) closeChildEnds(cmd *exec.Cmd) {
	child := append([]*os.File{}, cmd.ExtraFiles...)
	for _, f := range []any{cmd.Stdin, cmd.Stdout, cmd.Stderr} {
		if f, ok := f.(*os.File); ok {
			child = append(child, f)
		}
	}
	for _, f := range child {
		p.forget(f)
		f.Close()
	}
}

// forget hands f's closing over to its new owner.
func (p *pipes) forget(files ...*os.File) {
	for _, f := range files {
		for i, o := range p.open {
			if o == f {
				p.open = append(p.open[:i], p.open[i+1:]...)
				break
			}
		}
	}
}

func (p *pipes) closeAll() {
	for _, f := range p.open {
		f.Close()
	}
}
