package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/internal/config"
)

// takeFlags removes the named flags (-name value, --name value, --name=value;
// repeatable) from args and returns their values and the rest, which go to
// config.Load.
func takeFlags(args []string, names ...string) (map[string][]string, []string, error) {
	vals := map[string][]string{}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		known := strings.HasPrefix(a, "-") && contains(names, name)
		if !known {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return nil, nil, fmt.Errorf("flag --%s needs a value", name)
			}
			i++
			val = args[i]
		}
		vals[name] = append(vals[name], val)
	}
	return vals, rest, nil
}

// Usages of the audit commands: printed on --help (exit 0) and named in
// the error when the arguments are wrong.
const (
	verifyUsage = "usage: backoffice verify [--digest HEX@POSITION]... [-data DIR]\n" +
		"  checks every stream's hash chain and the global digests; exit 0 when intact, 1 when not"
	exportUsage = "usage: backoffice audit export [--from POSITION] [--to POSITION] [--out FILE] [-data DIR]\n" +
		"  the events after --from up to and including --to as NDJSON (positions as COMMIT-PREPARE, e.g. 1498-228)"
	replayUsage = "usage: backoffice audit replay --as-of <POSITION|RFC3339 time> --schema NAME [-data DIR]\n" +
		"  the read models as of a position or time, rebuilt into the new schema NAME"
	checkUsage = "usage: backoffice audit check [--digest HEX@POSITION]... FILE\n" +
		"  re-verifies an export file (made from the first event) without the database; exit 0 when intact, 1 when not"
	auditUsage = exportUsage + "\n" + replayUsage + "\n" + checkUsage
)

// wantsHelp reports whether args ask for a command's usage (-h, -help,
// --help). Without this check the settings' flag parser would answer with
// the usage of serve.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help", "help":
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// openLedger opens the database and the event store for the audit commands
// and makes sure the digest tables exist. args may only hold -data DIR
// (anything else is refused with the command's usage: the settings' parser
// answered a typo with the flags of serve); the log says only warnings and
// errors unless BACKOFFICE_LOG_LEVEL asks for more, as an auditor reads the
// command's own lines.
func openLedger(ctx context.Context, args []string, usage string, getenv func(string) string, stderr io.Writer) (*database, *openedStore, error) {
	flags, rest, err := takeFlags(args, "data")
	if err != nil {
		return nil, nil, fmt.Errorf("%w\n%s", err, usage)
	}
	if len(rest) > 0 {
		return nil, nil, fmt.Errorf("unknown argument %q\n%s", rest[0], usage)
	}
	var cfgArgs []string
	if v := flags["data"]; len(v) > 0 {
		cfgArgs = []string{"-data", v[len(v)-1]}
	}
	cfg, err := config.Load(cfgArgs, getenv)
	if err != nil {
		return nil, nil, fmt.Errorf("configuration:\n%w", err)
	}
	if getenv("BACKOFFICE_LOG_LEVEL") == "" {
		cfg.LogLevel = slog.LevelWarn
	}
	log := newLogger(cfg, stderr)
	if cfg.Embedded() {
		// A mistyped -data would start a new, empty cluster there, and
		// verify would call its empty ledger intact (exit 0). The audit
		// commands read an existing ledger; they never create one.
		dir := filepath.Join(cfg.DataDir, "postgres")
		if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
			return nil, nil, fmt.Errorf("no embedded database in %s: the audit commands read an existing ledger and create none "+
				"(name the data directory of serve with -data or BACKOFFICE_DATA_DIR, or the database with BACKOFFICE_DATABASE_URL)", dir)
		}
	}
	db, err := openDatabaseAdopting(ctx, cfg, log, false)
	if err != nil {
		return nil, nil, err
	}
	es, err := openEventStore(ctx, cfg, db, log, newRegistry())
	if err != nil {
		_ = db.Close(context.WithoutCancel(ctx))
		return nil, nil, err
	}
	if err := ledger.Migrate(ctx, db.Pool); err != nil {
		_ = es.Store.Close()
		_ = db.Close(context.WithoutCancel(ctx))
		return nil, nil, err
	}
	return db, es, nil
}

// errLedgerBroken is verify's failure, errExportBroken check's: not intact.
var (
	errLedgerBroken = errors.New("the ledger is NOT intact")
	errExportBroken = errors.New("the export file is NOT intact")
	errEmptyLedger  = errors.New("the ledger holds no events: is this the bureau's database? (BACKOFFICE_DATABASE_URL, -data)")
)

// verifyCmd is `backoffice verify [--digest HEX@POSITION]...`: one pass over
// the whole ledger; exit 0 when intact, else the first break is named.
func verifyCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if wantsHelp(args) {
		fmt.Fprintln(stdout, verifyUsage)
		return nil
	}
	flags, rest, err := takeFlags(args, "digest")
	if err != nil {
		return fmt.Errorf("%w\n%s", err, verifyUsage)
	}
	extra, err := parseDigests(flags["digest"])
	if err != nil {
		return err
	}
	db, es, err := openLedger(ctx, rest, verifyUsage, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	defer es.Store.Close()

	start := time.Now()
	head, err := es.Store.HeadPosition(ctx)
	if err != nil {
		return err
	}
	progress := func(n int64, at eventstore.Position) {
		rate := float64(n) / max(time.Since(start).Seconds(), 1e-3)
		fmt.Fprintf(stderr, "\rverifying: %d events, at %s of %s (%.0f events/s)   ", n, at, head, rate)
	}
	rep, err := ledger.Verify(ctx, es.Store, ledger.VerifyOptions{Pool: db.Pool, Extra: extra, Progress: progress, ProgressEvery: 5000})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	if rep.Events == 0 && rep.Broken == nil {
		// Almost surely the wrong database (a mistyped BACKOFFICE_DATABASE_URL):
		// "intact" would read as a clean audit of the bureau's ledger.
		fmt.Fprintln(stdout, "the ledger holds no events: nothing was verified")
		return errEmptyLedger
	}
	return report(stdout, rep, start, errLedgerBroken)
}

