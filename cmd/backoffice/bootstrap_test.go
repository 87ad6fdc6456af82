package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"backoffice/internal/pgtest"
)

func TestBootstrapCreatesTheFirstBackofficeAccountOnce(t *testing.T) {
	t.Parallel()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	_, getenv := testEnv(t, pgtest.NewDB(t), "BACKOFFICE_MASTER_KEY", base64.StdEncoding.EncodeToString(key))
	boot := func(password string) (string, error) {
		var out bytes.Buffer
		err := bootstrap(context.Background(), []string{"beheer@bureau.example.nl"}, getenv,
			strings.NewReader(password+"\n"), &out, io.Discard)
		return out.String(), err
	}
	if _, err := boot("kort"); err == nil {
		t.Fatal("a 4-character password was accepted")
	}
	out, err := boot("een-lang-genoeg-wachtwoord")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "created") {
		t.Fatalf("first bootstrap said %q", out)
	}
	out, err = boot("een-ander-wachtwoord")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "already exists") {
		t.Fatalf("second bootstrap said %q", out)
	}
}
