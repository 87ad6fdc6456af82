package auditapi_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/eventstore/postgres"
	"backoffice/http/api/auditapi"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type env struct {
	url   string
	pool  *pgxpool.Pool
	store *postgres.Store
}

// newEnv stores 5 events in two streams, records digests and serves the
// audit API.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := t.Context()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "auditapi", apitest.Migrate))
	store := pgtest.EventStore(t, pool)
	for i, s := range []string{"x", "y", "x", "y", "x"} {
		if _, err := store.Append(ctx, s, eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: "test.set",
			Data:     json.RawMessage(fmt.Sprintf(`{"minutes": %d, "note": "<&>"}`, 480+i)),
			Metadata: eventstore.Metadata{ActorID: "acc-1", ActorRole: "client", OccurredAt: time.Date(2026, 3, 16, 9, 0, 0, 123456789, time.UTC)}}); err != nil {
			t.Fatal(err)
		}
	}
	pgtest.AwaitReadable(t, store, 5)
	if err := (&ledger.Digester{Store: store, Pool: pool, Every: 2}).CatchUp(ctx, true); err != nil {
		t.Fatal(err)
	}
	feature, err := auditapi.New(auditapi.Deps{Store: store, Pool: pool})
	if err != nil {
		t.Fatal(err)
	}
	return &env{url: apitest.ServeFeature(t, pool, feature), pool: pool, store: store}
}

func (e *env) get(t *testing.T, actor, path string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+path, nil)
	req.Header.Set(apitest.ActorHeader, actor)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

type verifyBody struct {
	Intact   bool   `json:"intact"`
	Complete bool   `json:"complete"`
	Events   int64  `json:"events"`
	Digests  int    `json:"digests_checked"`
	Digest   string `json:"digest"`
	Broken   *struct {
		Stream   string `json:"stream"`
		Revision uint64 `json:"revision"`
		Position string `json:"position"`
		EventID  string `json:"event_id"`
		Expected string `json:"expected"`
		Found    string `json:"found"`
	} `json:"broken"`
}

func TestVerifyEndpoint(t *testing.T) {
	e := newEnv(t)
	for _, who := range []string{"client1", "inter1", "worker1", "payroll"} {
		if res, body := e.get(t, who, "/audit/verify"); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "auditors_only") {
			t.Fatalf("%s: %d %s, want 403 auditors_only", who, res.StatusCode, body)
		}
	}
	if res, _ := e.get(t, "", "/audit/verify"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d, want 401", res.StatusCode)
	}
	res, body := e.get(t, "auditor", "/audit/verify")
	var v verifyBody
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &v) != nil || !v.Intact || !v.Complete || v.Events != 5 || v.Digests != 3 {
		t.Fatalf("untouched: %d %s", res.StatusCode, body)
	}
	if res, body := e.get(t, "auditor", "/audit/verify?max_events=2"); res.StatusCode != http.StatusOK || !strings.Contains(body, `"complete":false`) {
		t.Fatalf("bounded: %d %s, want complete false", res.StatusCode, body)
	}
	if res, _ := e.get(t, "auditor", "/audit/verify?max_events=0"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("max_events=0: %d, want 400", res.StatusCode)
	}

	x1, err := e.store.ReadStream(t.Context(), "x", eventstore.ReadStreamOptions{From: 1, Max: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(t.Context(), `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only;
		UPDATE eventstore_events SET data = '{"minutes": 600}' WHERE stream = 'x' AND revision = 1;
		ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`); err != nil {
		t.Fatal(err)
	}
	res, body = e.get(t, "backoffice", "/audit/verify")
	v = verifyBody{}
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &v) != nil || v.Intact || v.Broken == nil {
		t.Fatalf("tampered: %d %s", res.StatusCode, body)
	}
	if v.Broken.Stream != "x" || v.Broken.Revision != 1 || v.Broken.EventID != x1[0].ID.String() ||
		v.Broken.Position != x1[0].Position.String() || v.Broken.Found != x1[0].Hash.String() || v.Broken.Expected == v.Broken.Found {
		t.Fatalf("tampered: broken %+v, want x@1 %s at %s", *v.Broken, x1[0].ID, x1[0].Position)
	}
}

