package auditapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/internal/pgtest"
)

// TestEventsPagesUpToVerify: the pages of GET /audit/events with to = the
// last_position of GET /audit/verify, put together, are exactly the ledger
// its digest covers, also when events were appended in between (without
// to, the last page ran past the digest and the file could not be checked
// against it); audit check's verification (ledger.CheckExport) accepts them
// with that digest.
func TestEventsPagesUpToVerify(t *testing.T) {
	e := newEnv(t)
	res, body := e.get(t, "auditor", "/audit/verify")
	var v verifyBody
	var lastPos struct {
		LastPosition string `json:"last_position"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &v) != nil || json.Unmarshal([]byte(body), &lastPos) != nil {
		t.Fatalf("verify: %d %s", res.StatusCode, body)
	}
	if _, err := e.store.Append(t.Context(), "z", eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: "test.set",
		Data: json.RawMessage(`{}`), Metadata: eventstore.Metadata{ActorID: "acc-1", OccurredAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	pgtest.AwaitReadable(t, e.store, 6)
	if res, body := e.get(t, "auditor", "/audit/events?to=later"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "to_invalid") {
		t.Fatalf("to=later: %d %s, want 400 to_invalid", res.StatusCode, body)
	}
	var file strings.Builder
	after := ""
	for range 10 {
		res, body := e.get(t, "auditor", "/audit/events?limit=2&to="+lastPos.LastPosition+after)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("page: %d %s", res.StatusCode, body)
		}
		if body == "" {
			break
		}
		file.WriteString(body)
		after = "&after=" + res.Header.Get("X-Last-Position")
	}
	given, err := ledger.ParseCheckpoint(v.Digest + "@" + lastPos.LastPosition)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ledger.CheckExport(t.Context(), strings.NewReader(file.String()), ledger.VerifyOptions{Extra: []ledger.Checkpoint{given}})
	if err != nil || !rep.Intact() || rep.Events != 5 || rep.Digests != 1 {
		t.Fatalf("the pages up to verify's position: %+v, broken %v, %v\n%s", rep, rep.Broken, err, file.String())
	}
}
