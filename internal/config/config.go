// Package config reads the server's settings from the environment (and
// flags that override it), validates them at start-up and says what is wrong.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"backoffice/notify/schedule"
	"backoffice/notify/sms"
)

// Config is everything `backoffice serve` needs. The zero configuration (no
// variables at all) is the embedded default: a private PostgreSQL in
// ./data/postgres, mail to ./data/outbox, demo data.
type Config struct {
	// Addr is the HTTP listen address.
	Addr string
	// InternalAddr, when set, is a second listen address for the operations
	// endpoints (/healthz, /readyz, /metrics); /readyz and /metrics then
	// leave Addr. Keep it on a port only the load balancer and monitoring
	// reach.
	InternalAddr string
	// PprofAddr, when set, is a loopback listen address serving Go's
	// net/http/pprof (CPU and heap profiles of the running server, for
	// docs/BENCHMARKS.md §9.4). Off by default.
	PprofAddr string
	// PublicURL is the base of links in e-mails (activation, signing).
	PublicURL string
	// DataDir holds the embedded PostgreSQL cluster and the mail outbox.
	DataDir string
	// DatabaseURL is PostgreSQL for read models (and events unless
	// EventStoreURL is set). Empty: start the embedded cluster.
	DatabaseURL string
	// EventStoreURL is an esdb:// or esdb+discover:// connection string.
	EventStoreURL string
	// MasterKey is BACKOFFICE_MASTER_KEY: base64 of the 32 bytes that wrap
	// the per-person keys of personal data. serve, projections and
	// bootstrap require it with DatabaseURL outside demo mode (migrate,
	// verify and backup do not need it); the embedded mode keeps a key file
	// in DataDir instead. A secret: never log it.
	MasterKey string
	// SMTPURL is smtp://user:pass@host:port (or smtps://). Empty: file outbox.
	SMTPURL  string
	MailFrom string
	// SMS gateway (Spryng's REST API, notify/sms): on when SMSToken is set
	// (BACKOFFICE_SMS_TOKEN, a secret: never logged); SMSURL is the API's
	// base (BACKOFFICE_SMS_URL, default Spryng's), SMSSender the sender
	// shown on the phone (BACKOFFICE_SMS_SENDER, default "Backoffice").
	// Without a gateway the TAN goes in the mail, or, where mail goes to
	// the file outbox, the SMS goes to a file outbox next to it.
	SMSURL, SMSToken, SMSSender string
	// Demo seeds demo data (known passwords, back office included) and
	// shows the mail outbox in the portal. Only when asked for
	// (BACKOFFICE_DEMO, -demo) or, in the embedded default, on a loopback
	// listen address: never silently on a public one.
	Demo bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (BACKOFFICE_TRUSTED_PROXIES); login throttling and the
	// per-source limits count per the client address they report.
	TrustedProxies []netip.Prefix
	// AllowUnsafeFsync lets the event store run on a database with fsync=off.
	// Only for tests and throwaway demos.
	AllowUnsafeFsync bool
	LogLevel         slog.Level
	LogFormat        string // "text" or "json"
	// ShutdownTimeout bounds graceful shutdown.
	ShutdownTimeout time.Duration
	// ReadYourWritesTimeout bounds how long a query waits for projections.
	ReadYourWritesTimeout time.Duration
	// Reminders is the weekly reminder schedule (BACKOFFICE_REMINDER_*).
	Reminders schedule.Plan
}

// SMSConfigured reports whether a real SMS gateway is configured.
func (c Config) SMSConfigured() bool { return c.SMSToken != "" }

// SMS is the gateway adapter's configuration (URL defaults to Spryng's).
func (c Config) SMS() sms.SpryngConfig {
	return sms.SpryngConfig{URL: or(c.SMSURL, sms.SpryngURL), Token: c.SMSToken, Originator: c.SMSSender}
}

// Embedded reports whether the server starts its own PostgreSQL.
func (c Config) Embedded() bool { return c.DatabaseURL == "" }

