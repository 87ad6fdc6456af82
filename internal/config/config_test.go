package config_test

import (
	"strings"
	"testing"

	"backoffice/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaultsAreTheEmbeddedDemo(t *testing.T) {
	c, err := config.Load(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Embedded() || !c.Demo || c.Addr != "127.0.0.1:8080" || c.DataDir != "data" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.PublicURL != "http://127.0.0.1:8080" {
		t.Fatalf("public URL = %q", c.PublicURL)
	}
}

func TestLoadProductionIsNotDemo(t *testing.T) {
	c, err := config.Load(nil, env(map[string]string{"BACKOFFICE_DATABASE_URL": "postgres://u@db/backoffice"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Embedded() || c.Demo {
		t.Fatalf("want production mode, got %+v", c)
	}
}

func TestLoadRejectsBadSettingsAllAtOnce(t *testing.T) {
	_, err := config.Load([]string{"-addr", "nonsense"}, env(map[string]string{
		"BACKOFFICE_EVENTSTORE_URL": "http://user:secret@x",
		"BACKOFFICE_DEMO":           "maybe",
		"BACKOFFICE_LOG_FORMAT":     "xml",
		"BACKOFFICE_INTERNAL_ADDR":  "9090",
	}))
	if err == nil {
		t.Fatal("want error")
	}
	msg := err.Error()
	for _, want := range []string{"BACKOFFICE_ADDR", "BACKOFFICE_EVENTSTORE_URL", "BACKOFFICE_DEMO", "BACKOFFICE_LOG_FORMAT", "BACKOFFICE_INTERNAL_ADDR"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %s: %v", want, msg)
		}
	}
	if strings.Contains(msg, "secret") {
		t.Errorf("error leaks a password: %v", msg)
	}
}

// TestLoadReadsTheMasterKey: BACKOFFICE_MASTER_KEY is read here, with the
// other settings, not by the commands that use it.
func TestLoadReadsTheMasterKey(t *testing.T) {
	c, err := config.Load(nil, env(map[string]string{"BACKOFFICE_DATABASE_URL": "postgres://u@db/backoffice",
		"BACKOFFICE_MASTER_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MasterKey != "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" {
		t.Fatal("the master key was not read")
	}
}
