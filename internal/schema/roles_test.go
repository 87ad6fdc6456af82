package schema_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/internal/pgtest"
	"backoffice/internal/schema"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// rolesBlock is the role set-up of docs/audit.md §2, as an operator runs it.
func rolesBlock(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "audit.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, _ := strings.Cut(string(doc), "<!-- roles:start -->")
	block, _, ok := strings.Cut(block, "<!-- roles:end -->")
	if !ok {
		t.Fatal("docs/audit.md has no roles block")
	}
	return strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(block), "```sql")), "```")
}

// oldRolesBlock is the block docs/audit.md gave before ledger migration 2:
// every privilege on every table, taken back on the event table only.
const oldRolesBlock = `CREATE ROLE backoffice_app LOGIN PASSWORD 'change-me';
GRANT USAGE, CREATE ON SCHEMA public TO backoffice_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO backoffice_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO backoffice_app;
REVOKE UPDATE, DELETE, TRUNCATE ON eventstore_events, eventstore_chain FROM backoffice_app;`

// asAppRole runs block (with backoffice_app renamed: roles belong to the
// whole cluster) as the owner of the fully migrated database at cs and
// returns the connection string of the new role.
func asAppRole(t *testing.T, cs string, owner *pgxpool.Pool, block string) string {
	t.Helper()
	role := "app_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	if _, err := owner.Exec(t.Context(), strings.ReplaceAll(block, "backoffice_app", role)); err != nil {
		t.Fatalf("the role set-up fails: %v\n%s", err, block)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		_, _ = owner.Exec(ctx, "DROP OWNED BY "+role)
		_, _ = owner.Exec(ctx, "DROP ROLE "+role)
	})
	appCS := strings.Replace(cs, "user=postgres", "user="+role, 1)
	if appCS == cs {
		t.Fatalf("cannot change the user of %q", cs)
	}
	return appCS
}

// ledgerChanges are the statements the application role must never be
// allowed: a change to the ledger, its chain record, a recorded digest, or
// the removal of the stream heads.
var ledgerChanges = []string{
	`UPDATE eventstore_events SET data = '{}'`,
	`DELETE FROM eventstore_events`,
	`TRUNCATE eventstore_events`,
	`UPDATE eventstore_chain SET backfilled_events = 0`,
	`DELETE FROM eventstore_chain`,
	`TRUNCATE eventstore_chain`,
	`UPDATE ledger_digests SET events = events + 1`,
	`DELETE FROM ledger_digests`,
	`TRUNCATE ledger_digests`,
	`DELETE FROM ledger_heads`,
	`TRUNCATE ledger_heads`,
}

func wantRefused(t *testing.T, app *pgxpool.Pool) {
	t.Helper()
	for _, sql := range ledgerChanges {
		_, err := app.Exec(t.Context(), sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" || !strings.Contains(pgErr.Message, "permission denied") {
			t.Errorf("%s as the app role: %v, want permission denied", sql, err)
		}
	}
}

// TestAppRoleAfterFullMigration: the whole `backoffice migrate` as the
// owner, then the role set-up of docs/audit.md; as the application role
// the start-up migration passes, events append, the digest job records,
// and no statement can change or remove the ledger, its chain record, a
// digest or the stream heads.
func TestAppRoleAfterFullMigration(t *testing.T) {
	ctx := t.Context()
	cs := pgtest.NewDB(t)
	if err := schema.Migrate(ctx, cs); err != nil {
		t.Fatal(err)
	}
	appCS := asAppRole(t, cs, pgtest.Pool(t, cs), rolesBlock(t))
	if err := schema.Migrate(ctx, appCS); err != nil {
		t.Fatalf("start-up migration as the app role: %v", err)
	}
	app := pgtest.Pool(t, appCS)
	store := pgtest.EventStore(t, app)
	for i, stream := range []string{"role-a", "role-b"} {
		if _, err := store.Append(ctx, stream, eventstore.NoStream(), eventstore.EventData{
			ID: uuid.New(), Type: "role.tested", Data: []byte(`{"n":1}`),
			Metadata: eventstore.Metadata{ActorID: "acc-1", ActorRole: "backoffice"},
		}); err != nil {
			t.Fatalf("append %d as the app role: %v", i, err)
		}
	}
	pgtest.AwaitReadable(t, store, 2)
	d := &ledger.Digester{Store: store, Pool: app}
	if err := d.CatchUp(ctx, true); err != nil {
		t.Fatalf("the digest job as the app role: %v", err)
	}
	if _, err := store.Append(ctx, "role-a", eventstore.Exact(0), eventstore.EventData{
		ID: uuid.New(), Type: "role.tested", Data: []byte(`{"n":2}`),
	}); err != nil {
		t.Fatal(err)
	}
	pgtest.AwaitReadable(t, store, 3)
	if err := d.CatchUp(ctx, true); err != nil { // moves a stream head on
		t.Fatalf("the second digest as the app role: %v", err)
	}
	if recs, err := ledger.Records(ctx, app); err != nil || len(recs) != 2 {
		t.Fatalf("digests recorded as the app role: %v, %v", recs, err)
	}
	wantRefused(t, app)
	if rep, err := ledger.Verify(ctx, store, ledger.VerifyOptions{Pool: app}); err != nil || !rep.Intact() {
		t.Fatalf("verify after the refusals: %+v, %v", rep, err)
	}
}

// TestLedgerMigrationTakesBackOldGrants: a database set up with the role
// block of before ledger migration 2 (the application role may delete
// digests) gets the privileges taken back by that migration, run as the
// owner; run as the application role it refuses and stays pending.
func TestLedgerMigrationTakesBackOldGrants(t *testing.T) {
	ctx := t.Context()
	cs := pgtest.NewDB(t)
	if err := schema.Migrate(ctx, cs); err != nil {
		t.Fatal(err)
	}
	owner := pgtest.Pool(t, cs)
	appCS := asAppRole(t, cs, owner, oldRolesBlock)
	// The database as it was before migration 2: its grants above, the
	// migration not yet recorded.
	if _, err := owner.Exec(ctx, `DELETE FROM goose_ledger WHERE version_id = 2`); err != nil {
		t.Fatal(err)
	}
	app := pgtest.Pool(t, appCS)
	if _, err := app.Exec(ctx, `DELETE FROM ledger_digests WHERE false`); err != nil {
		t.Fatalf("the old block should have let the app role delete digests: %v", err)
	}
	err := schema.Migrate(ctx, appCS)
	if err == nil || !strings.Contains(err.Error(), "must run as the owner of ledger_digests") {
		t.Fatalf("migration 2 as the app role: %v, want a refusal", err)
	}
	if err := schema.Migrate(ctx, cs); err != nil {
		t.Fatalf("migration 2 as the owner: %v", err)
	}
	wantRefused(t, app)
	// What the digest job needs is still granted.
	if _, err := app.Exec(ctx, `INSERT INTO ledger_heads (stream, revision, hash) VALUES ('x', 0, $1)
		ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision`, make([]byte, 32)); err != nil {
		t.Fatalf("moving a head as the app role: %v", err)
	}
}