// Load reads variables through getenv, then applies flags from args.
func Load(args []string, getenv func(string) string) (Config, error) {
	c := Config{
		Addr:                  or(getenv("BACKOFFICE_ADDR"), "127.0.0.1:8080"),
		InternalAddr:          getenv("BACKOFFICE_INTERNAL_ADDR"),
		PprofAddr:             getenv("BACKOFFICE_PPROF_ADDR"),
		PublicURL:             getenv("BACKOFFICE_PUBLIC_URL"),
		DataDir:               or(getenv("BACKOFFICE_DATA_DIR"), "data"),
		DatabaseURL:           getenv("BACKOFFICE_DATABASE_URL"),
		EventStoreURL:         getenv("BACKOFFICE_EVENTSTORE_URL"),
		MasterKey:             getenv("BACKOFFICE_MASTER_KEY"),
		SMTPURL:               getenv("BACKOFFICE_SMTP_URL"),
		MailFrom:              or(getenv("BACKOFFICE_MAIL_FROM"), "Backofficebureau <noreply@backofficebureau.localhost>"),
		SMSURL:                getenv("BACKOFFICE_SMS_URL"),
		SMSToken:              getenv("BACKOFFICE_SMS_TOKEN"),
		SMSSender:             or(getenv("BACKOFFICE_SMS_SENDER"), "Backoffice"),
		LogFormat:             or(getenv("BACKOFFICE_LOG_FORMAT"), "text"),
		ShutdownTimeout:       15 * time.Second,
		ReadYourWritesTimeout: 5 * time.Second,
	}
	var errs []error
	demo := getenv("BACKOFFICE_DEMO")
	if demo != "" {
		if b, err := strconv.ParseBool(demo); err != nil {
			errs = append(errs, fmt.Errorf("BACKOFFICE_DEMO=%q: want true or false", demo))
		} else {
			c.Demo = b
		}
	}
	if p, err := parseTrustedProxies(getenv("BACKOFFICE_TRUSTED_PROXIES")); err != nil {
		errs = append(errs, err)
	} else {
		c.TrustedProxies = p
	}
	if v := getenv("BACKOFFICE_ALLOW_UNSAFE_FSYNC"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("BACKOFFICE_ALLOW_UNSAFE_FSYNC=%q: want true or false", v))
		}
		c.AllowUnsafeFsync = b
	}
	var rerrs []error
	c.Reminders, rerrs = loadReminders(getenv)
	errs = append(errs, rerrs...)
	if err := c.LogLevel.UnmarshalText([]byte(or(getenv("BACKOFFICE_LOG_LEVEL"), "info"))); err != nil {
		errs = append(errs, fmt.Errorf("BACKOFFICE_LOG_LEVEL: %w", err))
	}

	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", c.Addr, "HTTP listen address (BACKOFFICE_ADDR)")
	fs.StringVar(&c.InternalAddr, "internal-addr", c.InternalAddr, "listen address of /healthz, /readyz and /metrics; the last two then leave -addr (BACKOFFICE_INTERNAL_ADDR)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", c.PprofAddr, "loopback listen address of Go's /debug/pprof/ profiles; off when empty (BACKOFFICE_PPROF_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory for the embedded database and mail outbox (BACKOFFICE_DATA_DIR)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "base URL used in e-mailed links (BACKOFFICE_PUBLIC_URL)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "seed demo data and show the mail outbox (BACKOFFICE_DEMO)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	demoFlag := false
	fs.Visit(func(f *flag.Flag) { demoFlag = demoFlag || f.Name == "demo" })
	if demo == "" && !demoFlag {
		// Not asked either way: the embedded default is a demo, but only
		// where nobody else can reach its known passwords.
		c.Demo = c.Embedded() && loopback(c.Addr)
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " ")))
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	c.DataDir = filepath.Clean(c.DataDir)
	errs = append(errs, c.validate()...)
	return c, errors.Join(errs...)
}

func (c Config) validate() []error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("BACKOFFICE_ADDR=%q: %w", c.Addr, err))
	}
	if c.InternalAddr != "" {
		if _, _, err := net.SplitHostPort(c.InternalAddr); err != nil {
			errs = append(errs, fmt.Errorf("BACKOFFICE_INTERNAL_ADDR=%q: %w", c.InternalAddr, err))
		}
	}
	if c.PprofAddr != "" && !loopback(c.PprofAddr) {
		// Profiles show the process's internals: never on a reachable port.
		errs = append(errs, fmt.Errorf("BACKOFFICE_PPROF_ADDR=%q: want a loopback address (127.0.0.1:port or [::1]:port)", c.PprofAddr))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("BACKOFFICE_PUBLIC_URL=%q: want an absolute http(s) URL", c.PublicURL))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") && !strings.Contains(c.DatabaseURL, "=") {
		errs = append(errs, errors.New("BACKOFFICE_DATABASE_URL: want postgres://... or a key=value connection string"))
	}
	if c.EventStoreURL != "" && !strings.HasPrefix(c.EventStoreURL, "esdb://") && !strings.HasPrefix(c.EventStoreURL, "esdb+discover://") {
		errs = append(errs, fmt.Errorf("BACKOFFICE_EVENTSTORE_URL: want esdb:// or esdb+discover://, got %q", redact(c.EventStoreURL)))
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			errs = append(errs, errors.New("BACKOFFICE_SMTP_URL: want smtp://user:password@host:port or smtps://..."))
		}
	}
	if c.SMSURL != "" || c.SMSToken != "" {
		if c.SMSToken == "" {
			errs = append(errs, errors.New("BACKOFFICE_SMS_URL is set without BACKOFFICE_SMS_TOKEN: the gateway needs its API key"))
		} else if err := c.SMS().Validate(); err != nil {
			errs = append(errs, fmt.Errorf("BACKOFFICE_SMS_URL/BACKOFFICE_SMS_SENDER: %w", err))
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("BACKOFFICE_LOG_FORMAT=%q: want text or json", c.LogFormat))
	}
	return errs
}

// loopback reports whether a listen address only accepts connections from
// this machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// redact hides credentials of a URL for messages and logs.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable)"
	}
	return u.Redacted()
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
