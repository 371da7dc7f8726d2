// The toolchains subcommand: which languages this host can run, and installing more.

package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"text/tabwriter"
	"time"

	"livecode/internal/config"
	"livecode/internal/language"
	"livecode/internal/toolchain"
)

// toolchainsCmd reports the toolchains of the languages args names (all when none), after
// installing their missing packages when args starts with "install".
func toolchainsCmd(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	install := len(args) > 0 && args[0] == "install"
	if install {
		args = args[1:]
	}
	names := strings.Join(args, ",")
	langs, err := language.Load(cfg.LanguagesDir)
	if err != nil {
		return err
	}
	chosen, err := toolchain.Select(langs.List(), names)
	if err != nil {
		return usageError(err.Error())
	}
	if install {
		begin := time.Now()
		run := func(ctx context.Context, name string, args ...string) error {
			fmt.Fprintln(stderr, "+", name, strings.Join(args, " "))
			cmd := exec.CommandContext(ctx, name, args...)
			cmd.Stdout, cmd.Stderr = stderr, stderr
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			return cmd.Run()
		}
		if err := toolchain.Install(ctx, chosen, run); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "toolchains installed in %s\n", time.Since(begin).Round(time.Second))
		if langs, err = language.Load(cfg.LanguagesDir); err != nil { // probe again: now installed
			return err
		}
		if chosen, err = toolchain.Select(langs.List(), names); err != nil {
			return err
		}
	}
	return report(stdout, chosen)
}

// report prints one line per language: installed or not, its toolchain's version, its libraries.
func report(w io.Writer, langs []language.Language) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LANGUAGE\tINSTALLED\tVERSION\tLIBRARIES")
	missing := 0
	for _, l := range langs {
		state := "yes"
		if !l.Available {
			state, missing = "no ("+l.ToolchainPath()+")", missing+1
		}
		var libs []string
		for _, lib := range l.Libraries {
			if lib.Available {
				libs = append(libs, lib.Name)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.ID, state, l.Version, strings.Join(libs, " "))
	}
	fmt.Fprintf(tw, "%d of %d languages installed\n", len(langs)-missing, len(langs))
	return tw.Flush()
}
