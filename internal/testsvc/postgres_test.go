// Tests of the PostgreSQL test server: the start-own path and per-test databases.

package testsvc

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestStartPostgresWhenNothingAnswers(t *testing.T) {
	SkipShort(t, "a PostgreSQL server of its own (initdb and start)")
	t.Setenv(PostgresURLEnv, "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=1")
	ctx := context.Background()
	u, srv, err := resolvePostgres(ctx)
	if err != nil {
		t.Fatalf("resolvePostgres: %v", err)
	}
	if srv == nil {
		t.Fatalf("resolvePostgres used %s, want a server of its own", u)
	}
	if err := pingPostgres(ctx, u, 5*time.Second); err != nil {
		t.Errorf("own server does not answer: %v", err)
	}
	if err := execSQL(ctx, u, "CREATE TABLE t (x int)"); err != nil {
		t.Errorf("own server refuses DDL: %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := os.Stat(srv.dir); !os.IsNotExist(err) {
		t.Errorf("server directory %s still exists after Stop (stat: %v)", srv.dir, err)
	}
	if err := pingPostgres(ctx, u, time.Second); err == nil {
		t.Errorf("server still answers after Stop")
	}
}

func TestPostgresDBIsolated(t *testing.T) {
	t.Parallel()
	a, b := PostgresDB(t), PostgresDB(t)
	if a == b {
		t.Fatalf("two databases share the URL %s", a)
	}
	ctx := context.Background()
	if err := execSQL(ctx, a, "CREATE TABLE only_in_a (x int)"); err != nil {
		t.Fatalf("create table: %v", err)
	}
	if err := execSQL(ctx, b, "SELECT * FROM only_in_a"); err == nil {
		t.Errorf("table of database a visible in database b")
	}
}
