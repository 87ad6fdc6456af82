package documentapi_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
)

// seedDocs: a general document and an ID copy of w1 for c1, a document for
// c2; a signature request to client1 on the first. It returns their IDs and
// the position after them.
func seedDocs(t *testing.T, e *env) (general, idCopy, other, pos string) {
	t.Helper()
	r := want(t, e.upload(t, "client1", map[string]string{"title": "Contract"}, "contract.pdf", dt.PDF), http.StatusCreated)
	general = r.json(t)["id"].(string)
	r = want(t, e.upload(t, "backoffice", map[string]string{"title": "ID Jan", "client_id": "c1", "worker_id": "w1", "category": "id_copy"},
		"id.pdf", dt.PDF), http.StatusCreated)
	idCopy = r.json(t)["id"].(string)
	r = want(t, e.upload(t, "client2", map[string]string{"title": "Contract c2"}, "c2.pdf", dt.PDF), http.StatusCreated)
	other = r.json(t)["id"].(string)
	r = want(t, e.json(t, "POST", "/documents/"+general+"/signature-requests", "backoffice",
		map[string]string{"signer_account_id": e.Client1.AccountID}), http.StatusCreated)
	pos = r.json(t)["position"].(string)
	if r.header.Get("X-Position") != pos || r.json(t)["request_id"] == "" {
		t.Fatalf("request answer %s", r.body)
	}
	return general, idCopy, other, pos
}

