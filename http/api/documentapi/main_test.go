package documentapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dt "backoffice/commands/document/documenttest"
	"backoffice/http/api"
	"backoffice/http/api/auditapi"
	"backoffice/http/api/documentapi"
	"backoffice/http/api/identityapi"
	"backoffice/http/httpx"
	"backoffice/internal/apitest"
	it "backoffice/internal/identitytest"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// env is the documents feature behind the real API server and real
// sessions; tokens holds a session token per seeded actor name.
type env struct {
	*dt.Env
	url    string
	tokens map[string]string
}

func newEnv(t *testing.T) *env { return newEnvWith(t, nil) }

// newEnvWith is newEnv with the given upload limiter (nil: the process's).
func newEnvWith(t *testing.T, uploads *httpx.UploadLimiter) *env {
	t.Helper()
	de := dt.New(t)
	authn, err := identityapi.NewAuthenticator(de.Auth, nil)
	if err != nil {
		t.Fatal(err)
	}
	feature, err := documentapi.New(documentapi.Deps{Commands: de.Handler, Queries: de.Queries, Uploads: uploads, Ledger: de.Store})
	if err != nil {
		t.Fatal(err)
	}
	audit, err := auditapi.New(auditapi.Deps{Store: de.Store, Pool: de.Pool, Unsealer: de.Vault})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Deps{Log: slog.New(slog.DiscardHandler), Pool: de.Pool, Auth: authn, Wait: de.Docs,
		WaitTimeout: 60 * time.Second, Features: []api.Feature{feature, audit}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	e := &env{Env: de, url: hs.URL + "/api/v1", tokens: map[string]string{}}
	for name, email := range de.Emails {
		pw := dt.Password
		if name == "backoffice" {
			pw = it.BackofficePassword // bootstrapped with its own
		}
		e.tokens[name] = de.Login(t, email, pw)
	}
	return e
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d, not JSON: %s", r.status, r.body)
	}
	return m
}

func (r response) errCode(t *testing.T) (string, string) {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	c, _ := e["code"].(string)
	f, _ := e["field"].(string)
	return c, f
}

func (e *env) do(t *testing.T, method, path, actor, contentType string, body io.Reader, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := e.tokens[actor]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, b := apitest.RoundTrip(t, http.DefaultClient, req)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// json sends a JSON body (nil: none).
func (e *env) json(t *testing.T, method, path, actor string, body any) response {
	t.Helper()
	if body == nil {
		return e.do(t, method, path, actor, "", nil)
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return e.do(t, method, path, actor, "application/json", bytes.NewReader(b))
}

// form builds a multipart body with fields and, unless content is nil, a file.
func form(t *testing.T, fields map[string]string, fileName string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if content != nil {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), &buf
}

func (e *env) upload(t *testing.T, actor string, fields map[string]string, fileName string, content []byte, header ...string) response {
	t.Helper()
	ct, body := form(t, fields, fileName, content)
	return e.do(t, http.MethodPost, "/documents", actor, ct, body, header...)
}

func want(t *testing.T, r response, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}
