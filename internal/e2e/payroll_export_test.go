package e2e_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"backoffice/internal/apitest"
	"backoffice/internal/demo"
)

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func apiClientFor(e *env, t *testing.T, email string) *apiClient {
	t.Helper()
	c := &apiClient{t: t, base: e.URL + "/api/v1"}
	var s struct {
		Token string `json:"token"`
	}
	c.want(201, "POST", "/session", map[string]string{"email": email, "password": demo.Password}).decode(&s)
	c.token = s.Token
	return c
}

type apiAnswer struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
}

func (a apiAnswer) decode(v any) {
	a.t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		a.t.Fatalf("decode %s: %v", a.body, err)
	}
}

func (a apiAnswer) code() string {
	var b struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	a.decode(&b)
	return b.Error.Code
}

func (c *apiClient) do(method, path string, body any) apiAnswer {
	c.t.Helper()
	var auth []string
	if c.token != "" {
		auth = []string{"Authorization", "Bearer " + c.token}
	}
	r := apitest.Request(c.t, method, c.base+path, body, auth...)
	return apiAnswer{t: c.t, status: r.Status, header: r.Header, body: r.Body}
}

func (c *apiClient) want(status int, method, path string, body any) apiAnswer {
	c.t.Helper()
	a := c.do(method, path, body)
	if a.status != status {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, a.status, status, a.body)
	}
	return a
}

