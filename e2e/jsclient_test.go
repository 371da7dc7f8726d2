// The JavaScript client (clients/js) against a live `livecode serve`, with node's test runner.

package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestJSClient(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPED: node is not installed, so the JavaScript client is not tested (make deps installs it)")
	}
	p, _, _ := serveOwnSandbox(t, 90020, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", filepath.Join("..", "clients", "js", "test"))
	cmd.Env = append(cmd.Environ(), "LIVECODE_URL="+p.URL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test clients/js/test: %v\n%s", err, out)
	}
	t.Logf("node --test clients/js/test:\n%s", out)
}
