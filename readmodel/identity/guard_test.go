package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	"backoffice/domain/placement"
	"backoffice/eventstore"
	"backoffice/internal/pgtest"
	"backoffice/projections"
	"backoffice/readmodel"
	rm "backoffice/readmodel/identity"
)

// TestOlderEventsChangeNothing: each identity projector applies an event
// only above the revision its row holds, so an older event delivered again
// after newer ones (a redelivery, a replay on top of the read model) does
// not undo them: a contact change, an agreement change, a placement's end,
// an account blocked after being unblocked.
func TestOlderEventsChangeNothing(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "readmodel-identity-guard", pgtest.WithPool(readmodel.Migrate)))
	byName := map[string]projections.Projector{}
	for _, p := range rm.Projectors() {
		byName[p.Name()] = p
	}
	at := time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	deliver := func(projector, stream string, revision uint64, ev domain.Event) {
		t.Helper()
		data, err := domain.Encode(ev)
		if err != nil {
			t.Fatal(err)
		}
		rec := eventstore.RecordedEvent{ID: uuid.New(), Stream: stream, Revision: revision, Type: ev.EventType(), Data: data,
			Metadata: eventstore.Metadata{OccurredAt: at}, Created: at}
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return byName[projector].Handle(ctx, tx, rec) }); err != nil {
			t.Fatal(err)
		}
	}
	query := func(sql string, args ...any) string {
		t.Helper()
		var out string
		if err := pool.QueryRow(ctx, sql, args...).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}

	registered := &intermediary.Registered{IntermediaryID: "i1", Name: "Flex", Contact: intermediary.Contact{Name: "Anna", Email: "anna@flex.test"}}
	deliver(rm.IntermediariesProjector, intermediary.Stream("i1"), 0, registered)
	deliver(rm.IntermediariesProjector, intermediary.Stream("i1"), 1, &intermediary.ContactChanged{IntermediaryID: "i1",
		Contact: intermediary.Contact{Name: "Bert", Email: "bert@flex.test"}})
	deliver(rm.IntermediariesProjector, intermediary.Stream("i1"), 0, registered) // again
	if got := query(`SELECT contact_name FROM intermediaries WHERE intermediary_id = 'i1'`); got != "Bert" {
		t.Fatalf("contact after a redelivered registration: %s, want Bert", got)
	}

	from := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	agreement := func(name string) client.Agreement {
		return client.Agreement{HourTypes: []client.HourType{{Code: "100", Name: name, Percentage: 100}}, NormalHourType: "100",
			EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient}}
	}
	clientReg := &client.Registered{ClientID: "c1", IntermediaryID: "i1", Name: "Bakkerij", KvK: "12345678",
		AgreementFrom: from, Agreement: agreement("Normaal")}
	deliver(rm.ClientsProjector, client.Stream("c1"), 0, clientReg)
	deliver(rm.ClientsProjector, client.Stream("c1"), 1, &client.AgreementChanged{ClientID: "c1", EffectiveFrom: from, Agreement: agreement("Gewoon")})
	deliver(rm.ClientsProjector, client.Stream("c1"), 0, clientReg) // again
	if got := query(`SELECT agreement->'hour_types'->0->>'name' FROM client_agreements WHERE client_id = 'c1'`); got != "Gewoon" {
		t.Fatalf("agreement after a redelivered registration: %s, want Gewoon", got)
	}
	details := &client.DetailsChanged{ClientID: "c1", Name: "Bakkerij & Zn", KvK: "12345678", Contact: client.Contact{Name: "Cor", Email: "cor@bakkerij.test"}}
	deliver(rm.ClientsProjector, client.Stream("c1"), 2, details)
	deliver(rm.ClientsProjector, client.Stream("c1"), 3, &client.DetailsChanged{ClientID: "c1", Name: "Bakkerij Nieuw", KvK: "12345678",
		Contact: client.Contact{Name: "Dirk", Email: "dirk@bakkerij.test"}})
	deliver(rm.ClientsProjector, client.Stream("c1"), 2, details)   // again
	deliver(rm.ClientsProjector, client.Stream("c1"), 0, clientReg) // again
	if got := query(`SELECT name || ' ' || contact_name FROM clients WHERE client_id = 'c1'`); got != "Bakkerij Nieuw Dirk" {
		t.Fatalf("client after redelivered older events: %s, want the changed details", got)
	}

	started := &placement.Started{PlacementID: "p1", WorkerID: "w1", ClientID: "c1", IntermediaryID: "i1", Function: "Bakker", Start: from}
	deliver(rm.PlacementsProjector, placement.Stream("p1"), 0, started)
	deliver(rm.PlacementsProjector, placement.Stream("p1"), 1, &placement.Ended{PlacementID: "p1", End: from.AddDate(0, 1, 0), Reason: "klaar"})
	deliver(rm.PlacementsProjector, placement.Stream("p1"), 0, started) // again
	if got := query(`SELECT coalesce(end_date::text, 'open') || ' ' || end_reason FROM placements WHERE placement_id = 'p1'`); got != "2026-02-05 klaar" {
		t.Fatalf("placement after a redelivered start: %s, want ended 2026-02-05", got)
	}

	deliver(rm.AccountsProjector, account.Stream("a1"), 0, &account.Created{AccountID: "a1", Email: "k@bakkerij.test", Role: domain.RoleClient, ClientID: "c1", Language: "nl"})
	deliver(rm.AccountsProjector, account.Stream("a1"), 1, &account.Disabled{AccountID: "a1"})
	deliver(rm.AccountsProjector, account.Stream("a1"), 2, &account.Enabled{AccountID: "a1"})
	deliver(rm.AccountsProjector, account.Stream("a1"), 1, &account.Disabled{AccountID: "a1"}) // again
	if got := query(`SELECT disabled::text FROM accounts WHERE account_id = 'a1'`); got != "false" {
		t.Fatalf("account after a redelivered block: disabled %s, want false", got)
	}
	// A newer event still applies.
	deliver(rm.AccountsProjector, account.Stream("a1"), 3, &account.Disabled{AccountID: "a1"})
	if got := query(`SELECT disabled::text FROM accounts WHERE account_id = 'a1'`); got != "true" {
		t.Fatalf("account after a new block: disabled %s, want true", got)
	}
}
