package e2e_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/internal/demo"
)

// curlUpload sends a request the way curl does for uploads: headers with
// "Expect: 100-continue", then the body once the server said 100 (or after
// a second of silence), then the answer. chunked sends the body without a
// Content-Length; impatient sends it at once, as curl does when the server
// is slow to answer. It returns the final status and body, or an error
// when the connection ended without one.
func curlUpload(u *url.URL, token, contentType string, body []byte, chunked, impatient bool) (int, []byte, error) {
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		return 0, nil, err
	}
	defer conn.Close()
	var h strings.Builder
	fmt.Fprintf(&h, "POST /api/v1/documents HTTP/1.1\r\nHost: %s\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n", u.Host)
	if token != "" {
		fmt.Fprintf(&h, "Authorization: Bearer %s\r\n", token)
	}
	fmt.Fprintf(&h, "Content-Type: %s\r\nExpect: 100-continue\r\n", contentType)
	if chunked {
		h.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	} else {
		fmt.Fprintf(&h, "Content-Length: %d\r\n\r\n", len(body))
	}
	if _, err := io.WriteString(conn, h.String()); err != nil {
		return 0, nil, err
	}
	br := bufio.NewReader(conn)
	if !impatient {
		_ = conn.SetReadDeadline(time.Now().Add(time.Second))
		res, err := http.ReadResponse(br, nil)
		var ne net.Error
		switch {
		case err == nil && res.StatusCode != http.StatusContinue:
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			return finalAnswer(res) // answered before the body: curl sends nothing
		case err == nil, errors.As(err, &ne) && ne.Timeout():
			// 100 Continue, or silence: send the body.
		default:
			return 0, nil, fmt.Errorf("waiting for 100 Continue: %w", err)
		}
		_ = conn.SetReadDeadline(time.Time{})
	}
	var writeErr error
	if chunked {
		for off := 0; off < len(body) && writeErr == nil; off += 64 << 10 {
			chunk := body[off:min(off+64<<10, len(body))]
			_, writeErr = fmt.Fprintf(conn, "%x\r\n%s\r\n", len(chunk), chunk)
		}
		if writeErr == nil {
			_, writeErr = io.WriteString(conn, "0\r\n\r\n")
		}
	} else {
		_, writeErr = conn.Write(body)
	}
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			return 0, nil, fmt.Errorf("no answer (write: %v): %w", writeErr, err)
		}
		if res.StatusCode != http.StatusContinue {
			return finalAnswer(res)
		}
	}
}

func finalAnswer(res *http.Response) (int, []byte, error) {
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

func multipartBody(t *testing.T, fileName string, content []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("title", "Upload met Expect")
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// Issue 11 §8: nine concurrent curl-style uploads with "Expect:
// 100-continue", accepted and refused alike, all get a proper answer, the
// refusals with a JSON error body, none a reset connection: whether the
// client waits for "100 Continue" or, as curl does after a second without
// one, sends the body anyway.
func TestExpectContinueUploads(t *testing.T) {
	e := newEnv(t)
	// Two users: neither reaches the per-user cap of concurrent uploads.
	token, token2 := apiToken(t, e, keesEmail), apiToken(t, e, mariekeEmail)
	u, _ := url.Parse(e.URL)
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	big := append(append([]byte{}, pdf...), bytes.Repeat([]byte("0"), 12<<20)...) // well over 2 MB: more than socket buffers hold

	uploads := []upload{
		{name: "pdf", token: token, fileName: "contract.pdf", content: pdf, status: 201},
		{name: "pdf, chunked", token: token2, fileName: "contract2.pdf", content: pdf, chunked: true, status: 201},
		{name: "html", token: token, fileName: "page.html", content: []byte("<html><script>alert(1)</script></html>"), status: 415, code: "file_type_not_allowed"},
		{name: "bat", token: token2, fileName: "run.bat", content: []byte("@echo off\r\n"), status: 415, code: "file_type_not_allowed"},
		{name: "12 MB with a Content-Length", token: token, fileName: "big.pdf", content: big, status: 413, code: "file_too_large"},
		{name: "12 MB chunked", token: token, fileName: "big.pdf", content: big, chunked: true, status: 413, code: "file_too_large"},
		{name: "not logged in", fileName: "contract.pdf", content: pdf, status: 401},
		{name: "not logged in, 12 MB", fileName: "big.pdf", content: big, status: 401},
		{name: "not multipart", token: token, rawType: "application/octet-stream", content: big, status: 415, code: "unsupported_media_type"},
	}
	for _, impatient := range []bool{false, true} {
		t.Run(map[bool]string{false: "waiting for 100", true: "not waiting"}[impatient], func(t *testing.T) {
			sendAll(t, u, uploads, impatient)
		})
	}
}

type upload struct {
	name, token, fileName string
	content               []byte
	chunked               bool
	rawType               string // a Content-Type other than multipart
	status                int
	code                  string
}

// sendAll sends the uploads at once and checks every answer.
func sendAll(t *testing.T, u *url.URL, uploads []upload, impatient bool) {
	var wg sync.WaitGroup
	for _, up := range uploads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ct, body := up.rawType, up.content
			if ct == "" {
				ct, body = multipartBody(t, up.fileName, up.content)
			}
			status, b, err := curlUpload(u, up.token, ct, body, up.chunked, impatient)
			if err != nil {
				t.Errorf("%s: %v", up.name, err)
				return
			}
			if status != up.status {
				t.Errorf("%s: status %d, want %d: %s", up.name, status, up.status, b)
				return
			}
			if status >= 400 {
				var eb struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if err := json.Unmarshal(b, &eb); err != nil || eb.Error.Message == "" || (up.code != "" && eb.Error.Code != up.code) {
					t.Errorf("%s: error body %q, want code %q", up.name, b, up.code)
				}
			}
		}()
	}
	wg.Wait()
}

// apiToken logs in over the API and returns the bearer token.
func apiToken(t *testing.T, e *env, email string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": demo.Password})
	res, err := http.Post(e.URL+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	return out.Token
}
