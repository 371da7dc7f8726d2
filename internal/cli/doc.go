// Package cli is livecode's command line: Run parses the subcommand, loads the configuration
// (config.Load over the environment, falling back to ./.env), builds the slog logger and hands
// over. It is the first step of every process, before any request exists.
//
// serve, api and worker go to app.Run; migrate, run (one file through the sandbox, no store or
// queue), jobs (the dead-letter set) and version are handled here. Run returns the exit status:
// 0, 1 for a failure, 2 for a usage error. cli owns no long-lived state and no defaults: those
// are in internal/config; how the parts fit together is internal/app's business.
package cli
