package config_test

import (
	"strings"
	"testing"

	"backoffice/internal/config"
	"backoffice/notify/sms"
)

// TestSMSSettings: no token, no gateway; a token alone uses Spryng's URL;
// a URL without token, a URL with credentials or a too long sender fail at
// start-up, without echoing the token.
func TestSMSSettings(t *testing.T) {
	c, err := config.Load(nil, env(nil))
	if err != nil || c.SMSConfigured() {
		t.Fatalf("default: configured %v, %v", c.SMSConfigured(), err)
	}
	c, err = config.Load(nil, env(map[string]string{"BACKOFFICE_SMS_TOKEN": "s3cret-key"}))
	if err != nil || !c.SMSConfigured() || c.SMS().URL != sms.SpryngURL || c.SMS().Originator != "Backoffice" || c.SMS().Token != "s3cret-key" {
		t.Fatalf("token only: %+v, %v", c.SMS(), err)
	}
	c, err = config.Load(nil, env(map[string]string{"BACKOFFICE_SMS_TOKEN": "s3cret-key", "BACKOFFICE_SMS_URL": "http://127.0.0.1:9/v1",
		"BACKOFFICE_SMS_SENDER": "Bureau"}))
	if err != nil || c.SMS().URL != "http://127.0.0.1:9/v1" || c.SMS().Originator != "Bureau" {
		t.Fatalf("all three: %+v, %v", c.SMS(), err)
	}
	for _, bad := range []map[string]string{
		{"BACKOFFICE_SMS_URL": "https://rest.spryngsms.com/v1"},
		{"BACKOFFICE_SMS_TOKEN": "s3cret-key", "BACKOFFICE_SMS_URL": "https://u:p@rest.spryngsms.com/v1"},
		{"BACKOFFICE_SMS_TOKEN": "s3cret-key", "BACKOFFICE_SMS_URL": "ftp://x"},
		{"BACKOFFICE_SMS_TOKEN": "s3cret-key", "BACKOFFICE_SMS_SENDER": "Backofficebureau"},
	} {
		_, err := config.Load(nil, env(bad))
		if err == nil || !strings.Contains(err.Error(), "BACKOFFICE_SMS") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%v: %v", bad, err)
		}
	}
}
