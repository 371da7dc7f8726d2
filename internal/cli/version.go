// The version livecode reports: the release's semantic version, or what the build sets.

package cli

// Release is the semantic version of this source tree. A release sets it, with its entry in
// CHANGELOG.md; between releases it names the last one.
const Release = "0.3.0"

// Version is what `livecode version`, /healthz and the OpenAPI document report: Release,
// unless the build sets it with -ldflags "-X livecode/internal/cli.Version=…" (make build
// sets Release+<commit>, a semantic version with build metadata).
var Version = Release
