// Command persepsi is the Persepsi survey platform: a web server for the
// counter questionnaires and dashboards, and the admin commands around it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the unit time zones must resolve on machines without zoneinfo

	"persepsi/app/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.DefaultEnv(), os.Args[1:])
	stop()
	os.Exit(code)
}
