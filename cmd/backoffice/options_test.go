package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"backoffice/internal/config"
	"backoffice/notify/sms"
)

// TestSMSOptions: the embedded default writes SMS to a file outbox next to
// the mail outbox (shown in the demo); a gateway token selects Spryng; SMTP
// without a gateway sends no SMS (the TAN goes in the mail).
func TestSMSOptions(t *testing.T) {
	t.Parallel()
	load := func(env map[string]string) config.Config {
		t.Helper()
		env["BACKOFFICE_DATA_DIR"] = t.TempDir()
		c, err := config.Load(nil, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	log := slog.New(slog.DiscardHandler)

	c := load(map[string]string{})
	o, err := appOptions(c, &database{}, &openedStore{}, log)
	if err != nil {
		t.Fatal(err)
	}
	if box, ok := o.SMSSender.(*sms.FileOutbox); !ok || o.SMSOutbox != box {
		t.Fatalf("embedded: SMS sender %T, outbox %v", o.SMSSender, o.SMSOutbox)
	}
	if _, err := os.Stat(filepath.Join(c.DataDir, "outbox-sms")); err != nil {
		t.Fatalf("no SMS outbox directory: %v", err)
	}

	c = load(map[string]string{"BACKOFFICE_SMS_TOKEN": "key", "BACKOFFICE_SMS_SENDER": "Bureau"})
	if o, err = appOptions(c, &database{}, &openedStore{}, log); err != nil {
		t.Fatal(err)
	}
	if _, ok := o.SMSSender.(*sms.Spryng); !ok || o.SMSOutbox != nil {
		t.Fatalf("gateway: SMS sender %T, outbox %v", o.SMSSender, o.SMSOutbox)
	}

	c = load(map[string]string{"BACKOFFICE_SMTP_URL": "smtp://u:p@mail.example:587", "BACKOFFICE_DEMO": "false"})
	if o, err = appOptions(c, &database{}, &openedStore{}, log); err != nil {
		t.Fatal(err)
	}
	if o.SMSSender != nil || o.SMSOutbox != nil {
		t.Fatalf("SMTP without a gateway: SMS sender %T", o.SMSSender)
	}
}
