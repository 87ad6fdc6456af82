package identityapi_test

import (
	"net/http"
	"testing"
	"time"

	"backoffice/eventstore"
	"backoffice/internal/apitest"
	it "backoffice/internal/identitytest"
)

// TestPlacementAsOf: GET /placements/{id}?as_of= answers the placement as
// it was then, replayed from the event store: before it was ended it equals
// what the read model showed before the end, after it what it shows now;
// before it was started, and outside the reader's scope, it is not found;
// an unreadable as_of is 400, never ignored (issue 14 §6).
func TestPlacementAsOf(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	head := func() string { return apitest.Head(t, e.Store) }
	path := "/placements/" + a.placementID
	before := head()
	shownBefore := it.Want(t, e.Do(t, http.MethodGet, path+"?min_position="+before, a.clientToken, nil), http.StatusOK).Body
	// The command's own position: the store's visible head can lag behind
	// a commit while other transactions (projectors) are still open.
	after := it.Want(t, e.Do(t, http.MethodPost, path+"/end", bo, map[string]string{"end": time.Now().Format(time.DateOnly), "reason": "project klaar"}), http.StatusOK).Str(t, "position")
	shownAfter := it.Want(t, e.Do(t, http.MethodGet, path+"?min_position="+after, a.clientToken, nil), http.StatusOK).Body
	if string(shownBefore) == string(shownAfter) {
		t.Fatalf("ending the placement changed nothing: %s", shownAfter)
	}

	for _, c := range []struct {
		asOf string
		want []byte
	}{{before, shownBefore}, {after, shownAfter}} {
		for _, who := range []string{a.clientToken, a.interToken, a.workerToken, bo} {
			got := it.Want(t, e.Do(t, http.MethodGet, path+"?as_of="+c.asOf, who, nil), http.StatusOK).Body
			if string(got) != string(c.want) {
				t.Fatalf("as_of %s = %s, the read model showed %s", c.asOf, got, c.want)
			}
		}
	}
	// Before anything was recorded: the placement did not exist.
	it.Want(t, e.Do(t, http.MethodGet, path+"?as_of="+eventstore.Start.String(), bo, nil), http.StatusNotFound)
	// Another tenant's users do not find it, as of any moment.
	it.Want(t, e.Do(t, http.MethodGet, path+"?as_of="+after, b.clientToken, nil), http.StatusNotFound)
	r := it.Want(t, e.Do(t, http.MethodGet, path+"?as_of=gisteren", bo, nil), http.StatusBadRequest)
	if code, field := r.ErrorField(t); code != "as_of_invalid" || field != "as_of" {
		t.Fatalf("as_of=gisteren: %s", r.Body)
	}
}
