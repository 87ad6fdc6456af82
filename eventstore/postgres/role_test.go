package postgres_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
)

// TestAppRoleCanOnlyAppend runs the role set-up of docs/audit.md and checks
// that the application role can migrate (nothing to do), append and read,
// and that UPDATE and DELETE on the ledger are refused by privilege.
func TestAppRoleCanOnlyAppend(t *testing.T) {
	ctx := t.Context()
	// The documented block names the ledger's digest tables too.
	cs := pgtest.NewDBFromTemplate(t, "eventstore_ledger", pgtest.WithEventStore(ledger.Migrate))
	admin := newPool(t, cs)
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "audit.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, _ := strings.Cut(string(doc), "<!-- roles:start -->")
	block, _, ok := strings.Cut(block, "<!-- roles:end -->")
	if !ok {
		t.Fatal("docs/audit.md has no roles block")
	}
	block = strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(block), "```sql")), "```")
	// Roles belong to the whole cluster: a name of this test's own.
	role := "app_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	if _, err := admin.Exec(ctx, strings.ReplaceAll(block, "backoffice_app", role)); err != nil {
		t.Fatalf("the documented set-up fails: %v\n%s", err, block)
	}
	t.Cleanup(func() {
		ctx := t.Context()
		_, _ = admin.Exec(ctx, "DROP OWNED BY "+role)
		_, _ = admin.Exec(ctx, "DROP ROLE "+role)
	})
	appCS := strings.Replace(cs, "user=postgres", "user="+role, 1)
	if appCS == cs {
		t.Fatalf("cannot change the user of %q", cs)
	}
	if err := postgres.Migrate(ctx, appCS); err != nil {
		t.Fatalf("start-up migration as the app role: %v", err)
	}
	app := newPool(t, appCS)
	s := openStore(t, app, postgres.Options{})
	if _, err := s.Append(ctx, "role-test", eventstore.NoStream(), events(2)...); err != nil {
		t.Fatalf("append as the app role: %v", err)
	}
	evs, err := s.ReadStream(ctx, "role-test", eventstore.ReadStreamOptions{})
	if err != nil || len(evs) != 2 || eventstore.VerifyStream(evs) != nil {
		t.Fatalf("read as the app role: %d events, %v", len(evs), err)
	}
	for _, sql := range []string{
		`UPDATE eventstore_events SET data = '{}' WHERE stream = 'role-test'`,
		`DELETE FROM eventstore_events WHERE stream = 'role-test'`,
		`TRUNCATE eventstore_events`,
	} {
		_, err := app.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" || !strings.Contains(pgErr.Message, "permission denied") {
			t.Fatalf("%s as the app role: %v, want permission denied", sql, err)
		}
	}
}
