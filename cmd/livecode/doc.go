// Command livecode is the livecode service: one binary that runs untrusted code for live coding
// sessions, as an all-in-one process (`livecode serve`), as API servers (`livecode api`) and
// workers (`livecode worker`) sharing PostgreSQL and Redis, or as one-shot tools (`migrate`,
// `run`, `jobs`, `version`). See `livecode help` and ARCHITECTURE.md at the repository root.
//
// This package is deliberately thin: main only turns SIGINT/SIGTERM into a cancelled context
// and calls cli.Run with the process's arguments, environment and standard streams. Parsing
// the subcommand lives in internal/cli, wiring the parts in internal/app.
package main
