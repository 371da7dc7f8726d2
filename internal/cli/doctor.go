// `livecode doctor`: checks the host before serving and says how to fix what fails.

package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"

	"livecode/internal/app"
	"livecode/internal/config"
	"livecode/internal/language"
	"livecode/internal/sandbox"
)

// doctor prints one line per check and returns 1 when serving would fail.
func doctor(ctx context.Context, cfg config.Config, stdout io.Writer) int {
	slots := cfg.Workers
	if slots == 0 {
		slots = runtime.NumCPU()
	}
	findings := sandbox.Check(ctx, app.SandboxConfig(cfg, slots, slog.New(slog.DiscardHandler)))
	findings = append(findings, toolchains(cfg.LanguagesDir)...)
	status := 0
	for _, f := range findings {
		verdict := "OK  "
		switch {
		case !f.OK && f.Fatal:
			verdict, status = "FAIL", 1
		case !f.OK:
			verdict = "WARN"
		}
		fmt.Fprintf(stdout, "%s %-22s %s\n", verdict, f.Name, f.Detail)
		if !f.OK && f.Hint != "" {
			fmt.Fprintf(stdout, "     %-22s fix: %s\n", "", f.Hint)
		}
	}
	if status != 0 {
		fmt.Fprintln(stdout, "livecode cannot serve on this host: fix the FAIL lines above")
	}
	return status
}

// toolchains reports each language of the registry: a missing toolchain only makes its
// language unavailable, so it warns; no language at all fails.
func toolchains(dir string) []sandbox.Finding {
	langs, err := language.Load(dir)
	if err != nil {
		return []sandbox.Finding{{Name: "languages", Fatal: true, Detail: err.Error(), Hint: "fix LANGUAGES_DIR"}}
	}
	var fs []sandbox.Finding
	available := 0
	for _, l := range langs.List() {
		f := sandbox.Finding{Name: "language " + l.ID, OK: l.Available, Detail: cmp.Or(l.Version, "(version command gave nothing)")}
		if l.Available {
			available++
		} else {
			f.Detail, f.Hint = "toolchain not found: "+l.ToolchainPath(), "install it (make toolchains), or ignore: the language is then unavailable"
		}
		fs = append(fs, f)
	}
	if available == 0 {
		fs = append(fs, sandbox.Finding{Name: "languages", Fatal: true, Detail: "no toolchain installed", Hint: "make toolchains"})
	}
	return fs
}
