// Tests of the reported version: a semantic version, printed by `livecode version`.

package cli

import (
	"bytes"
	"regexp"
	"testing"
)

// semver is a semantic version (2.0.0), build metadata included.
var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

func TestVersion(t *testing.T) {
	t.Parallel()
	if !semver.MatchString(Release) {
		t.Errorf("Release %q is not a semantic version", Release)
	}
	var out bytes.Buffer
	if code := Run(t.Context(), []string{"version"}, func(string) string { return "" }, &out, &out); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if got, want := out.String(), "livecode "+Version+"\n"; got != want {
		t.Errorf("livecode version printed %q, want %q", got, want)
	}
}
