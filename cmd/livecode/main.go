// Command livecode is the livecode service: see `livecode help`.

package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"livecode/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
