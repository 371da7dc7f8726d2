// Package cli parses livecode's command line and runs the subcommand it names.

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/joho/godotenv"

	"livecode/internal/app"
	"livecode/internal/config"
)

const usage = `livecode runs untrusted code for live coding sessions.

Usage:
  livecode serve                 API and workers in one process (SQLite and an in-process queue by default)
  livecode api                   HTTP API only (needs REDIS_URL; any number of them)
  livecode worker                runs executions only (needs REDIS_URL; any number of them)
  livecode migrate               applies the database migrations and exits
  livecode backup PATH           copies the SQLite database to PATH, consistently, while it serves
  livecode export postgres://…   copies the SQLite database (sessions, executions, keys) into PostgreSQL
  livecode run FILE [--language L] [--stdin TEXT]
                                 runs one file in the sandbox and prints the result
  livecode jobs dead             lists the dead-letter jobs
  livecode jobs requeue ID       puts a dead job back on the queue
  livecode toolchains [install] [LANGUAGES]
                                 reports the languages' toolchains (LANGUAGES: ids, comma-separated;
                                 none means all); install installs the missing ones first (root)
  livecode doctor                checks this host before serving: sandbox, cgroups, uids, toolchains
  livecode version               prints the version

Configuration comes from environment variables and from ./.env when present (see README).
`

// Run runs the subcommand in args (without the program name) and returns the exit status.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version", "--version":
		fmt.Fprintln(stdout, "livecode", Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "livecode:", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	switch cmd {
	case "serve", "api", "worker":
		err = app.Run(ctx, app.Options{Role: app.Role(cmd), Config: cfg, Logger: log, Version: Version})
	case "migrate":
		err = migrate(ctx, cfg, stdout)
	case "backup":
		err = backup(ctx, cfg, rest, stdout)
	case "export":
		err = export(ctx, cfg, rest, stdout)
	case "run":
		return runFile(ctx, cfg, rest, stdout, stderr)
	case "toolchains":
		err = toolchainsCmd(ctx, cfg, rest, stdout, stderr)
	case "doctor":
		return doctor(ctx, cfg, stdout)
	case "jobs":
		err = jobs(ctx, cfg, rest, stdout)
	default:
		fmt.Fprintf(stderr, "livecode: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "livecode:", err)
		var u usageError
		if errors.As(err, &u) {
			return 2
		}
		return 1
	}
	return 0
}

// usageError is a mistake on the command line (exit status 2).
type usageError string

func (e usageError) Error() string { return string(e) }

// loadConfig reads the environment, falling back to ./.env for variables the environment lacks.
func loadConfig(getenv func(string) string) (config.Config, error) {
	dotenv, err := godotenv.Read(".env")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return config.Config{}, fmt.Errorf(".env: %w", err)
	}
	return config.Load(func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return dotenv[k]
	})
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(cfg.LogFormat, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