// auditCmd is `backoffice audit export [--from POS] [--to POS] [--out FILE]`:
// the events after --from up to and including --to as NDJSON.
func auditCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "replay" {
		return replayCmd(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "check" {
		return checkCmd(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "export" {
		if len(args) > 0 && wantsHelp(args[:1]) {
			fmt.Fprintln(stdout, auditUsage)
			return nil
		}
		return errors.New(auditUsage)
	}
	if wantsHelp(args[1:]) {
		fmt.Fprintln(stdout, exportUsage)
		return nil
	}
	flags, rest, err := takeFlags(args[1:], "from", "to", "out")
	if err != nil {
		return fmt.Errorf("%w\n%s", err, exportUsage)
	}
	var r ledger.ExportRange
	if v := flags["from"]; len(v) > 0 {
		if r.After, err = eventstore.ParsePosition(v[len(v)-1]); err != nil {
			return fmt.Errorf("--from: %w", err)
		}
	}
	if v := flags["to"]; len(v) > 0 {
		to, err := eventstore.ParsePosition(v[len(v)-1])
		if err != nil {
			return fmt.Errorf("--to: %w", err)
		}
		r.To = &to
		if len(flags["from"]) > 0 && !to.After(r.After) {
			// An empty export with exit 0 would read as "the ledger holds nothing there".
			return fmt.Errorf("--to %s is not after --from %s: the export holds the events after --from up to and including --to", to, r.After)
		}
	}
	db, es, err := openLedger(ctx, rest, exportUsage, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	defer es.Store.Close()
	r.End = true
	head, err := es.Store.HeadPosition(ctx)
	if err != nil {
		return err
	}
	r.Progress = func(n int, at eventstore.Position) {
		fmt.Fprintf(stderr, "\rexporting: %d events, at %s of %s   ", n, at, head)
	}
	v := flags["out"]
	if len(v) == 0 {
		n, last, err := ledger.Export(ctx, es.Store, r, stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "\nexported %d events, up to %s\n", n, last)
		return nil
	}
	// The file appears under its name only when the export is whole: an
	// interrupted one leaves FILE.part, never a FILE that looks complete.
	name := v[len(v)-1]
	f, err := os.Create(name + ".part")
	if err != nil {
		return err
	}
	n, last, err := ledger.Export(ctx, es.Store, r, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name+".part", name)
	}
	if err != nil {
		_ = os.Remove(name + ".part")
		return err
	}
	fmt.Fprintf(stderr, "\nexported %d events, up to %s, to %s\n", n, last, name)
	return nil
}

// checkCmd is `backoffice audit check [--digest HEX@POSITION]... FILE`: an
// export file re-verified offline (no database, no settings), as the recipe
// in docs/audit.md does it.
func checkCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if wantsHelp(args) {
		fmt.Fprintln(stdout, checkUsage)
		return nil
	}
	flags, rest, err := takeFlags(args, "digest")
	if err != nil {
		return fmt.Errorf("%w\n%s", err, checkUsage)
	}
	extra, err := parseDigests(flags["digest"])
	if err != nil {
		return err
	}
	if len(rest) != 1 || strings.HasPrefix(rest[0], "-") && rest[0] != "-" {
		return fmt.Errorf("name one export file (or - for standard input)\n%s", checkUsage)
	}
	in := io.Reader(os.Stdin)
	if rest[0] != "-" {
		f, err := os.Open(rest[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	start := time.Now()
	progress := func(n int64, at eventstore.Position) {
		fmt.Fprintf(stderr, "\rchecking: %d events, at %s   ", n, at)
	}
	rep, err := ledger.CheckExport(ctx, in, ledger.VerifyOptions{Extra: extra, Progress: progress, ProgressEvery: 50000})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	return report(stdout, rep, start, errExportBroken)
}

// parseDigests reads the --digest values.
func parseDigests(vals []string) ([]ledger.Checkpoint, error) {
	var out []ledger.Checkpoint
	for _, d := range vals {
		c, err := ledger.ParseCheckpoint(d)
		if err != nil {
			return nil, fmt.Errorf("--digest: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// report prints the outcome of verify or check: the digest to write down,
// or the first break (and a digest break besides); an error when broken.
func report(stdout io.Writer, rep ledger.Report, start time.Time, broken error) error {
	fmt.Fprintf(stdout, "events: %d in %d streams; digests checked: %d; took %s\n", rep.Events, rep.Streams, rep.Digests, time.Since(start).Round(time.Millisecond))
	if rep.Broken != nil {
		fmt.Fprintf(stdout, "BROKEN: %s\n", rep.Broken)
		if rep.DigestBreak != nil && rep.DigestBreak != rep.Broken {
			fmt.Fprintf(stdout, "also: %s\n", rep.DigestBreak)
		}
		meaning := "the ledger was changed after it was recorded, at the place named above"
		if broken == errExportBroken {
			meaning = "this file is not a whole, unchanged export (or the ledger it came from was changed): export again and check that copy"
		}
		fmt.Fprintf(stdout, "what it means: %s. Keep this output and report it (docs/audit.md, §10).\n", meaning)
		return fmt.Errorf("%w: %s", broken, rep.Broken)
	}
	fmt.Fprintf(stdout, "intact; digest %s@%s\n", rep.Digest, rep.Last)
	return nil
}
