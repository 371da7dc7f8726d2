// The one-shot subcommands: migrate, run and jobs.

package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"livecode/internal/app"
	"livecode/internal/config"
	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/sandbox"
	"livecode/internal/store/sqlite"
	"livecode/internal/worker"
)

// migrate applies the migrations: opening the store does.
func migrate(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrations applied")
	return st.Close()
}

// backup copies the embedded SQLite database to the path in args, while a server may use it.
func backup(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return usageError("usage: livecode backup PATH")
	}
	driver, path, err := cfg.Database()
	if err != nil {
		return err
	}
	if driver != "sqlite" {
		return usageError("livecode backup copies a SQLite database; back up PostgreSQL with pg_dump")
	}
	if err := sqlite.Backup(ctx, path, args[0]); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "backed up", path, "to", args[0])
	return nil
}

// runFile runs one file in the sandbox, the way a worker would, and prints the result.
// It exits 0 when the program completed, 1 otherwise, 2 on a usage error.
func runFile(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	langID := fs.String("language", "", "language id (default: from the file extension)")
	stdin := fs.String("stdin", "", "text given to the program on stdin")
	// Accept flags before or after FILE.
	var file string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return 2
		}
		args = fs.Args()
		if len(args) > 0 {
			if file != "" {
				fmt.Fprintln(stderr, "livecode run: one FILE only")
				return 2
			}
			file, args = args[0], args[1:]
		}
	}
	if file == "" {
		fmt.Fprintln(stderr, "usage: livecode run FILE [--language L] [--stdin TEXT]")
		return 2
	}
	code, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(stderr, "livecode run:", err)
		return 2
	}
	langs, err := language.Load(cfg.LanguagesDir)
	if err != nil {
		fmt.Fprintln(stderr, "livecode run:", err)
		return 1
	}
	lang, ok := pickLanguage(langs, *langID, file)
	if !ok {
		fmt.Fprintf(stderr, "livecode run: unknown or unavailable language for %s (use --language)\n", file)
		return 2
	}
	sc := app.SandboxConfig(cfg, 1, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	sc.Warm = false // one run: no next jail to prepare
	sb, err := sandbox.New(sc)
	if err != nil {
		fmt.Fprintln(stderr, "livecode run:", err)
		return 1
	}
	limits := lang.Limits.Within(cfg.Defaults(), cfg.Maximums())
	res, err := sb.Run(ctx, sandbox.Spec{Language: lang, Limits: limits,
		Files: []execution.File{{Name: lang.SourceFile, Content: string(code)}}, Stdin: strings.NewReader(*stdin)})
	if cerr := sb.Close(); cerr != nil {
		fmt.Fprintln(stderr, "livecode run:", cerr)
	}
	if err != nil {
		fmt.Fprintln(stderr, "livecode run: sandbox failed:", err)
		return 1
	}
	if res.Reason == execution.ReasonCompileError {
		io.WriteString(stderr, res.CompileOutput)
	}
	io.WriteString(stdout, res.Output)
	fmt.Fprintf(stderr, "\n--- %s", res.Status)
	if res.Reason != "" {
		fmt.Fprintf(stderr, " (%s)", res.Reason)
	}
	printIf(stderr, " exit_code=%d", res.ExitCode)
	if res.Signal != "" {
		fmt.Fprintf(stderr, " signal=%s", res.Signal)
	}
	printIf(stderr, " wall=%dms", res.ExecutionTimeMS)
	printIf(stderr, " cpu=%dms", res.CPUTimeMS)
	printIf(stderr, " memory=%dKB", res.MemoryKB)
	fmt.Fprintln(stderr)
	if res.Status != execution.StatusCompleted {
		return 1
	}
	return 0
}

func printIf[T any](w io.Writer, format string, v *T) {
	if v != nil {
		fmt.Fprintf(w, format, *v)
	}
}

// pickLanguage takes the named language, or the one whose source file has FILE's extension.
func pickLanguage(langs *language.Registry, id, file string) (language.Language, bool) {
	if id != "" {
		l, ok := langs.Lookup(id)
		return l, ok && l.Available
	}
	ext := filepath.Ext(file)
	for _, l := range langs.List() {
		if l.Available && ext != "" && filepath.Ext(l.SourceFile) == ext {
			return l, true
		}
	}
	return language.Language{}, false
}

// jobs lists or requeues dead-letter jobs.
func jobs(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] == "requeue" && len(args) != 2) || (args[0] != "dead" && args[0] != "requeue") {
		return usageError("usage: livecode jobs dead | livecode jobs requeue ID")
	}
	if cfg.Redis() == "" {
		return usageError("livecode jobs reads the Redis queue (set REDIS_URL); in the embedded mode the dead jobs are in the serving process: GET /admin/jobs/dead")
	}
	q, err := app.OpenQueue(cfg, app.RoleAPI, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer q.Close()
	if args[0] == "requeue" {
		st, err := app.OpenStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		if err := worker.Requeue(ctx, q, st, args[1]); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "requeued", args[1])
		return nil
	}
	dead, err := q.Dead(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEXECUTION\tRETRIED\tFAILED AT\tLAST ERROR")
	for _, d := range dead {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", d.ID, d.Job.ExecutionID, d.Retried, d.FailedAt.Format("2006-01-02T15:04:05Z07:00"), d.LastError)
	}
	return tw.Flush()
}
