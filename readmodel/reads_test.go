package readmodel_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"regexp"

	"backoffice/readmodel"
)

// readRE finds a table an SQL text reads (FROM, JOIN; also the FROM of an
// UPDATE or DELETE). Keywords are upper case, tables lower case.
var readRE = regexp.MustCompile(`\b(?:FROM|JOIN)\s+(?:ONLY\s+)?([a-z_][a-z0-9_]*)`)

// knownReads are the reads of another package's private table found when
// this check was written (2026-12-05). Each is debt: move it behind the
// owner's Go function and delete its line here. A new one fails the test.
var knownReads = map[string]string{
	"commands/document/documenttest reads eventstore_events": "test kit: reads the newest event's position from the table, not through the store",
	"internal/apptest reads eventstore_events":               "test kit: reads the newest event's position from the table, not through the store",
}

// privateReads are the reads in the SQL text s, in package dir, of a table
// another package owns that is not a read model: only the owner reads its
// private tables (credentials, tokens, queues, the event store); the read
// models (readmodel/…) are there for every query to read.
func privateReads(dir, s string) []string {
	var out []string
	for _, m := range readRE.FindAllStringSubmatch(s, -1) {
		owner, ok := readmodel.Owners[m[1]]
		if !ok || owner == dir || strings.HasPrefix(owner, "readmodel/") {
			continue
		}
		out = append(out, dir+" reads "+m[1])
	}
	return out
}

func TestPrivateReads(t *testing.T) {
	for _, tc := range []struct {
		dir, sql string
		want     []string
	}{
		// What notify/mail's claim did until the check moved to commands/auth.
		{"notify/mail", `SELECT payload, coalesce((SELECT NOT c.disabled FROM credentials c
			WHERE c.account_id = mail_deliveries.payload->>'account_id'), true) FROM mail_deliveries`,
			[]string{"notify/mail reads credentials"}},
		{"notify/reminders", `SELECT a.email FROM accounts a JOIN notify_settings s USING (account_id)`,
			[]string{"notify/reminders reads notify_settings"}},
		{"commands/auth", `SELECT disabled FROM credentials WHERE account_id = $1`, nil},
		{"http/api", `SELECT name FROM clients WHERE client_id = $1`, nil},
		{"notify/queue", `SELECT count(*) FROM {table}`, nil},
		{"notify/mail", `SELECT EXTRACT(EPOCH FROM now() - created_at) FROM mail_deliveries`, nil},
	} {
		if got := privateReads(tc.dir, tc.sql); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q:\n got %q\nwant %q", tc.dir, tc.sql, got, tc.want)
		}
	}
}

// TestTableReads: no package reads another's private table in SQL
// (readmodel.Owners), but for the known debts (knownReads), each of which
// must still exist.
func TestTableReads(t *testing.T) {
	found := map[string]bool{}
	goStrings(t, func(dir, file, s string) {
		for _, r := range privateReads(dir, s) {
			if _, known := knownReads[r]; !known && !found[r] {
				t.Errorf("%s: %s, owned by %s: call the owner's Go function", file, r, readmodel.Owners[r[strings.LastIndex(r, " ")+1:]])
			}
			found[r] = true
		}
	})
	var gone []string
	for r := range knownReads {
		if !found[r] {
			gone = append(gone, r)
		}
	}
	sort.Strings(gone)
	for _, r := range gone {
		t.Errorf("knownReads lists %q, which no longer happens: delete its line", r)
	}
}
