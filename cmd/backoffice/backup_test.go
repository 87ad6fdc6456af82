package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"backoffice/internal/pgtest"
)

// TestBackupRestoresIntoAFreshDataDir follows docs/operations.md: a backup
// of a running installation's database, restored into a new embedded data
// directory (a new cluster, whose transaction counter starts far below the
// one the events were written with), verifies with the same digest, and a
// new event lands after the restored history.
func TestBackupRestoresIntoAFreshDataDir(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	master := base64.StdEncoding.EncodeToString(key)
	cs := pgtest.NewDB(t)
	_, source := testEnv(t, cs, "BACKOFFICE_MASTER_KEY", master)
	if err := run(ctx, []string{"migrate"}, source, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	// An installation that has been running a while: its transaction IDs
	// are far past those of a freshly initialised cluster.
	pool := pgtest.Pool(t, cs)
	if _, err := pool.Exec(ctx, `DO $$ BEGIN FOR i IN 1..3000 LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`); err != nil {
		t.Fatal(err)
	}
	bootstrapAs(t, source, "beheer@bureau.example.nl")
	before := verified(t, source)

	file := filepath.Join(t.TempDir(), "backoffice.dump")
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", file}, source, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "BACKOFFICE_MASTER_KEY") {
		t.Errorf("backup did not remind of the master key: %q", out.String())
	}

	fresh := map[string]string{"BACKOFFICE_DATA_DIR": t.TempDir(), "BACKOFFICE_MASTER_KEY": master}
	restoredEnv := func(k string) string { return fresh[k] }
	if err := run(ctx, []string{"restore", file}, restoredEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	after := verified(t, restoredEnv)
	if after != before {
		t.Fatalf("restored ledger: %q, want the backed-up %q", after, before)
	}
	err := run(ctx, []string{"restore", file}, restoredEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "restore into an empty one") {
		t.Fatalf("a restore over the restored data: %v, want a refusal", err)
	}

	// The restored data serves: the account is there, and a new one is
	// appended after the restored history (a position past the old head).
	if got := bootstrapAs(t, restoredEnv, "beheer@bureau.example.nl"); !strings.Contains(got, "already exists") {
		t.Fatalf("bootstrap on the restored data: %q, want the account to exist", got)
	}
	bootstrapAs(t, restoredEnv, "tweede@bureau.example.nl")
	if next := verified(t, restoredEnv); headOf(t, next) == headOf(t, before) {
		t.Fatalf("after a new account the ledger's head is still %s: the new events sit before the restored ones (%q)", headOf(t, before), next)
	}
}

func bootstrapAs(t *testing.T, getenv func(string) string, email string) string {
	t.Helper()
	var out bytes.Buffer
	if err := bootstrap(context.Background(), []string{email}, getenv, strings.NewReader("een-lang-genoeg-wachtwoord\n"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// verified runs `backoffice verify` and returns its verdict line with the
// digest ("intact; digest HEX@POS").
func verified(t *testing.T, getenv func(string) string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"verify"}, getenv, &out, io.Discard); err != nil {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}
	line := regexp.MustCompile(`intact; digest [0-9a-f]+@[0-9]+-[0-9]+`).FindString(out.String())
	if line == "" || strings.Contains(out.String(), "events: 0 ") {
		t.Fatalf("verify said %q", out.String())
	}
	return line
}

func headOf(t *testing.T, verdict string) string {
	t.Helper()
	return verdict[strings.LastIndex(verdict, "@")+1:]
}

// TestPasswordStaysOffTheCommandLine: pg_dump and pg_restore get the
// database's password through PGPASSWORD, not in their arguments, which
// every user of the machine can read in the process list.
func TestPasswordStaysOffTheCommandLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, conn, password string }{
		{"postgres://bo:s3cret@db:5432/bo?sslmode=require", "postgres://bo@db:5432/bo?sslmode=require", "s3cret"},
		{"postgres://bo@db/bo", "postgres://bo@db/bo", ""},
		{"host=db user=bo password=s3cret dbname=bo", "host=db user=bo dbname=bo", "s3cret"},
		{"host=db password='s 3' dbname=bo", "host=db dbname=bo", "s 3"},
		{"host=/run/pg user=postgres dbname=backoffice", "host=/run/pg user=postgres dbname=backoffice", ""},
	} {
		conn, password := withoutPassword(tc.in)
		if conn != tc.conn || password != tc.password {
			t.Errorf("withoutPassword(%q) = %q, %q; want %q, %q", tc.in, conn, password, tc.conn, tc.password)
		}
	}
}
