package identity_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"backoffice/domain"
	it "backoffice/internal/identitytest"
	rm "backoffice/readmodel/identity"
)

// TestActorNames: the history's names, by reader. Two tenants (i1 → c1 → w1
// and i2 → c2), a second user of c1 without a name of their own, and a
// back-office account.
func TestActorNames(t *testing.T) {
	ctx := context.Background()
	pool := it.NewDB(t)
	for _, q := range []string{
		`INSERT INTO intermediaries (intermediary_id, name, contact_name, contact_email, registered_at) VALUES
			('i1', 'Flex', 'Anna de Boer', 'anna@flex.test', now()), ('i2', 'Uitzend', 'Bram Vos', 'bram@uitzend.test', now())`,
		`INSERT INTO clients (client_id, intermediary_id, name, kvk, address, contact_name, contact_email, registered_at) VALUES
			('c1', 'i1', 'Bakkerij', '12345678', '{}', 'Kees Bakker', 'kees@bakkerij.test', now()),
			('c2', 'i2', 'Smit', '87654321', '{}', 'Sanne Smit', 'sanne@smit.test', now())`,
		`INSERT INTO workers (worker_id, client_id, first_name, last_name, full_name, email, function, registered_at) VALUES
			('w1', 'c1', 'Jan', 'Berg', 'Jan Berg', 'jan@bakkerij.test', 'Bakker', now())`,
		`INSERT INTO accounts (account_id, email, role, intermediary_id, client_id, worker_id, created_at) VALUES
			('a-i1', 'anna@flex.test', 'intermediary', 'i1', '', '', now()),
			('a-i2', 'bram@uitzend.test', 'intermediary', 'i2', '', '', now()),
			('a-c1', 'kees@bakkerij.test', 'client', '', 'c1', '', now()),
			('a-c1b', 'piet@bakkerij.test', 'client', '', 'c1', '', now()),
			('a-c2', 'sanne@smit.test', 'client', '', 'c2', '', now()),
			('a-w1', 'jan@bakkerij.test', 'worker', '', '', 'w1', now()),
			('a-bo', 'beheer@bureau.test', 'backoffice', '', '', '', now())`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	q := rm.NewQueries(pool, time.Now)
	all := []string{"a-i1", "a-i2", "a-c1", "a-c1b", "a-c2", "a-w1", "a-bo", "unknown"}
	everyone := map[string]string{"a-i1": "Anna de Boer", "a-i2": "Bram Vos", "a-c1": "Kees Bakker", "a-c1b": "piet@bakkerij.test",
		"a-c2": "Sanne Smit", "a-w1": "Jan Berg", "a-bo": "beheer@bureau.test"}
	pick := func(ids ...string) map[string]string {
		out := map[string]string{}
		for _, id := range ids {
			out[id] = everyone[id]
		}
		return out
	}
	for _, c := range []struct {
		name   string
		viewer domain.Actor
		want   map[string]string
	}{
		{"back office", domain.Actor{AccountID: "a-bo", Role: domain.RoleBackoffice}, everyone},
		// The auditor: every name, never an address (a-c1b and the back
		// office's login have no other name).
		{"auditor", domain.Actor{AccountID: "tok", Role: domain.RoleAuditor}, pick("a-i1", "a-i2", "a-c1", "a-c2", "a-w1")},
		{"payroll", domain.Actor{AccountID: "tok", Role: domain.RolePayroll}, everyone},
		{"client c1", domain.Actor{AccountID: "a-c1b", Role: domain.RoleClient, ClientID: "c1"}, pick("a-c1", "a-c1b", "a-w1", "a-i1")},
		{"intermediary i1", domain.Actor{AccountID: "a-i1", Role: domain.RoleIntermediary, IntermediaryID: "i1"}, pick("a-i1", "a-c1", "a-c1b", "a-w1")},
		{"worker w1", domain.Actor{AccountID: "a-w1", Role: domain.RoleWorker, WorkerID: "w1"}, pick("a-w1", "a-c1", "a-c1b", "a-i1")},
		{"client c2", domain.Actor{AccountID: "a-c2", Role: domain.RoleClient, ClientID: "c2"}, pick("a-c2", "a-i2")},
	} {
		got, err := q.ActorNames(ctx, c.viewer, all)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, c.want) {
			t.Errorf("%s sees %v, want %v", c.name, got, c.want)
		}
	}
}