// TestPayrollExportRoundTrip runs an export through the API of the real
// application: the garden centre's two timesheets of week 5 are entered
// and approved, the back office sets the payroll settings, mapping and
// personnel numbers, the payroll token creates the batch, downloads every
// file (twice: the same bytes), confirms it, and the feed shows both
// timesheets imported in that batch.
func TestPayrollExportRoundTrip(t *testing.T) {
	e := newEnv(t)
	client := apiClientFor(e, t, mariekeEmail)
	inter := apiClientFor(e, t, annaEmail)
	bo := apiClientFor(e, t, demo.BackofficeMail)

	var last struct {
		Position string `json:"position"`
	}
	for _, p := range []string{"demo-placement-07", "demo-placement-08"} {
		path := "/timesheets/" + p + "/2026-W05"
		client.want(200, "PUT", path+"/lines/100", map[string]any{"minutes": []int{480, 480, 480, 480, 480, 0, 0}})
		client.want(200, "POST", path+"/offer", nil)
		inter.want(200, "POST", path+"/approve", nil).decode(&last)
	}
	// Read your writes: the export waits until the payroll feed has the approvals.
	exports := "/payroll/exports?min_position=" + last.Position
	var tok struct {
		Token string `json:"token"`
	}
	bo.want(201, "POST", "/tokens", map[string]string{"role": "payroll", "label": "Loket"}).decode(&tok)
	pay := &apiClient{t: t, base: bo.base, token: tok.Token}

	const clientPath = "/payroll/clients/" + demo.ClientGarden
	bo.want(200, "PUT", clientPath+"/settings", map[string]string{
		"administration": "1001", "debtor_number": "D7", "relation": "R7", "period": "week", "package": "loket"})
	bo.want(200, "PUT", clientPath+"/mapping", map[string]any{"valid_from": "2026-01-05", "entries": []map[string]string{
		{"kind": "hours", "code": "100", "loket": "1", "nmbrs": "Uren 100", "easyflex": "U100"},
		{"kind": "hours", "code": "125", "loket": "2", "nmbrs": "Uren 125", "easyflex": "U125"},
		{"kind": "allowance", "code": "per_hour", "loket": "40", "nmbrs": "Uurvergoeding", "easyflex": "UV"},
	}})
	// Settings are the back office's: the payroll token may not set them.
	if a := pay.do("PUT", clientPath+"/settings", map[string]string{"administration": "9"}); a.status != 403 && a.status != 404 {
		t.Fatalf("payroll token set settings: %d %s", a.status, a.body)
	}

	create := map[string]string{"client_id": demo.ClientGarden, "period": "2026-W05"}
	a := pay.do("POST", exports, create)
	if a.status != 422 || a.code() != "personnel_number_missing" ||
		!strings.Contains(string(a.body), "Daan Mulder (demo-worker-07)") || !strings.Contains(string(a.body), "Eva van Dijk (demo-worker-08)") {
		t.Fatalf("export without personnel numbers: %d %s", a.status, a.body)
	}
	bo.want(200, "PUT", "/payroll/workers/demo-worker-07/personnel-numbers/1001", map[string]string{"personnel_number": "107"})
	bo.want(200, "PUT", "/payroll/workers/demo-worker-08/personnel-numbers/1001", map[string]string{"personnel_number": "108"})

	var created struct {
		Batches []struct {
			BatchID string `json:"batch_id"`
			Items   int    `json:"items"`
		} `json:"batches"`
	}
	pay.want(201, "POST", exports, create).decode(&created)
	if len(created.Batches) != 1 || created.Batches[0].Items != 2 {
		t.Fatalf("created %+v", created)
	}
	batch := created.Batches[0].BatchID
	if a := pay.do("POST", exports, create); a.status != 409 || a.code() != "batch_open" {
		t.Fatalf("second export of the period: %d %s", a.status, a.body)
	}

	files := map[string][]byte{}
	for _, f := range []string{"loket.csv", "nmbrs.xlsx", "easyflex.csv", "jsonl"} {
		a := pay.want(200, "GET", "/payroll/exports/"+batch+"/files/"+f, nil)
		files[f] = a.body
		// A browser must not guess another type (an HTML-looking CSV).
		if got := a.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", f, got)
		}
	}
	// 40 hours and 15 cents per hour each.
	wantLoket := "aanslnr;persnr;ploeg;40;1;2\r\n1001;107;;6,00;40,00;\r\n1001;108;;6,00;40,00;\r\n"
	if string(files["loket.csv"]) != wantLoket {
		t.Errorf("loket.csv:\n%q\nwant\n%q", files["loket.csv"], wantLoket)
	}
	x, err := excelize.OpenReader(bytes.NewReader(files["nmbrs.xlsx"]))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Variabele Looncomponenten")
	x.Close()
	if err != nil || len(rows) != 3 || strings.Join(rows[2], "|") != "D7|1001|108|Eva van Dijk|2026-05|6|40" {
		t.Errorf("nmbrs rows %q (%v)", rows, err)
	}
	if n := strings.Count(string(files["easyflex.csv"]), "\r\n"); n != 1+2*6 { // header, 5 days and the allowance each
		t.Errorf("easyflex rows: %d\n%s", n, files["easyflex.csv"])
	}

	var confirmed struct {
		Marked int               `json:"marked"`
		Failed []json.RawMessage `json:"failed"`
		Pos    string            `json:"position"`
	}
	pay.want(200, "POST", "/payroll/exports/"+batch+"/confirm", nil).decode(&confirmed)
	if confirmed.Marked != 2 || len(confirmed.Failed) != 0 {
		t.Fatalf("confirm %+v", confirmed)
	}
	var feed struct {
		Items []struct {
			Placement   string `json:"placement"`
			Imported    bool   `json:"imported"`
			ImportBatch string `json:"import_batch"`
		} `json:"items"`
	}
	pay.want(200, "GET", "/payroll/approved?include_imported=true&min_position="+confirmed.Pos, nil).decode(&feed)
	imported := 0
	for _, it := range feed.Items {
		if it.Imported && it.ImportBatch == batch {
			imported++
		}
	}
	if imported != 2 {
		t.Fatalf("feed after confirm: %+v", feed.Items)
	}
	// Confirmed is final; the files are still the same bytes.
	if a := pay.do("POST", "/payroll/exports/"+batch+"/cancel", nil); a.status != 409 || a.code() != "batch_confirmed" {
		t.Fatalf("cancel after confirm: %d %s", a.status, a.body)
	}
	for f, b := range files {
		if again := pay.want(200, "GET", "/payroll/exports/"+batch+"/files/"+f, nil).body; !bytes.Equal(again, b) {
			t.Errorf("%s changed after confirmation", f)
		}
	}
	// A correction: the back office reopens Daan's imported timesheet, the
	// client (who enters the hours here) changes Tuesday to 7 hours, the
	// intermediary approves again, and the next export carries exactly the
	// difference.
	const daan = "/timesheets/demo-placement-07/2026-W05"
	if a := pay.do("POST", "/payroll/timesheets/demo-placement-07/2026-W05/reopen", map[string]string{"reason": "x"}); a.status != 404 {
		t.Fatalf("payroll token reopened: %d %s", a.status, a.body)
	}
	bo.want(200, "POST", "/payroll/timesheets/demo-placement-07/2026-W05/reopen", map[string]string{"reason": "Dinsdag was 7 uur"})
	client.want(200, "PUT", daan+"/lines/100", map[string]any{"minutes": []int{480, 420, 480, 480, 480, 0, 0}})
	client.want(200, "POST", daan+"/offer", nil)
	approved := inter.want(200, "POST", daan+"/approve", nil)
	var pos struct {
		Position string `json:"position"`
	}
	approved.decode(&pos)
	var again struct {
		Batches []struct {
			BatchID string `json:"batch_id"`
			Items   int    `json:"items"`
		} `json:"batches"`
	}
	pay.want(201, "POST", "/payroll/exports?min_position="+pos.Position, create).decode(&again)
	if len(again.Batches) != 1 || again.Batches[0].Items != 1 {
		t.Fatalf("correction batch %+v", again)
	}
	// One hour less, and 15 cents less hourly allowance (dated on the Monday).
	wantEasyflex := "werknemer;relatie;datum;looncomponent;aantal;correctie_op\r\n" +
		"107;R7;26-01-2026;UV;-0,15;" + batch + "\r\n" +
		"107;R7;27-01-2026;U100;-1,00;" + batch + "\r\n"
	if got := string(pay.want(200, "GET", "/payroll/exports/"+again.Batches[0].BatchID+"/files/easyflex.csv", nil).body); got != wantEasyflex {
		t.Errorf("correction easyflex:\n%q\nwant\n%q", got, wantEasyflex)
	}

	// Other roles do not see the export endpoints.
	if a := client.do("GET", "/payroll/exports/"+batch, nil); a.status != 404 || a.code() != "no_such_endpoint" {
		t.Fatalf("client: %d %s", a.status, a.body)
	}
	if a := client.do("GET", "/payroll/exports/"+batch+"/files/loket.csv", nil); a.status != 404 {
		t.Fatalf("client file: %d %s", a.status, a.body)
	}
}
