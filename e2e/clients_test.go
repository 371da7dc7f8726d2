// Clients generated from the served OpenAPI documents: a Go client (oapi-codegen, from
// /openapi-3.0.json) runs a session → run → result flow against a live server, and TypeScript
// types (openapi-typescript, from /openapi.json) type-check a client of the same flow.
package e2e

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// oapiCodegen is the Go generator clients commonly use, at the version the flow is checked with.
const oapiCodegen = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.5.0"

func TestGeneratedClients(t *testing.T) {
	t.Parallel()
	p := start(t, "serve", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "db.sqlite"), "WORKERS=1",
		"SANDBOX_UID_BASE=92000", "MAX_ACTIVE_PER_SESSION=0", "RUN_RATE_LIMIT=0")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	t.Cleanup(cancel) // the subtests run after this function returns

	t.Run("go", func(t *testing.T) {
		t.Parallel()
		dir := copyDir(t, "../clients/go-generated-test")
		doc := fetchDoc(t, p.URL+"/openapi-3.0.json", filepath.Join(dir, "openapi-3.0.json"))
		if err := os.MkdirAll(filepath.Join(dir, "livecode"), 0o755); err != nil {
			t.Fatal(err)
		}
		runIn(ctx, t, dir, nil, "go", "run", oapiCodegen, "-generate", "types,client", "-package", "livecode",
			"-o", filepath.Join(dir, "livecode", "livecode.gen.go"), doc)
		runIn(ctx, t, dir, []string{"LIVECODE_URL=" + p.URL}, "go", "test", "-count=1", "-v", "./...")
	})
	t.Run("typescript", func(t *testing.T) {
		t.Parallel()
		dir := copyDir(t, "../clients/typescript-generated-test")
		fetchDoc(t, p.URL+"/openapi.json", filepath.Join(dir, "openapi.json"))
		runIn(ctx, t, dir, nil, "npm", "ci", "--no-fund", "--no-audit")
		runIn(ctx, t, dir, nil, "npm", "run", "-s", "generate")
		runIn(ctx, t, dir, nil, "npm", "run", "-s", "check")
	})
}

// fetchDoc saves the document at url to path and returns path.
func fetchDoc(t *testing.T, url, path string) string {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// copyDir copies the committed files of src (no node_modules, nothing generated) to a temp dir.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// runIn runs a command in dir with env added, failing the test with its output.
func runIn(ctx context.Context, t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, tail(string(out), 4000))
	}
	t.Logf("%s %v:\n%s", name, args, tail(string(out), 1000))
}
