// Redis for tests: the machine's server when it answers, else a private redis-server.

// Package testsvc gives tests the real services they need (Redis, PostgreSQL), isolated per
// test, starting private servers from the installed binaries when the machine's are down.

package testsvc

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	redisBinary  = "/usr/bin/redis-server"
	machineRedis = "127.0.0.1:6379"
)

// Redis returns a redis:// URL for the test: a random database (1–15) of the machine's Redis
// when it answers, else database 0 of a private redis-server started for this test and
// killed when it ends; setting TESTSVC_PRIVATE=1 forces the latter, to check tests pass
// without the machine's services. Databases may be shared between tests, so a test must still keep to its
// own keys: use QueueName for a queue. It fails the test if no Redis can be had.
func Redis(t testing.TB) string {
	t.Helper()
	SkipShort(t, "Redis")
	if os.Getenv("TESTSVC_PRIVATE") == "" && redisAnswers(machineRedis, time.Second) == nil {
		db, err := rand.Int(rand.Reader, big.NewInt(15))
		if err != nil {
			t.Fatalf("testsvc: %v", err)
		}
		return fmt.Sprintf("redis://%s/%d", machineRedis, db.Int64()+1)
	}
	return StartRedis(t).URL()
}

// QueueName returns a queue name (or key prefix) that no other test uses.
func QueueName(t testing.TB) string {
	t.Helper()
	name := regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-")
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	return fmt.Sprintf("t-%s-%s", strings.Trim(name, "-"), rand.Text()[:8])
}

// RedisServer is a private redis-server that a test can stop, restart, pause and resume to
// simulate outages. Its data is kept across Stop and Start (append-only file, fsync always).
type RedisServer struct {
	t    testing.TB
	port int
	dir  string

	mu  sync.Mutex
	cmd *exec.Cmd // nil while stopped
}

// StartRedis starts a private redis-server on a free port in a temporary directory; it is
// killed when the test ends. It fails the test if the server does not answer within 10 s.
func StartRedis(t testing.TB) *RedisServer {
	t.Helper()
	SkipShort(t, "redis-server")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testsvc: free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	s := &RedisServer{t: t, port: port, dir: t.TempDir()}
	t.Cleanup(s.kill)
	s.Start()
	return s
}

// URL is the server's redis:// URL, database 0.
func (s *RedisServer) URL() string { return fmt.Sprintf("redis://%s/0", s.addr()) }

func (s *RedisServer) addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// Start starts the server again after Stop (a no-op while it runs) and waits until it answers.
func (s *RedisServer) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	cmd := exec.Command(redisBinary,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--appendonly", "yes", "--appendfsync", "always", "--logfile", "redis.log")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // no orphan if the test binary dies
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("testsvc: start %s: %v", redisBinary, err)
	}
	s.cmd = cmd
	if err := redisAnswers(s.addr(), 10*time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
		s.t.Fatalf("testsvc: redis-server on port %d: %v\n%s", s.port, err, log)
	}
}

// Stop shuts the server down (SIGTERM, waiting for it to exit), as in an outage.
func (s *RedisServer) Stop() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // a paused server must run to exit
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Pause freezes the server (SIGSTOP): connections open but nothing is answered, the worst
// kind of outage for a client without timeouts.
func (s *RedisServer) Pause() { s.signal(syscall.SIGSTOP) }

// Resume undoes Pause.
func (s *RedisServer) Resume() { s.signal(syscall.SIGCONT) }

func (s *RedisServer) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(sig)
	}
}

func (s *RedisServer) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// redisAnswers waits until addr answers PING with PONG (not LOADING), or the wait is over.
func redisAnswers(addr string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		err := ping(addr)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// SkipShort skips t under `go test -short` (make check's fast tier), which runs only what
// needs neither root nor services; needs says what t needs instead.
func SkipShort(t testing.TB, needs string) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs " + needs + "; -short runs only tests that need neither root nor services")
	}
}
