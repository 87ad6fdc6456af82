package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/internal/pgtest"
)

// TestVerifyAndExportCommands: `verify` exits 0 on an untouched ledger and
// names the changed event otherwise; `audit export` writes every event.
func TestVerifyAndExportCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	getenv, pool, store := migrated(t)
	for _, s := range []string{"timesheet-p1", "timesheet-p2", "timesheet-p1"} {
		if _, err := store.Append(ctx, s, eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: "test.set",
			Data: json.RawMessage(`{"minutes":480}`), Metadata: eventstore.Metadata{ActorID: "acc-1", OccurredAt: time.Now()}}); err != nil {
			t.Fatal(err)
		}
	}
	pgtest.AwaitReadable(t, store, 3)
	if err := (&ledger.Digester{Store: store, Pool: pool, Every: 2}).CatchUp(ctx, true); err != nil {
		t.Fatal(err)
	}

	var out, progress bytes.Buffer
	if err := run(ctx, []string{"verify"}, getenv, &out, &progress); err != nil {
		t.Fatalf("verify of an untouched ledger: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "intact; digest ") || !strings.Contains(progress.String(), "verifying: 3 events") {
		t.Fatalf("verify said %q, progress %q", out.String(), progress.String())
	}
	// The digest it printed, given back as the auditor's, holds too.
	line := out.String()[strings.Index(out.String(), "digest ")+len("digest "):]
	given := strings.TrimSpace(line)
	out.Reset()
	if err := run(ctx, []string{"verify", "--digest", given}, getenv, &out, io.Discard); err != nil {
		t.Fatalf("verify --digest %s: %v", given, err)
	}
	if err := run(ctx, []string{"verify", "--digest", "00@1-1"}, getenv, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--digest") {
		t.Fatalf("a malformed --digest: %v", err)
	}

	file := filepath.Join(t.TempDir(), "export.ndjson")
	progress.Reset()
	if err := run(ctx, []string{"audit", "export", "--out", file}, getenv, io.Discard, &progress); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "exporting: 3 events, at ") || !strings.Contains(progress.String(), "exported 3 events, up to ") {
		t.Fatalf("export's progress: %q", progress.String())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(b), "\n"); lines != 4 || !strings.Contains(string(b), `"stream":"timesheet-p2"`) ||
		!strings.HasSuffix(string(b), `"end":true,"events":3,"last_position":"`+given[strings.Index(given, "@")+1:]+`","digest":"`+given[:64]+"\"}\n") {
		t.Fatalf("export has %d lines:\n%s", lines, b)
	}
	if _, err := os.Stat(file + ".part"); !os.IsNotExist(err) {
		t.Fatalf("the export left %s.part: %v", file, err)
	}
	// The file re-verified offline (no settings: no database) gives the
	// digest verify printed; cut off, it is refused by line.
	out.Reset()
	if err := run(ctx, []string{"audit", "check", "--digest", given, file}, func(string) string { return "" }, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "intact; digest "+given) {
		t.Fatalf("audit check of the export: %v %q", err, out.String())
	}
	cut := filepath.Join(t.TempDir(), "cut.ndjson")
	if err := os.WriteFile(cut, b[:strings.LastIndex(strings.TrimSuffix(string(b), "\n"), "\n")+1], 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(ctx, []string{"audit", "check", cut}, getenv, &out, io.Discard)
	if err == nil || !strings.Contains(out.String(), "BROKEN: line 3, position ") || !strings.Contains(out.String(), "it was cut off") ||
		!strings.Contains(out.String(), "what it means: this file is not a whole, unchanged export") {
		t.Fatalf("audit check of a cut-off export: %v %q", err, out.String())
	}

	if _, err := pool.Exec(ctx, `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only;
		UPDATE eventstore_events SET data = '{"minutes":600}' WHERE stream = 'timesheet-p1' AND revision = 1;
		ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(ctx, []string{"verify"}, getenv, &out, io.Discard)
	if err == nil || !strings.Contains(out.String(), `BROKEN: stream "timesheet-p1" revision 1, position `) ||
		!strings.Contains(out.String(), "expected ") || !strings.Contains(out.String(), ", found ") ||
		!strings.Contains(out.String(), "what it means: the ledger was changed after it was recorded, at the place named above.") {
		t.Fatalf("verify of a tampered ledger: err %v, output %q", err, out.String())
	}
}
