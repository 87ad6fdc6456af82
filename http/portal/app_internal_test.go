package portal

// The features of app_*.go on their own, against the real command
// handlers and read models (moved from internal/app/portalwire).

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"backoffice/commands"
	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	doc "backoffice/domain/document"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	it "backoffice/internal/identitytest"
	"backoffice/internal/pgtest"
	"backoffice/readmodel"
	rmid "backoffice/readmodel/identity"
	rm "backoffice/readmodel/timesheets"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestIdentityApp: the portal user carries the display name from the
// read models, and the language switch applies to the session's next
// request.
func TestIdentityApp(t *testing.T) {
	e := it.New(t)
	ctx := context.Background()
	id := &identityApp{auth: e.Auth, activation: e.Identity.Activation, linkMails: e.LinkMails, profile: e.Identity.Profile, names: rmid.NewQueries(e.Pool, time.Now), clock: time.Now}
	bo := e.Login(t, it.BackofficeEmail, it.BackofficePassword)
	r := it.Want(t, e.Do(t, http.MethodPost, "/intermediaries", bo, map[string]any{"name": "Flex",
		"contact": map[string]string{"name": "Anna de Boer", "email": "anna@flex.test"}}), http.StatusCreated)
	acc, pos := r.Str(t, "account_id"), r.Str(t, "position")
	e.WaitForMail(t, "anna@flex.test", 1)
	if err := e.Identity.Activation.DemoSetPassword(ctx, acc, "een-goed-wachtwoord"); err != nil {
		t.Fatal(err)
	}
	it.Want(t, e.Do(t, http.MethodGet, "/intermediaries?min_position="+pos, bo, nil), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodGet, "/accounts?min_position="+pos, bo, nil), http.StatusOK)

	s, err := id.Login(ctx, "anna@flex.test", "een-goed-wachtwoord", Client{IP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if s.User.Name != "Anna de Boer" || s.User.Actor.Language != "nl" {
		t.Fatalf("login user: %+v", s.User)
	}
	if _, err := id.SetLanguage(ctx, commands.Meta{Actor: s.User.Actor}, "en"); err != nil {
		t.Fatal(err)
	}
	u, err := id.Authenticate(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Anna de Boer" || u.Actor.Language != "en" || u.Email != "anna@flex.test" {
		t.Fatalf("next request's user: %+v", u)
	}
	bs, err := id.Login(ctx, it.BackofficeEmail, it.BackofficePassword, Client{})
	if err != nil || bs.User.Name != it.BackofficeEmail {
		t.Fatalf("back office user: %+v %v", bs.User, err)
	}
}

// TestDocumentAppExpired: a request past its expiry reaches the
// portal as Expired (the signing screen says so instead of "not found"),
// and cannot be signed.
func TestDocumentAppExpired(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	a := &documentApp{commands: e.Handler, queries: e.Queries, identity: e.Env.Queries}
	id := e.AskToSign(t, "Overeenkomst")
	d, err := a.Document(ctx, e.Client1, id)
	if err != nil || d.Request == nil || d.Request.Expired || !d.CanSign {
		t.Fatalf("open request: %+v %v", d.Request, err)
	}
	e.SetNow(time.Now().Add(doc.SignatureTTL + time.Minute))
	d, err = a.Document(ctx, e.Client1, id)
	if err != nil || d.Request == nil || !d.Request.Expired || d.CanSign {
		t.Fatalf("expired request: %+v %v", d.Request, err)
	}
}

// TestDocumentAppBackoffice: the back office's upload of an invoice
// for a client it names, its choice of clients and signers, and asking a
// signature through the adapter; other actors get nothing of it.
func TestDocumentAppBackoffice(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	a := &documentApp{commands: e.Handler, queries: e.Queries, identity: e.Env.Queries}

	cs, err := a.Clients(ctx, e.Backoffice)
	want := []ClientOption{{ID: "c1", Name: "Bakkerij Korenaar"}, {ID: "c2", Name: "Transport Smit"}}
	if err != nil || !reflect.DeepEqual(cs, want) {
		t.Fatalf("back office clients: %+v %v", cs, err)
	}
	for _, actor := range []domain.Actor{e.Client1, e.Inter1, e.Worker1} {
		if cs, err := a.Clients(ctx, actor); err != nil || len(cs) != 0 {
			t.Errorf("%s chooses among clients: %+v %v", actor.Role, cs, err)
		}
	}

	date := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	res, err := a.Upload(ctx, dt.Meta(e.Backoffice), DocumentUpload{ClientID: "c2", Kind: DocumentKindInvoice,
		Invoice: &Invoice{Number: "2026-0042", Date: date, AmountCents: 123456}, Title: "Factuur 2026-0042",
		Category: DocumentCategoryGeneral, FileName: "f.pdf", Content: dt.PDF})
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	inv, err := a.List(ctx, e.Client2, DocumentKindInvoice)
	if err != nil || len(inv) != 1 || inv[0].Invoice == nil || *inv[0].Invoice != (Invoice{Number: "2026-0042", Date: date, AmountCents: 123456}) {
		t.Fatalf("client 2's invoices: %+v %v", inv, err)
	}
	if inv, _ := a.List(ctx, e.Client1, DocumentKindInvoice); len(inv) != 0 {
		t.Fatalf("client 1 sees client 2's invoice: %+v", inv)
	}
	// The command's field names reach the
	_, err = a.Upload(ctx, dt.Meta(e.Backoffice), DocumentUpload{ClientID: "c2", Kind: DocumentKindInvoice,
		Invoice: &Invoice{Number: "2026-0043"}, Title: "Factuur", FileName: "f.pdf", Content: dt.PDF})
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Field != "invoice_date" {
		t.Fatalf("invoice without a date: %v", err)
	}
	// A client user cannot upload for another company, nor an invoice.
	if _, err := a.Upload(ctx, dt.Meta(e.Client1), DocumentUpload{ClientID: "c2", Title: "X", FileName: "x.pdf", Content: dt.PDF}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("client 1 uploads for client 2: %v", err)
	}
	if _, err := a.Upload(ctx, dt.Meta(e.Client1), DocumentUpload{Kind: DocumentKindInvoice, Title: "X", FileName: "x.pdf",
		Invoice: &Invoice{Number: "1", Date: date, AmountCents: 1}, Content: dt.PDF}); domain.KindOf(err) != domain.KindForbidden {
		t.Fatalf("client 1 uploads an invoice: %v", err)
	}
	// Invoices are never signed.
	bod, err := a.Document(ctx, e.Backoffice, invoiceID(t, a, e))
	if err != nil || bod.CanRequestSignature {
		t.Fatalf("invoice offers a signature request: %+v %v", bod, err)
	}

	res, err = a.Upload(ctx, dt.Meta(e.Backoffice), DocumentUpload{ClientID: "c1", Title: "Overeenkomst", FileName: "o.pdf", Content: dt.PDF})
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	rows, _ := a.List(ctx, e.Backoffice, DocumentKindDocument)
	if len(rows) != 1 {
		t.Fatalf("documents: %+v", rows)
	}
	id := rows[0].ID
	d, err := a.Document(ctx, e.Backoffice, id)
	if err != nil || !d.CanRequestSignature {
		t.Fatalf("new document, back office: %+v %v", d, err)
	}
	if d, _ := a.Document(ctx, e.Client1, id); d.CanRequestSignature {
		t.Fatal("a client user may request a signature")
	}

	signers, err := a.Signers(ctx, e.Backoffice, id)
	if err != nil || !reflect.DeepEqual(signers, []SignerOption{{AccountID: e.Client1.AccountID, Name: "Kees Bakker", Email: "kees@c1.test"}}) {
		t.Fatalf("signers: %+v %v", signers, err)
	}
	for _, actor := range []domain.Actor{e.Client1, e.Client2, e.Inter1, e.Worker1} {
		if s, err := a.Signers(ctx, actor, id); !errors.Is(err, domain.ErrNotFound) || s != nil {
			t.Errorf("%s lists signers: %+v %v", actor.Role, s, err)
		}
	}
	if _, err := a.Signers(ctx, e.Backoffice, "no-such-document"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("signers of an unknown document: %v", err)
	}

	// Only the back office asks, and only a user of the document's client.
	if _, err := a.RequestSignature(ctx, dt.Meta(e.Client1), id, e.Client1.AccountID); err == nil {
		t.Fatal("a client user asked for a signature")
	}
	_, err = a.RequestSignature(ctx, dt.Meta(e.Backoffice), id, e.Client2.AccountID)
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Field != "signer_account_id" {
		t.Fatalf("signer of another client: %v", err)
	}
	res, err = a.RequestSignature(ctx, dt.Meta(e.Backoffice), id, e.Client1.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	if d, err := a.Document(ctx, e.Backoffice, id); err != nil || d.CanRequestSignature || d.Request == nil {
		t.Fatalf("open request still offers a new one: %+v %v", d, err)
	}
	if d, err := a.Document(ctx, e.Client1, id); err != nil || !d.CanSign {
		t.Fatalf("the signer cannot sign: %+v %v", d, err)
	}
	// Expired: the back office may ask again.
	e.SetNow(time.Now().Add(doc.SignatureTTL + time.Minute))
	if d, err := a.Document(ctx, e.Backoffice, id); err != nil || !d.CanRequestSignature {
		t.Fatalf("expired request: %+v %v", d, err)
	}
}

func invoiceID(t *testing.T, a *documentApp, e *dt.Env) string {
	t.Helper()
	rows, err := a.List(context.Background(), e.Backoffice, DocumentKindInvoice)
	if err != nil || len(rows) != 1 {
		t.Fatalf("invoices: %+v %v", rows, err)
	}
	return rows[0].ID
}

// korenaarDB is a fresh read-model database (from template) with one
// worker, w1 Jan de Boer, at one client, c1 Bakkerij Korenaar, and the
// test's own further rows (more, SQL).
func korenaarDB(t *testing.T, template, more string) *pgxpool.Pool {
	t.Helper()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, template, pgtest.WithPool(readmodel.Migrate)))
	if _, err := pool.Exec(context.Background(), `INSERT INTO workers (worker_id, client_id, first_name, last_name, full_name, email, function, registered_at)
		VALUES ('w1', 'c1', 'Jan', 'Boer', 'Jan de Boer', 'jan@example.test', 'bakker', now());
		INSERT INTO clients (client_id, intermediary_id, name, kvk, address, contact_name, contact_email, registered_at)
		VALUES ('c1', 'i1', 'Bakkerij Korenaar', '12345678', '{}', 'Anna', 'anna@example.test', now());
		`+more); err != nil {
		t.Fatal(err)
	}
	return pool
}

