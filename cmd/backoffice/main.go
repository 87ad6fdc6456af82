// Command backoffice is the payroll bureau's back office: one binary with
// subcommands (serve, migrate, projections, bootstrap, verify, audit).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() { os.Exit(runMain(os.Args[1:], os.Getenv, os.Stdout, os.Stderr)) }

// runMain is main without the exit: SIGINT and SIGTERM cancel the
// command's context (a command cleans up and returns), and the exit code
// is 1 when the command failed. Tests run it in a child process to signal
// a real one.
func runMain(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, args, getenv, stdout, stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "backoffice:", err)
		}
		return 1
	}
	return 0
}

const usage = `Usage: backoffice <command> [flags]

Commands:
  serve                       run the portal, the JSON API and the projectors
  migrate                     bring the database schema up to date
  projections status          show every projector's checkpoint, head and lag
  projections rebuild NAME    rebuild one read model from the first event
  bootstrap EMAIL             create the first back-office account (password on stdin)
  verify [--digest HEX@POS]   check every stream's hash chain and the global digests
  audit export [--from POS] [--to POS] [--out FILE]
                              the ledger as NDJSON with positions, actors, times, hashes
  audit replay --as-of T --schema NAME
                              rebuild the read models as of a position or time into a new schema
  audit check [--digest HEX@POS] FILE
                              re-verify an export file offline (no database needed)
  backup FILE                 the whole database with pg_dump (serve may keep running)
  restore FILE                a backup into an empty database, then migrate it
  help                        show this text

Without BACKOFFICE_DATABASE_URL the commands use the embedded PostgreSQL
in ./data/postgres (see README.md for every setting).
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "projections":
		return projectionsCmd(ctx, args[1:], getenv, stdout, stderr)
	case "bootstrap":
		return bootstrap(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "verify":
		return verifyCmd(ctx, args[1:], getenv, stdout, stderr)
	case "audit":
		return auditCmd(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], getenv, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