func TestEventsEndpoint(t *testing.T) {
	e := newEnv(t)
	if res, _ := e.get(t, "client1", "/audit/events"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("client: %d, want 403", res.StatusCode)
	}
	for _, q := range []string{"?after=12", "?after=x-1", "?limit=0", "?limit=10001", "?limit=a"} {
		if res, body := e.get(t, "auditor", "/audit/events"+q); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: %d %s, want 400", q, res.StatusCode, body)
		}
	}
	var all []ledger.ExportedEvent
	after := ""
	for page := 0; ; page++ {
		res, body := e.get(t, "auditor", "/audit/events?limit=2"+after)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("page %d: %d %s", page, res.StatusCode, body)
		}
		sc := bufio.NewScanner(strings.NewReader(body))
		n := 0
		for sc.Scan() {
			var ev ledger.ExportedEvent
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			all = append(all, ev)
			n++
		}
		if n == 0 {
			break
		}
		if n > 2 {
			t.Fatalf("page %d holds %d events, limit 2", page, n)
		}
		after = "&after=" + res.Header.Get("X-Last-Position")
	}
	if len(all) != 5 {
		t.Fatalf("export holds %d events, want 5", len(all))
	}
	stored, err := e.store.ReadAll(t.Context(), eventstore.Start, 10)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range all {
		want := stored[i]
		if ev.Position != want.Position.String() || ev.Hash != want.Hash.String() || ev.PrevHash != want.PrevHash.String() ||
			ev.Data != string(want.Data) || ev.ActorID != "acc-1" || ev.ActorRole != "client" || ev.EventID != want.ID.String() {
			t.Fatalf("line %d = %+v, want the stored event %+v", i, ev, want)
		}
	}
}

// TestEvidenceEndpoint: the "Bewijs van ondertekening" of a signed
// document, for the auditor, the back office and the document's client; not
// for another tenant; 409 before the document is answered.
func TestEvidenceEndpoint(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	sum := strings.Repeat("ab", 32)
	seed := func(evs ...domain.Event) {
		t.Helper()
		st, err := commands.Load(ctx, e.store, doc.Stream("d1"), doc.Events, func(domain.Event) {})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := commands.Save(ctx, e.store, st, commands.Meta{Actor: domain.Actor{AccountID: "acc-c1", Role: domain.RoleClient, ClientID: "c1"}},
			time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), evs...); err != nil {
			t.Fatal(err)
		}
	}
	seed(&doc.Uploaded{DocumentID: "d1", ClientID: "c1", IntermediaryID: "i1", Kind: doc.KindDocument, Category: doc.CategoryGeneral,
		Title: "Overeenkomst", FileName: "overeenkomst.pdf", ContentType: "application/pdf", Size: 1234, SHA256: sum},
		&doc.SignatureRequested{DocumentID: "d1", RequestID: "r1", SignerAccountID: "acc-c1", ExpiresAt: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)})
	if res, body := e.get(t, "auditor", "/audit/documents/d1/evidence.pdf"); res.StatusCode != http.StatusConflict || !strings.Contains(body, "not_answered") {
		t.Fatalf("unanswered: %d %s", res.StatusCode, body)
	}
	seed(&doc.Signed{DocumentID: "d1", RequestID: "r1", SHA256: sum})
	for _, who := range []string{"auditor", "backoffice", "client1"} {
		res, body := e.get(t, who, "/audit/documents/d1/evidence.pdf")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "bewijs-van-ondertekening-d1.pdf") {
			t.Fatalf("%s: %d %s %q", who, res.StatusCode, res.Header, body[:min(40, len(body))])
		}
	}
	for _, who := range []string{"client2", "worker1", "payroll"} {
		if res, _ := e.get(t, who, "/audit/documents/d1/evidence.pdf"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: %d, want 404", who, res.StatusCode)
		}
	}
	if res, _ := e.get(t, "auditor", "/audit/documents/nope/evidence.pdf"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown document: %d, want 404", res.StatusCode)
	}
}
