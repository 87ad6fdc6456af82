package documentapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	dt "backoffice/commands/document/documenttest"
	doc "backoffice/domain/document"
	"backoffice/internal/apidoc"
)

// TestEveryDocumentErrorCode walks the x-error-codes of the document
// operations on the real API, in English and Dutch: code, message without
// Go types, field an input of the operation (issue 11 §10).
func TestEveryDocumentErrorCode(t *testing.T) {
	e := newEnv(t)
	general, idCopy, other, _ := seedDocs(t, e)
	_, tan := e.SignMail(t, e.Emails["client1"], 1)
	wrong := wrongTAN(tan)
	invoice := want(t, e.upload(t, "backoffice", map[string]string{"title": "Factuur", "client_id": "c1", "kind": "invoice",
		"invoice_number": "F-1", "invoice_date": "2026-01-31", "amount_cents": "1250"}, "f.pdf", dt.PDF), http.StatusCreated).json(t)["id"].(string)
	// The number once more for c1: 409 (the walk below checks code and field).
	want(t, e.upload(t, "backoffice", map[string]string{"title": "Factuur", "client_id": "c1", "kind": "invoice",
		"invoice_number": "F-1", "invoice_date": "2026-02-28", "amount_cents": "99"}, "g.pdf", dt.PDF), http.StatusConflict)
	// A request superseded by a new version.
	superseded := want(t, e.upload(t, "backoffice", map[string]string{"title": "Overeenkomst", "client_id": "c1"}, "o.pdf", dt.PDF),
		http.StatusCreated).json(t)["id"].(string)
	want(t, e.json(t, "POST", "/documents/"+superseded+"/signature-requests", "backoffice",
		map[string]string{"signer_account_id": e.Client1.AccountID}), http.StatusCreated)
	want(t, e.addVersion(t, "client1", superseded, "o2.pdf", append(bytes.Clone(dt.PDF), " v2"...)), http.StatusCreated)
	const (
		version     = "POST /documents/{id}/versions"
		versionFile = "GET /documents/{id}/versions/{version}/file"
		list        = "GET /documents"
		upload      = "POST /documents"
		detail      = "GET /documents/{id}"
		file        = "GET /documents/{id}/file"
		request     = "POST /documents/{id}/signature-requests"
		sign        = "POST /documents/{id}/sign"
		decline     = "POST /documents/{id}/decline"
	)
	uploadInputs := []string{"file", "title", "client_id", "worker_id", "kind", "category", "invoice_number", "invoice_date", "amount_cents", "Idempotency-Key"}
	signInputs := []string{"id", "tan", "read", "remark", "Idempotency-Key"}
	inputs := map[string][]string{
		list:        {"kind", "min_position", "limit", "cursor"},
		upload:      uploadInputs,
		detail:      {"id", "min_position", "as_of"},
		file:        {"id"},
		request:     {"id", "signer_account_id", "request_id", "Idempotency-Key"},
		sign:        signInputs,
		decline:     signInputs,
		version:     {"id", "file", "Idempotency-Key"},
		versionFile: {"id", "version"},
	}
	type req struct {
		ct   string
		body []byte
	}
	jsonBody := func(v any) req {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return req{"application/json", b}
	}
	multipartBody := func(fields map[string]string, name string, content []byte) req {
		ct, b := form(t, fields, name, content)
		return req{ct, b.Bytes()}
	}
	big := append(append([]byte(nil), dt.PDF...), bytes.Repeat([]byte{' '}, doc.MaxSize)...)
	title := map[string]string{"title": "x"}
	inv := func(k, v string) map[string]string {
		m := map[string]string{"title": "x", "client_id": "c1", "kind": "invoice", "invoice_number": "F", "invoice_date": "2026-01-31", "amount_cents": "1"}
		m[k] = v
		return m
	}
	cases := []struct {
		op, path, actor string
		body            *req
		code            string
	}{
		{list, "/documents?kind=memo", "client1", nil, "kind_invalid"},
		{list, "/documents?limit=501", "client1", nil, "limit_invalid"},
		{list, "/documents?cursor=bm9wZQ", "client1", nil, "cursor_invalid"},
		{list, "/documents?min_position=x", "client1", nil, "invalid_min_position"},
		{upload, "/documents", "client1", &req{"application/json", []byte(`{"title":"x"}`)}, "unsupported_media_type"},
		{upload, "/documents", "client1", &req{"multipart/form-data; boundary=zzz", []byte("garbage")}, "malformed_multipart"},
		{upload, "/documents", "client1", ptr(multipartBody(title, "", nil)), "required"},
		{upload, "/documents", "client1", ptr(multipartBody(title, "x.pdf", []byte{})), "file_empty"},
		{upload, "/documents", "client1", ptr(multipartBody(title, "x.pdf", big)), "file_too_large"},
		{upload, "/documents", "client1", ptr(multipartBody(title, "x.pdf", []byte("<!DOCTYPE html><html><body>x</body></html>"))), "file_type_not_allowed"},
		{upload, "/documents", "client1", ptr(multipartBody(map[string]string{"title": "x", "category": "secret"}, "x.pdf", dt.PDF)), "category_invalid"},
		{upload, "/documents", "client1", ptr(multipartBody(map[string]string{"title": "x", "kind": "memo"}, "x.pdf", dt.PDF)), "kind_invalid"},
		{upload, "/documents", "backoffice", ptr(multipartBody(inv("invoice_date", "31-01-2026"), "x.pdf", dt.PDF)), "date_invalid"},
		{upload, "/documents", "backoffice", ptr(multipartBody(inv("amount_cents", "12,50"), "x.pdf", dt.PDF)), "amount_invalid"},
		{upload, "/documents", "backoffice", ptr(multipartBody(inv("amount_cents", "99999999999999"), "x.pdf", dt.PDF)), "amount_out_of_range"},
		{upload, "/documents", "backoffice", ptr(multipartBody(map[string]string{"title": "x", "client_id": "c9"}, "x.pdf", dt.PDF)), "client_unknown"},
		{upload, "/documents", "backoffice", ptr(multipartBody(map[string]string{"title": "x", "client_id": "c1", "invoice_number": "F-2"}, "x.pdf", dt.PDF)), "invoice_fields_not_allowed"},
		{upload, "/documents", "backoffice", ptr(multipartBody(map[string]string{"title": "x", "client_id": "c1", "worker_id": "w9"}, "x.pdf", dt.PDF)), "worker_unknown"},
		{upload, "/documents", "backoffice", ptr(multipartBody(inv("invoice_number", "f-1"), "x.pdf", dt.PDF)), "invoice_number_taken"}, // F-1 is c1's already
		{upload, "/documents", "worker1", ptr(multipartBody(title, "x.pdf", dt.PDF)), "forbidden"},                                      // a role that never uploads

		{detail, "/documents/nope", "client1", nil, "not_found"},
		{detail, "/documents/nope?as_of=gisteren", "client1", nil, "as_of_invalid"},
		{file, "/documents/nope/file", "client1", nil, "not_found"},

		{request, "/documents/" + general + "/signature-requests", "backoffice", ptr(jsonBody(map[string]string{})), "required"},
		{request, "/documents/" + general + "/signature-requests", "backoffice", ptr(jsonBody(map[string]string{"signer_account_id": e.Client1.AccountID})), "signature_request_open"},
		{request, "/documents/" + invoice + "/signature-requests", "backoffice", ptr(jsonBody(map[string]string{"signer_account_id": e.Client1.AccountID})), "invoice_not_signable"},
		{request, "/documents/" + idCopy + "/signature-requests", "backoffice", ptr(jsonBody(map[string]string{"signer_account_id": e.Client1.AccountID})), "id_copy_not_signable"},
		{request, "/documents/" + other + "/signature-requests", "backoffice", ptr(jsonBody(map[string]string{"signer_account_id": e.Client1.AccountID})), "signer_not_client_user"},
		{request, "/documents/nope/signature-requests", "backoffice", ptr(jsonBody(map[string]string{"signer_account_id": e.Client1.AccountID})), "not_found"},

		{sign, "/documents/" + general + "/sign", "client1", ptr(jsonBody(map[string]any{"tan": "ABCD"})), "read_not_confirmed"},
		{sign, "/documents/" + general + "/sign", "client1", ptr(jsonBody(map[string]any{"read": true})), "required"},
		{sign, "/documents/" + general + "/sign", "client1", ptr(jsonBody(map[string]any{"tan": "ABCD", "read": true, "x": 1})), "unknown_field"},
		{sign, "/documents/" + general + "/sign", "client1", ptr(jsonBody(map[string]any{"tan": 1234, "read": true})), "wrong_type"},
		{sign, "/documents/" + general + "/sign", "client1", ptr(jsonBody(map[string]any{"tan": wrong, "read": true})), "tan_wrong"},
		{sign, "/documents/" + invoice + "/sign", "client1", ptr(jsonBody(map[string]any{"tan": "ABCD", "read": true})), "no_open_signature_request"},
		{sign, "/documents/nope/sign", "client1", ptr(jsonBody(map[string]any{"tan": "ABCD", "read": true})), "not_found"},
		{sign, "/documents/" + superseded + "/sign", "client1", ptr(jsonBody(map[string]any{"tan": "ABCD", "read": true})), "signature_request_superseded"},

		{version, "/documents/" + general + "/versions", "client1", ptr(multipartBody(nil, "x.pdf", dt.PDF)), "version_unchanged"},
		{version, "/documents/" + invoice + "/versions", "backoffice", ptr(multipartBody(nil, "x.pdf", dt.PDF)), "invoice_no_versions"},
		{version, "/documents/" + general + "/versions", "client1", ptr(multipartBody(nil, "x.html", []byte("<!DOCTYPE html><html>x</html>"))), "file_type_not_allowed"},
		{version, "/documents/" + general + "/versions", "inter1", ptr(multipartBody(nil, "x.pdf", append(bytes.Clone(dt.PDF), " v2"...))), "forbidden"},
		{version, "/documents/nope/versions", "client1", ptr(multipartBody(nil, "x.pdf", dt.PDF)), "not_found"},
		{versionFile, "/documents/" + general + "/versions/9/file", "client1", nil, "not_found"},

		{decline, "/documents/" + general + "/decline", "client1", ptr(jsonBody(map[string]any{"tan": "ABCD", "remark": strings.Repeat("x", 1001)})), "too_long"},
	}
	walk := apidoc.NewWalk(inputs)
	for _, c := range cases {
		walk.Provoke(t, c.op, c.op+" "+c.path, c.code, func(lang string) (int, []byte) {
			var r response
			if c.body == nil {
				r = e.do(t, strings.Fields(c.op)[0], c.path, c.actor, "", nil, "Accept-Language", lang)
			} else {
				r = e.do(t, strings.Fields(c.op)[0], c.path, c.actor, c.body.ct, io.NopCloser(bytes.NewReader(c.body.body)), "Accept-Language", lang)
			}
			return r.status, r.body
		})
	}
	walk.Done(t)
}

func ptr[T any](v T) *T { return &v }