// TestReportApp: the hours report reaches the portal with typed weeks,
// statuses and minutes, within the actor's scope, and the query's range
// errors pass through unchanged.
func TestReportApp(t *testing.T) {
	ctx := context.Background()
	pool := korenaarDB(t, "portal-reports", "")
	now := time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	w := ts.ISOWeek{Year: 2026, Week: 3}
	stream := ts.StreamName("p1", w)
	normal := ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}
	var events []eventstore.RecordedEvent
	for i, e := range []domain.Event{
		&ts.Opened{PlacementID: "p1", Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker, NormalHourType: normal,
			EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w), ClientID: "c1", IntermediaryID: "i1", WorkerID: "w1"},
		&ts.LineSet{Line: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{480, 30}}},
		&ts.ExpenseAdded{Expense: ts.Expense{ID: 1, Type: ts.ExpenseParking, Date: w.Start(), AmountCents: 250}},
		&ts.Offered{Round: 1, Hash: "h", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient},
		&ts.StepApproved{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "h"},
		&ts.Approved{Round: 1, Hash: "h"},
	} {
		b, err := domain.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, eventstore.RecordedEvent{ID: uuid.New(), Stream: stream, Revision: uint64(i), Type: e.EventType(),
			Data: b, Metadata: eventstore.Metadata{ActorRole: "worker", OccurredAt: now}, Created: now})
	}
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return rm.NewTimesheets().HandleBatch(ctx, tx, events) }); err != nil {
		t.Fatal(err)
	}
	q, err := rm.NewQueries(pool, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	reports := &reportApp{queries: q}
	from, to := ts.ISOWeek{Year: 2026, Week: 1}, ts.ISOWeek{Year: 2026, Week: 5}

	rep, err := reports.HoursReport(ctx, domain.Actor{Role: domain.RoleClient, ClientID: "c1"}, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if rep.From != from || rep.To != to || rep.Total != 510 || rep.Totals["100"] != 510 ||
		!slices.Equal(rep.HourTypes, []ts.HourType{normal}) || len(rep.Rows) != 1 {
		t.Fatalf("report = %+v", rep)
	}
	row := rep.Rows[0]
	if row.Ref != (Ref{PlacementID: "p1", Week: w}) || row.WorkerName != "Jan de Boer" || row.ClientName != "Bakkerij Korenaar" ||
		row.Status != ts.StatusApproved || row.Minutes["100"] != 510 || row.Total != 510 || row.ExpensesCents != 250 {
		t.Errorf("row = %+v", row)
	}

	other, err := reports.HoursReport(ctx, domain.Actor{Role: domain.RoleClient, ClientID: "c2"}, from, to)
	if err != nil || len(other.Rows) != 0 || other.Total != 0 {
		t.Errorf("another client: %+v, %v", other, err)
	}
	_, err = reports.HoursReport(ctx, domain.Actor{Role: domain.RoleClient, ClientID: "c1"}, to, from)
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Field != "to" {
		t.Errorf("reversed range: %v", err)
	}
}
