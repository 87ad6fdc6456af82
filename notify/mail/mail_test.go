package mail_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"backoffice/internal/pgtest"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const from = "Backofficebureau <noreply@backoffice.test>"

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSMTPSenderDeliversToServer(t *testing.T) {
	ctx := testCtx(t)
	srv := mailtest.New(t)
	s, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: from, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	msg := mail.SignRequestMail("nl", "klant@example.nl", "", "https://portal.test/documenten/42", "ABCD")
	if err := s.Send(ctx, msg); err != nil {
		t.Fatal(err)
	}
	got, err := srv.WaitFor(ctx, mailtest.To("klant@example.nl"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "u dient een document goed te keuren" {
		t.Errorf("subject = %q", got.Subject)
	}
	if len(got.To) != 1 || got.To[0] != "klant@example.nl" {
		t.Errorf("To header = %v", got.To)
	}
	if !strings.Contains(got.From, "noreply@backoffice.test") {
		t.Errorf("envelope from = %q", got.From)
	}
	for _, want := range []string{"Beste klant,", "https://portal.test/documenten/42", "Uw TAN-code: ABCD", "Met vriendelijke groet,"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("body lacks %q:\n%s", want, got.Text)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server received %d messages, want 1", n)
	}
}

func TestSMTPSenderServerRejects(t *testing.T) {
	ctx := testCtx(t)
	srv := mailtest.New(t)
	srv.RejectWith(func(mailtest.Received) error { return errFake("mailbox full") })
	s, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: from})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, mail.SignRequestMail("nl", "a@example.nl", "", "https://x.test/", "")); err == nil {
		t.Fatal("Send succeeded although the server rejected the message")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("recorded %d messages", n)
	}
}

type errFake string

func (e errFake) Error() string { return string(e) }

func TestSMTPConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		cfg  mail.SMTPConfig
		ok   bool
	}{
		{"smtp with user", mail.SMTPConfig{URL: "smtp://user:secret@mail.example.nl:587", From: from}, true},
		{"smtps default port", mail.SMTPConfig{URL: "smtps://mail.example.nl", From: from}, true},
		{"bad scheme", mail.SMTPConfig{URL: "http://mail.example.nl", From: from}, false},
		{"no host", mail.SMTPConfig{URL: "smtp://", From: from}, false},
		{"bad port", mail.SMTPConfig{URL: "smtp://mail.example.nl:99999", From: from}, false},
		{"no from", mail.SMTPConfig{URL: "smtp://mail.example.nl"}, false},
		{"bad from", mail.SMTPConfig{URL: "smtp://mail.example.nl", From: "not an address"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mail.NewSMTPSender(tt.cfg)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("error reveals the password: %v", err)
			}
			if strings.Contains(tt.cfg.String(), "secret") {
				t.Errorf("String reveals the password: %s", tt.cfg)
			}
		})
	}
}

func TestFileOutboxRoundTrip(t *testing.T) {
	ctx := testCtx(t)
	dir := filepath.Join(t.TempDir(), "outbox")
	clock := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	o, err := mail.NewFileOutbox(dir, from, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	expires := clock.Add(72 * time.Hour)
	first := mail.ActivationMail("nl", "jan@example.nl", "Jan de Vries", "jan@example.nl", "https://portal.test/activeren?t=abc", expires)
	if err := o.Send(ctx, first); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Second)
	second := mail.PasswordResetMail("en", "anna@example.nl", "Anna", "https://portal.test/reset?t=def", expires)
	if err := o.Send(ctx, second); err != nil {
		t.Fatal(err)
	}

	items, err := o.List(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("List = %d items, want 2", len(items))
	}
	if items[0].To != "anna@example.nl" || items[1].To != "jan@example.nl" {
		t.Errorf("List order = %s, %s; want newest first", items[0].To, items[1].To)
	}
	if items[1].Subject != "Uw inloggegevens voor Backofficebureau Digitaal" {
		t.Errorf("subject = %q", items[1].Subject)
	}
	if !items[1].Sent.Equal(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("Sent = %v", items[1].Sent)
	}
	if items[1].Text != first.TextBody {
		t.Errorf("text did not round-trip:\n got %q\nwant %q", items[1].Text, first.TextBody)
	}
	got, err := o.Read(items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != second.TextBody || got.Subject != second.Subject {
		t.Errorf("Read = %+v", got)
	}
	if l, _ := o.List(1); len(l) != 1 || l[0].ID != items[0].ID {
		t.Errorf("List(1) = %+v", l)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") {
			t.Errorf("stray file %s", e.Name())
		}
	}
}

func TestFileOutboxRefusesPathsAsIDs(t *testing.T) {
	dir := t.TempDir()
	o, err := mail.NewFileOutbox(filepath.Join(dir, "outbox"), from, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A readable .eml outside the outbox must stay unreachable.
	if err := os.WriteFile(filepath.Join(dir, "secret.eml"), []byte("Subject: x\r\n\r\nsecret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"../secret", "..%2fsecret", "/etc/passwd", "", "20260302T093000.000000000Z-0123456789abcdef/../../secret",
		"20260302T093000.000000000Z-0123456789abcdef"} {
		if _, err := o.Read(id); err != mail.ErrOutboxNotFound {
			t.Errorf("Read(%q) err = %v, want ErrOutboxNotFound", id, err)
		}
	}
}
