// PostgreSQL for tests: the machine's server when it answers, else one started from the installed binaries.

package testsvc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables and defaults for the PostgreSQL test server.
const (
	// PostgresURLEnv overrides the server tests try first.
	PostgresURLEnv    = "LIVECODE_TEST_PG_URL"
	defaultPostgres   = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	postgresBinDir    = "/usr/lib/postgresql/15/bin"
	postgresDirPrefix = "livecode-pg-"
)

// sharedPostgres is the server of this test binary, resolved once: a test binary is one
// process, and starting a server per test would cost seconds each.
var sharedPostgres struct {
	once sync.Once
	url  string
	err  error
}

// Postgres returns the base URL (database "postgres", user postgres, trust auth) of a
// PostgreSQL server for tests: $LIVECODE_TEST_PG_URL or 127.0.0.1:5432 when it answers,
// otherwise a server this test binary starts once, in a temporary directory on a free port,
// which dies with the test binary. Tests should not use the returned database itself: see
// PostgresDB.
func Postgres(t testing.TB) string {
	t.Helper()
	SkipShort(t, "PostgreSQL")
	sharedPostgres.once.Do(func() {
		var srv *PostgresServer
		sharedPostgres.url, srv, sharedPostgres.err = resolvePostgres(context.Background())
		_ = srv // lives until the test binary exits (parent-death signal)
	})
	if sharedPostgres.err != nil {
		t.Fatalf("testsvc: postgres: %v", sharedPostgres.err)
	}
	return sharedPostgres.url
}

// PostgresDB creates a database of its own for the calling test, drops it when the test
// ends, and returns its URL.
func PostgresDB(t testing.TB) string {
	t.Helper()
	base := Postgres(t)
	ctx := context.Background()
	name := "livecode_test_" + randomHex(8)
	if err := execSQL(ctx, base, `CREATE DATABASE "`+name+`"`); err != nil {
		t.Fatalf("testsvc: create database: %v", err)
	}
	t.Cleanup(func() {
		if err := execSQL(ctx, base, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			t.Errorf("testsvc: drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testsvc: postgres url: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// resolvePostgres returns the configured server if it answers, else starts one.
func resolvePostgres(ctx context.Context) (string, *PostgresServer, error) {
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		base = defaultPostgres
	}
	if pingPostgres(ctx, base, time.Second) == nil {
		return base, nil, nil
	}
	srv, err := StartPostgres(ctx)
	if err != nil {
		return "", nil, err
	}
	return srv.URL, srv, nil
}

// PostgresServer is a PostgreSQL server started for tests.
type PostgresServer struct {
	URL  string
	dir  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the server process has exited
}

// StartPostgres initialises and starts a server in a new temporary directory on a free port.
// As root it runs the server as user postgres (the server refuses root). The server gets
// SIGQUIT if the test binary dies; Stop ends it earlier. Errors: the binaries are missing or
// the server did not answer within 30 s.
func StartPostgres(ctx context.Context) (*PostgresServer, error) {
	removeStaleDirs()
	dir, err := os.MkdirTemp("", postgresDirPrefix)
	if err != nil {
		return nil, err
	}
	// Remember who owns the directory, so a later run can remove it if this process is killed.
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, err
	}
	cred, err := serverCredential(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(postgresBinDir, "initdb"), "-D", data, "-U", "postgres",
		"--auth=trust", "-E", "UTF8", "--no-sync")
	initdb.Dir, initdb.SysProcAttr = dir, &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command(filepath.Join(postgresBinDir, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300")
	logFile, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer logFile.Close()
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	srv := &PostgresServer{URL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		dir: dir, cmd: cmd, done: make(chan struct{})}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); close(srv.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := pingPostgres(ctx, srv.URL, time.Second); err == nil {
			return srv, nil
		}
		select {
		case err := <-exited:
			out, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("postgres exited: %v: %s", err, out)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			srv.cmd.Process.Kill()
			<-exited
			os.RemoveAll(dir)
			return nil, errors.New("postgres did not answer within 30s")
		}
	}
}

// Pause freezes the server and all its backends (SIGSTOP to its process group), as a hung
// database or a network partition would look to clients; Resume thaws it.
// Each backend runs in a session of its own, so they are found by parent pid.
func (s *PostgresServer) Pause() { s.signalAll(syscall.SIGSTOP) }

// Resume undoes Pause.
func (s *PostgresServer) Resume() { s.signalAll(syscall.SIGCONT) }

func (s *PostgresServer) signalAll(sig syscall.Signal) {
	pid := s.cmd.Process.Pid
	syscall.Kill(pid, sig)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the command name, which ends at the last ')': state, ppid, …
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			syscall.Kill(child, sig)
		}
	}
}

// Stop shuts the server down at once and removes its directory.
func (s *PostgresServer) Stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGQUIT); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	return os.RemoveAll(s.dir)
}

// serverCredential returns the user the server runs as: postgres when we are root (and
// gives it dir), else nil (ourselves).
func serverCredential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// removeStaleDirs removes server directories left by test binaries that were killed.
func removeStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), postgresDirPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || syscall.Kill(pid, 0) == nil {
			continue
		}
		os.RemoveAll(d)
	}
}

func pingPostgres(ctx context.Context, u string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return conn.Ping(ctx)
}

func execSQL(ctx context.Context, u, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
