package config_test

import (
	"strings"
	"testing"

	"backoffice/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// load is config.Load from the environment vars alone (no arguments); an
// error fails the test.
func load(t *testing.T, vars map[string]string) config.Config {
	t.Helper()
	c, err := config.Load(nil, env(vars))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoadDefaultsAreTheEmbeddedDemo(t *testing.T) {
	c := load(t, nil)
	if !c.Embedded() || !c.Demo || c.Addr != "127.0.0.1:8080" || c.DataDir != "data" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.PublicURL != "http://127.0.0.1:8080" {
		t.Fatalf("public URL = %q", c.PublicURL)
	}
}

func TestLoadProductionIsNotDemo(t *testing.T) {
	c := load(t, map[string]string{"BACKOFFICE_DATABASE_URL": "postgres://u@db/backoffice"})
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
	c := load(t, map[string]string{"BACKOFFICE_DATABASE_URL": "postgres://u@db/backoffice",
		"BACKOFFICE_MASTER_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
	if c.MasterKey != "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" {
		t.Fatal("the master key was not read")
	}
}

func TestDemoOnlyWhenAskedOrOnLoopback(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want bool
	}{
		{"embedded on loopback", nil, nil, true},
		{"embedded on localhost", []string{"-addr", "localhost:8080"}, nil, true},
		{"embedded on ::1", []string{"-addr", "[::1]:8080"}, nil, true},
		{"embedded on every interface", []string{"-addr", ":8080"}, nil, false},
		{"embedded on a public address (env)", nil, map[string]string{"BACKOFFICE_ADDR": "0.0.0.0:8080"}, false},
		{"embedded on a public address, asked by flag", []string{"-addr", ":8080", "-demo"}, nil, true},
		{"embedded on a public address, asked by env", []string{"-addr", ":8080"}, map[string]string{"BACKOFFICE_DEMO": "true"}, true},
		{"loopback, refused by env", nil, map[string]string{"BACKOFFICE_DEMO": "false"}, false},
		{"loopback, refused by flag", []string{"-demo=false"}, nil, false},
		{"production on loopback", nil, map[string]string{"BACKOFFICE_DATABASE_URL": "postgres://u@db/x"}, false},
	}
	for _, tc := range cases {
		c, err := config.Load(tc.args, env(tc.env))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.Demo != tc.want {
			t.Errorf("%s: Demo = %v, want %v", tc.name, c.Demo, tc.want)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	c := load(t, map[string]string{"BACKOFFICE_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,::ffff:198.51.100.0/120"})
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if want := "10.0.0.0/8 192.0.2.7/32 2001:db8::/32 198.51.100.0/24"; strings.Join(got, " ") != want {
		t.Errorf("TrustedProxies = %v, want %s", got, want)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.nl", "0.0.0.0/0", "::/0", "10.0.0.1/8/2", "fe80::1%eth0"} {
		_, err := config.Load(nil, env(map[string]string{"BACKOFFICE_TRUSTED_PROXIES": bad}))
		if err == nil || !strings.Contains(err.Error(), "BACKOFFICE_TRUSTED_PROXIES") {
			t.Errorf("%q: err = %v, want a BACKOFFICE_TRUSTED_PROXIES error", bad, err)
		}
	}
}

// TestPprofAddrOnlyOnLoopback: the profiles are off by default, and an
// address others could reach is refused.
func TestPprofAddrOnlyOnLoopback(t *testing.T) {
	c, err := config.Load(nil, env(nil))
	if err != nil || c.PprofAddr != "" {
		t.Fatalf("default PprofAddr = %q, %v: want off", c.PprofAddr, err)
	}
	c, err = config.Load([]string{"-pprof-addr", "127.0.0.1:6060"}, env(nil))
	if err != nil || c.PprofAddr != "127.0.0.1:6060" {
		t.Fatalf("flag: PprofAddr = %q, %v", c.PprofAddr, err)
	}
	for _, addr := range []string{"0.0.0.0:6060", ":6060", "10.1.2.3:6060"} {
		_, err := config.Load(nil, env(map[string]string{"BACKOFFICE_PPROF_ADDR": addr}))
		if err == nil || !strings.Contains(err.Error(), "BACKOFFICE_PPROF_ADDR") {
			t.Errorf("BACKOFFICE_PPROF_ADDR=%s: err = %v, want refused", addr, err)
		}
	}
}
