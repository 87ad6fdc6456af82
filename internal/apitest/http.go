package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Response is an HTTP answer of the JSON API in a test.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode reads the body as JSON into v.
func (r Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Position is the "position" of a command's answer, which X-Position
// repeats.
func (r Response) Position(t testing.TB) string {
	t.Helper()
	var b struct {
		Position string `json:"position"`
	}
	r.Decode(t, &b)
	if b.Position == "" || r.Header.Get("X-Position") != b.Position {
		t.Fatalf("position %q, X-Position %q in %s", b.Position, r.Header.Get("X-Position"), r.Body)
	}
	return b.Position
}

// ErrorCode is the error envelope's code and field; an error without a
// message fails the test.
func (r Response) ErrorCode(t testing.TB) (code, field string) {
	t.Helper()
	var b struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	r.Decode(t, &b)
	if b.Error.Message == "" {
		t.Errorf("error without a message: %s", r.Body)
	}
	return b.Error.Code, b.Error.Field
}

// Code is the error envelope's code, empty when the answer has none (a
// test that also wants the message checked uses ErrorCode).
func (r Response) Code() string {
	var b struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.Error.Code
}

// Request sends method url with body: nil, a string or []byte as is, any
// other value as JSON. header holds name, value pairs.
func Request(t testing.TB, method, url string, body any, header ...string) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, b := RoundTrip(t, http.DefaultClient, req)
	return Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// RoundTrip sends req through c and reads the whole answer; a transport
// error fails the test.
func RoundTrip(t testing.TB, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}