// TestAuthorization is the matrix of who may do what on a c1 document.
func TestAuthorization(t *testing.T) {
	e := newEnv(t)
	general, idCopy, _, pos := seedDocs(t, e)
	for name, role := range map[string]domain.Role{"auditor": domain.RoleAuditor, "payroll": domain.RolePayroll} {
		_, created, err := e.Identity.Tokens.CreateToken(context.Background(), dt.Meta(e.Backoffice), role, name)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = created.Secret
	}
	tan := "ABCD" // never right: the point is who gets past the scope checks
	sign := map[string]any{"tan": tan, "read": true}
	type ep struct {
		method, path string
		body         any
	}
	get := func(p string) ep { return ep{"GET", p + sep(p) + "min_position=" + pos, nil} }
	eps := []ep{
		get("/documents/" + general),
		get("/documents/" + general + "/file"),
		get("/documents/" + idCopy + "/file"),
		{"POST", "/documents/" + general + "/signature-requests", map[string]string{"signer_account_id": e.Client1.AccountID}},
		{"POST", "/documents/" + general + "/sign", sign},
		{"POST", "/documents/" + general + "/decline", sign},
	}
	// Status per actor, in the order of eps.
	matrix := map[string][]int{
		// the back office sees everything; the request is open (409); it is not the signer (403)
		"backoffice": {200, 200, 200, 409, 403, 403},
		// the signer: the TAN is wrong (400); the ID copy is restricted (403)
		"client1": {200, 200, 403, 403, 400, 400},
		"inter1":  {200, 200, 403, 403, 403, 403},
		// the worker sees only their own ID copy
		"worker1": {404, 404, 200, 404, 404, 404},
		"client2": {404, 404, 404, 404, 404, 404},
		"inter2":  {404, 404, 404, 404, 404, 404},
		// the auditor reads every tenant's documents (the signing
		// evidence too), not ID copies, and changes nothing
		"auditor": {200, 200, 403, 403, 403, 403},
		"payroll": {404, 404, 404, 404, 404, 404},
		"":        {401, 401, 401, 401, 401, 401},
	}
	for actor, statuses := range matrix {
		for i, ep := range eps {
			r := e.json(t, ep.method, ep.path, actor, ep.body)
			if r.status != statuses[i] {
				t.Errorf("%s %s as %q: %d, want %d: %s", ep.method, ep.path, actor, r.status, statuses[i], r.body)
			}
			if r.status >= 400 {
				if c, _ := r.errCode(t); c == "" {
					t.Errorf("%s %s as %q: no error code: %s", ep.method, ep.path, actor, r.body)
				}
			}
		}
	}
	// Uploads: a worker and an intermediary may not, a client user not for
	// another company, not an invoice.
	for _, c := range []struct {
		actor  string
		fields map[string]string
		status int
	}{
		{"worker1", map[string]string{"title": "X"}, 403},
		{"inter1", map[string]string{"title": "X", "client_id": "c1"}, 403},
		{"auditor", map[string]string{"title": "X", "client_id": "c1"}, 403},
		{"payroll", map[string]string{"title": "X", "client_id": "c1"}, 403},
		{"client2", map[string]string{"title": "X", "client_id": "c1"}, 404},
		{"client1", map[string]string{"title": "X", "kind": "invoice", "invoice_number": "F1", "invoice_date": "2026-01-31", "amount_cents": "100"}, 403},
		{"", map[string]string{"title": "X"}, 401},
	} {
		if r := e.upload(t, c.actor, c.fields, "x.pdf", dt.PDF); r.status != c.status {
			t.Errorf("upload as %q %v: %d, want %d: %s", c.actor, c.fields, r.status, c.status, r.body)
		}
	}
	// Lists: each sees their own, ID copies flagged.
	for actor, n := range map[string]int{"backoffice": 3, "client1": 2, "inter1": 2, "worker1": 1, "client2": 1, "inter2": 1,
		"auditor": 3, "payroll": 0} {
		r := want(t, e.json(t, "GET", "/documents?min_position="+pos, actor, nil), 200)
		items, _ := r.json(t)["items"].([]any)
		if len(items) != n {
			t.Errorf("list as %s: %d items, want %d", actor, len(items), n)
		}
		for _, it := range items {
			m := it.(map[string]any)
			restricted := m["category"] == "id_copy" && (actor == "client1" || actor == "inter1" || actor == "auditor")
			if m["restricted"] != restricted {
				t.Errorf("list as %s: %s restricted %v", actor, m["title"], m["restricted"])
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	general, _, _, pos := seedDocs(t, e)
	// uploadX uploads a file titled "x" as client1.
	uploadX := func(fileName string, content []byte) func() response {
		return func() response { return e.upload(t, "client1", map[string]string{"title": "x"}, fileName, content) }
	}
	tests := []struct {
		name        string
		r           func() response
		status      int
		code, field string
	}{
		{"kind filter", func() response { return e.json(t, "GET", "/documents?kind=memo", "client1", nil) }, 400, "kind_invalid", "kind"},
		{"min_position", func() response { return e.json(t, "GET", "/documents?min_position=x", "client1", nil) }, 400, "invalid_min_position", "min_position"},
		{"upload as JSON", func() response { return e.json(t, "POST", "/documents", "client1", map[string]string{"title": "x"}) }, 415, "unsupported_media_type", ""},
		{"no file", uploadX("", nil), 400, "required", "file"},
		{"empty file", uploadX("x.pdf", []byte{}), 400, "file_empty", "file"},
		{"no title", func() response { return e.upload(t, "client1", nil, "x.pdf", dt.PDF) }, 400, "required", "title"},
		{"html", uploadX("x.pdf", []byte("<!DOCTYPE html><html><body>x</body></html>")), 415, "file_type_not_allowed", "file"},
		{"svg with onload", uploadX("logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`)), 415, "file_type_not_allowed", "file"},
		{"text named page.html", uploadX("page.html", []byte("gewoon tekst")), 415, "file_type_not_allowed", "file"},
		{"script inside text", uploadX("notitie.txt", []byte("Hallo\n<script>alert(1)</script>")), 415, "file_type_not_allowed", "file"},
		{"bat", uploadX("run.bat", []byte("@echo off\r\n")), 415, "file_type_not_allowed", "file"},
		{"hta", uploadX("x.hta", []byte("tekst")), 415, "file_type_not_allowed", "file"},
		{"text in Windows-1252", uploadX("notitie.txt", []byte("Caf\xe9 op de Cura\xe7aostraat")), 415, "file_type_not_allowed", "file"},
		{"exe behind a bidi override", uploadX("factuur\u202Efdp.exe", dt.PDF), 415, "file_type_not_allowed", "file"},
		{"bad category", func() response {
			return e.upload(t, "client1", map[string]string{"title": "x", "category": "secret"}, "x.pdf", dt.PDF)
		}, 400, "category_invalid", "category"},
		{"bad invoice date", func() response {
			return e.upload(t, "backoffice", map[string]string{"title": "x", "client_id": "c1", "kind": "invoice", "invoice_number": "F", "invoice_date": "31-01-2026", "amount_cents": "1"}, "x.pdf", dt.PDF)
		}, 400, "date_invalid", "invoice_date"},
		{"invoice date in the year 1 (typed, not missing)", func() response {
			return e.upload(t, "backoffice", map[string]string{"title": "x", "client_id": "c1", "kind": "invoice", "invoice_number": "F", "invoice_date": "0001-01-01", "amount_cents": "1"}, "x.pdf", dt.PDF)
		}, 400, "date_invalid", "invoice_date"},
		{"bad amount", func() response {
			return e.upload(t, "backoffice", map[string]string{"title": "x", "client_id": "c1", "kind": "invoice", "invoice_number": "F", "invoice_date": "2026-01-31", "amount_cents": "12,50"}, "x.pdf", dt.PDF)
		}, 400, "amount_invalid", "amount_cents"},
		{"unknown client", func() response {
			return e.upload(t, "backoffice", map[string]string{"title": "x", "client_id": "c9"}, "x.pdf", dt.PDF)
		}, 422, "client_unknown", "client_id"},
		{"signer missing", func() response {
			return e.json(t, "POST", "/documents/"+general+"/signature-requests", "backoffice", map[string]string{})
		}, 400, "required", "signer_account_id"},
		{"unknown field", func() response {
			return e.json(t, "POST", "/documents/"+general+"/sign", "client1", map[string]any{"tan": "ABCD", "read": true, "x": 1})
		}, 400, "unknown_field", "x"},
		{"read not confirmed", func() response {
			return e.json(t, "POST", "/documents/"+general+"/sign", "client1", map[string]any{"tan": "ABCD"})
		}, 400, "read_not_confirmed", "read"},
		{"remark too long", func() response {
			return e.json(t, "POST", "/documents/"+general+"/decline", "client1", map[string]any{"tan": "ABCD", "remark": strings.Repeat("x", 1001)})
		}, 422, "too_long", "remark"}, // the domain's text check (issue 10)
		{"no TAN", func() response {
			return e.json(t, "POST", "/documents/"+general+"/sign", "client1", map[string]any{"read": true})
		}, 400, "required", "tan"},
		{"bad id", func() response { return e.json(t, "GET", "/documents/..%2Fx", "client1", nil) }, 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r()
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.code == "" {
				return
			}
			if c, f := r.errCode(t); c != tt.code || f != tt.field {
				t.Fatalf("error %s (%s), want %s (%s): %s", c, f, tt.code, tt.field, r.body)
			}
		})
	}
	// None of the bad attempts counted as a wrong TAN. The TAN's row is
	// written by the mail projector: wait for it to pass the request.
	p, err := eventstore.ParsePosition(pos)
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, p)
	var attempts int
	if err := e.Pool.QueryRow(context.Background(), `SELECT attempts FROM document_tans WHERE document_id = $1`, general).Scan(&attempts); err != nil || attempts != 0 {
		t.Fatalf("attempts %d (%v)", attempts, err)
	}
}

// TestUploadTooLarge: a body over the limit is a JSON 413, whether the
// client announces its length or not, and in the caller's language.
func TestUploadTooLarge(t *testing.T) {
	e := newEnv(t)
	big := append(append([]byte(nil), dt.PDF...), bytes.Repeat([]byte{' '}, doc.MaxSize)...)
	r := e.upload(t, "client1", map[string]string{"title": "Groot"}, "groot.pdf", big, "Accept-Language", "nl")
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if c, f := r.errCode(t); c != "file_too_large" || f != "file" || !strings.Contains(r.json(t)["error"].(map[string]any)["message"].(string), "2 MB") {
		t.Fatalf("error %s", r.body)
	}
	// Chunked: no Content-Length, the reader stops at the limit.
	ct, body := form(t, map[string]string{"title": "Groot"}, "groot.pdf", big)
	req, _ := http.NewRequest(http.MethodPost, e.url+"/documents", struct{ *bytes.Buffer }{body})
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+e.tokens["client1"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("chunked: status %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// A file of exactly 2 MB is fine.
	exact := big[:doc.MaxSize]
	want(t, e.upload(t, "client1", map[string]string{"title": "Precies 2 MB"}, "precies.pdf", exact), http.StatusCreated)
}

// TestSigningFlow: upload, ask, sign with the TAN from the mail, download.
func TestSigningFlow(t *testing.T) {
	e := newEnv(t)
	general, _, _, _ := seedDocs(t, e)
	_, tan := e.SignMail(t, e.Emails["client1"], 1)
	r := want(t, e.json(t, "POST", "/documents/"+general+"/sign", "client1", map[string]any{"tan": tan, "read": true, "remark": "Gezien."}), 200)
	pos := r.json(t)["position"].(string)
	d := want(t, e.json(t, "GET", "/documents/"+general+"?min_position="+pos, "inter1", nil), 200).json(t)
	req, _ := d["signature_request"].(map[string]any)
	if d["signature"] != "signed" || req == nil || req["status"] != "signed" || req["remark"] != "Gezien." || d["can_sign"] != false {
		t.Fatalf("after signing: %v", d)
	}
	f := want(t, e.json(t, "GET", "/documents/"+general+"/file", "client1", nil), 200)
	if !bytes.Equal(f.body, dt.PDF) || f.header.Get("Content-Type") != "application/pdf" ||
		f.header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(f.header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(f.header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("file: %v", f.header)
	}
	// HEAD: the same headers, no body.
	h := want(t, e.do(t, "HEAD", "/documents/"+general+"/file", "client1", "", nil), 200)
	if len(h.body) != 0 || h.header.Get("Content-Type") != "application/pdf" || h.header.Get("Content-Security-Policy") == "" {
		t.Fatalf("HEAD file: %v %q", h.header, h.body)
	}
	// Signing again: nothing open.
	r = e.json(t, "POST", "/documents/"+general+"/sign", "client1", map[string]any{"tan": tan, "read": true})
	if c, _ := r.errCode(t); r.status != 422 || c != "no_open_signature_request" {
		t.Fatalf("second sign: %d %s", r.status, r.body)
	}
}

// TestTANBlockedIs429: five wrong TANs block the request with 429.
func TestTANBlockedIs429(t *testing.T) {
	e := newEnv(t)
	general, _, _, _ := seedDocs(t, e)
	_, tan := e.SignMail(t, e.Emails["client1"], 1)
	wrong := wrongTAN(tan)
	for i := 1; i < cmd.MaxTANAttempts; i++ {
		r := e.json(t, "POST", "/documents/"+general+"/sign", "client1", map[string]any{"tan": wrong, "read": true})
		if c, f := r.errCode(t); r.status != 400 || c != "tan_wrong" || f != "tan" {
			t.Fatalf("wrong TAN %d: %d %s", i, r.status, r.body)
		}
	}
	for _, tn := range []string{wrong, tan} {
		r := e.do(t, "POST", "/documents/"+general+"/sign", "client1", "application/json",
			strings.NewReader(`{"tan":"`+tn+`","read":true}`), "Accept-Language", "nl")
		if c, _ := r.errCode(t); r.status != http.StatusTooManyRequests || c != "tan_blocked" ||
			!strings.Contains(r.json(t)["error"].(map[string]any)["message"].(string), "vraag Backofficebureau om een nieuwe code") {
			t.Fatalf("blocked: %d %s", r.status, r.body)
		}
	}
}
