package e2e_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func request(t *testing.T, method, url, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// Issue 10 §6: a NUL or invalid UTF-8 in any path ID or query parameter is
// a 400 at the router, never a 500 from PostgreSQL (SQLSTATE 22021).
func TestBadCharactersInIDsAre400(t *testing.T) {
	e := newEnv(t)
	token := apiToken(t, e, annaEmail)
	bad := []string{"%00", "x%00y", "%FF", "%C3%28", "a%0Ab"}
	api := []struct{ method, path string }{
		{"GET", "/clients/ID"}, {"POST", "/clients/ID/agreement"}, {"GET", "/documents/ID"},
		{"POST", "/documents/ID/decline"}, {"GET", "/documents/ID/file"}, {"POST", "/documents/ID/sign"},
		{"POST", "/documents/ID/signature-requests"}, {"GET", "/intermediaries/ID"}, {"GET", "/placements/ID"},
		{"POST", "/placements/ID/end"}, {"GET", "/placements/ID/weeks"}, {"DELETE", "/tokens/ID"},
		{"GET", "/workers/ID"}, {"POST", "/workers/ID/erase-personal-data"},
		{"GET", "/timesheets/ID/2026-W06"}, {"GET", "/timesheets/" + janPlacement + "/ID"},
		{"PUT", "/timesheets/" + janPlacement + "/2026-W06/lines/ID"},
		{"DELETE", "/timesheets/" + janPlacement + "/2026-W06/entries/ID"},
		{"GET", "/timesheets?placement=ID"}, {"GET", "/documents?kind=ID"}, {"GET", "/overview?week=ID"},
	}
	for _, rt := range api {
		for _, b := range bad {
			res, body := request(t, rt.method, e.URL+"/api/v1"+strings.ReplaceAll(rt.path, "ID", b), token)
			var eb struct{ Error struct{ Code string } }
			_ = json.Unmarshal([]byte(body), &eb)
			if res.StatusCode != http.StatusBadRequest || eb.Error.Code != "invalid_characters" {
				t.Errorf("%s %s with %s: %d %s", rt.method, rt.path, b, res.StatusCode, body)
			}
		}
	}
	for _, path := range []string{"/plaatsingen/ID/weken", "/overige/documenten/ID", "/inloggen?terug=ID", "/urenbriefjes?week=ID"} {
		for _, b := range bad {
			if res, body := request(t, "GET", e.URL+strings.ReplaceAll(path, "ID", b), ""); res.StatusCode != http.StatusBadRequest {
				t.Errorf("portal %s with %s: %d %s", path, b, res.StatusCode, body)
			}
		}
	}
}

// Issue 10 §6: API answers are never cached (some hold BSN or IBAN).
func TestAPIAnswersAreNotCached(t *testing.T) {
	e := newEnv(t)
	token := apiToken(t, e, annaEmail)
	for _, c := range []struct{ path, token string }{{"/api/v1/me", token}, {"/api/v1/placements", token}, {"/api/v1/me", ""}, {"/api/v1/nope", token}} {
		if res, _ := request(t, "GET", e.URL+c.path, c.token); res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s (%d): Cache-Control %q", c.path, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
}

// Issue 10 §6: a wrong method on a portal route is 405 (with Allow), and
// HEAD on a GET page answers as GET does, without a body.
func TestPortalMethods(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"PUT", "/inloggen", 405, "GET, POST, HEAD"},
		{"DELETE", "/urenbriefjes", 405, "GET, HEAD"},
		{"GET", "/uitloggen", 405, "POST"},
		{"HEAD", "/inloggen", 200, ""},
		{"HEAD", "/wachtwoord-vergeten", 200, ""},
		{"HEAD", "/urenbriefjes", 303, ""}, // as GET: to the login first
		{"HEAD", "/static/nope.css", 404, ""},
		{"HEAD", "/bestaat-niet", 404, ""},
	} {
		res, body := request(t, c.method, e.URL+c.path, "")
		if res.StatusCode != c.status || res.Header.Get("Allow") != c.allow {
			t.Errorf("%s %s: %d Allow %q, want %d %q", c.method, c.path, res.StatusCode, res.Header.Get("Allow"), c.status, c.allow)
		}
		if c.method == "HEAD" && body != "" {
			t.Errorf("HEAD %s has a body", c.path)
		}
		if c.status == 405 && !strings.Contains(body, "Deze actie is hier niet mogelijk.") {
			t.Errorf("%s %s: no Dutch message:\n%s", c.method, c.path, body)
		}
	}
	// Logged in, HEAD on a page is 200.
	u := login(e, t, keesEmail)
	req, _ := http.NewRequest(http.MethodHead, e.URL+"/urenbriefjes", nil)
	if status, _ := u.do(req); status != http.StatusOK {
		t.Errorf("HEAD /urenbriefjes logged in: %d", status)
	}
}

// Issue 10 §5 in the portal: active content is refused by content and by
// name with 415 and a Dutch message next to the file field.
func TestPortalRefusesActiveUploads(t *testing.T) {
	e := newEnv(t)
	kees := login(e, t, keesEmail)
	for name, content := range map[string]string{
		"pagina.html":          "gewoon tekst",
		"logo.svg":             `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
		"start.bat":            "@echo off\r\n",
		"factuur\u202Efdp.hta": "tekst",
		"notitie.txt":          "Beste,\n<script>alert(1)</script>",
	} {
		status, body := kees.postMultipart("/overige/documenten", map[string]string{"titel": "Actief"}, name, []byte(content))
		if status != http.StatusUnsupportedMediaType || !strings.Contains(body, "Alleen PDF-, PNG-, JPEG-, GIF- en tekstbestanden kunnen worden aangeboden.") {
			t.Errorf("%q: %d", name, status)
		}
	}
}
