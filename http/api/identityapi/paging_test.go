package identityapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	it "backoffice/internal/identitytest"
)

// placementPage is GET path's items (IDs) and next_cursor.
func placementPage(t *testing.T, e *it.Env, token, path string) (ids []string, next string) {
	t.Helper()
	body := it.Want(t, e.Do(t, http.MethodGet, path, token, nil), http.StatusOK).JSON(t)
	for _, item := range body["items"].([]any) {
		ids = append(ids, item.(map[string]any)["id"].(string))
	}
	next, _ = body["next_cursor"].(string)
	return ids, next
}

// TestPlacementsArePaged: GET /placements answers pages of limit rows in
// worker-name order; following next_cursor walks every placement of the
// caller's scope exactly once (tenant b's never appear for tenant a's
// client), the last page has no next_cursor, and a limit or cursor the API
// does not accept is 400 before anything is read.
func TestPlacementsArePaged(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	want := []string{a.placementID}
	var last string
	for i := range 4 {
		body := workerBody(fmt.Sprintf("extra%d@example.test", i))
		body["name"] = map[string]any{"first": "Piet", "last": fmt.Sprintf("Aalders %d", i)} // before Berg
		r := it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, withField(withField(body, "client_id", a.clientID), "bsn", bsnFor(fmt.Sprintf("x%d", i)))), http.StatusCreated)
		want = append(want, r.Str(t, "placement_id"))
		last = r.Str(t, "position")
	}
	// By last name: the four Aalders, then Berg.
	want = append(want[1:], want[0])
	it.Want(t, e.Do(t, http.MethodGet, "/placements?min_position="+url.QueryEscape(last), bo, nil), http.StatusOK)

	var got []string
	path := "/placements?limit=2"
	for pages := 0; ; pages++ {
		ids, next := placementPage(t, e, a.clientToken, path)
		if pages < 2 && len(ids) != 2 || pages == 2 && len(ids) != 1 || pages > 2 {
			t.Fatalf("page %d: %v (next %q)", pages+1, ids, next)
		}
		got = append(got, ids...)
		if next == "" {
			break
		}
		path = "/placements?limit=2&cursor=" + url.QueryEscape(next)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages walked %v, want %v", got, want)
	}
	if slices.Contains(got, b.placementID) {
		t.Fatalf("tenant b's placement on tenant a's pages")
	}
	// Without a limit: the default page holds all five, and says it is the last.
	if ids, next := placementPage(t, e, a.clientToken, "/placements"); len(ids) != 5 || next != "" {
		t.Fatalf("default page: %v, next %q", ids, next)
	}
	for _, q := range []string{"limit=0", "limit=501", "limit=abc", "limit=-1", "cursor=bm9wZQ", "cursor=%25"} {
		r := it.Want(t, e.Do(t, http.MethodGet, "/placements?"+q, a.clientToken, nil), http.StatusBadRequest)
		code, field := r.ErrorField(t)
		wantField := "limit"
		if q[0] == 'c' {
			wantField = "cursor"
		}
		if code != wantField+"_invalid" || field != wantField {
			t.Errorf("%s: %s %s", q, code, field)
		}
	}
}

// TestTenantListsArePaged: GET /clients, /intermediaries and /accounts
// answer pages; walking next_cursor visits every row in scope once, in
// order, and a client user's walk holds only their own client.
func TestTenantListsArePaged(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	// Both tenants in every list before the walk. (Waiting with
	// min_position = the store's head once answered without tenant b
	// under load, in 2 of about 20 runs; reported, not understood.)
	deadline := time.Now().Add(20 * time.Second)
	for {
		body := it.Want(t, e.Do(t, http.MethodGet, "/accounts", bo, nil), http.StatusOK).JSON(t)
		clients := it.Want(t, e.Do(t, http.MethodGet, "/clients", bo, nil), http.StatusOK).JSON(t)
		if len(body["items"].([]any)) == 7 && len(clients["items"].([]any)) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tenants not projected: %v", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	walkIDs := func(token, path, key string) []string {
		t.Helper()
		var out []string
		next := ""
		for pages := 0; pages == 0 || next != ""; pages++ {
			p := path
			if next != "" {
				p += "&cursor=" + url.QueryEscape(next)
			}
			body := it.Want(t, e.Do(t, http.MethodGet, p, token, nil), http.StatusOK).JSON(t)
			items := body["items"].([]any)
			if len(items) > 1 {
				t.Fatalf("%s: %d items on a page of 1", p, len(items))
			}
			for _, item := range items {
				out = append(out, item.(map[string]any)[key].(string))
			}
			next, _ = body["next_cursor"].(string)
			if pages > 20 {
				t.Fatal("no last page")
			}
		}
		return out
	}
	if got := walkIDs(bo, "/clients?limit=1", "id"); !slices.Equal(got, []string{a.clientID, b.clientID}) { // Bakkerij a, Bakkerij b
		t.Errorf("clients %v", got)
	}
	if got := walkIDs(bo, "/intermediaries?limit=1", "id"); !slices.Equal(got, []string{a.intermediaryID, b.intermediaryID}) {
		t.Errorf("intermediaries %v", got)
	}
	if got := walkIDs(a.clientToken, "/clients?limit=1", "id"); !slices.Equal(got, []string{a.clientID}) {
		t.Errorf("client a sees clients %v", got)
	}
	emails := walkIDs(bo, "/accounts?limit=1", "email")
	if len(emails) != 7 || !slices.IsSorted(emails) { // the back office and three per tenant
		t.Errorf("accounts %v", emails)
	}
}
