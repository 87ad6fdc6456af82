package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig configures an SMTPSender.
type SMTPConfig struct {
	// URL is smtp://user:pass@host:port (STARTTLS when the server offers
	// it, plain otherwise; default port 587) or smtps://user:pass@host:port
	// (implicit TLS, default port 465). User and password are optional;
	// without them no AUTH is attempted. Over a connection that is not
	// encrypted only challenge-response mechanisms are used, never PLAIN or
	// LOGIN, so a password never crosses the wire in the clear.
	URL string
	// From is the sender address, e.g. "Backofficebureau <noreply@example.nl>".
	From string
	// Timeout bounds connecting and each SMTP command. Default 15 s.
	Timeout time.Duration
	// TLSConfig overrides the TLS settings (tests, private CAs). Its
	// ServerName defaults to the URL's host.
	TLSConfig *tls.Config
	// Now is the clock for the Date header. Default time.Now.
	Now func() time.Time
}

// String describes the config without the password.
func (c SMTPConfig) String() string {
	return fmt.Sprintf("smtp %s from %s", RedactURL(c.URL), c.From)
}

// RedactURL returns the URL with its password replaced, for logs and errors.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// SMTPSender delivers messages to an SMTP server, one connection per message.
type SMTPSender struct {
	from  string
	now   func() time.Time
	opts  []gomail.Option
	host  string
	descr string
}

// NewSMTPSender validates the config; it does not connect.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	var errs []error
	u, err := url.Parse(cfg.URL)
	if err != nil {
		// url's error quotes the URL, password included: do not wrap it.
		return nil, errors.New("mail: SMTP URL does not parse")
	}
	if cfg.From == "" {
		errs = append(errs, errors.New("mail: SMTP From address is required"))
	} else if _, err := compose(cfg.From, Message{To: "check@example.invalid", Subject: "x", TextBody: "x"}, time.Now()); err != nil {
		errs = append(errs, fmt.Errorf("mail: SMTP From address %q is invalid", cfg.From))
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	host := u.Hostname()
	if host == "" {
		errs = append(errs, errors.New("mail: SMTP URL has no host"))
	}
	port := 0
	if p := u.Port(); p != "" {
		port, err = strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			errs = append(errs, fmt.Errorf("mail: SMTP URL has an invalid port %q", p))
		}
	}
	tlsCfg := cfg.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{MinVersion: tls.VersionTLS12}
	} else {
		tlsCfg = tlsCfg.Clone()
	}
	if tlsCfg.ServerName == "" {
		tlsCfg.ServerName = host
	}
	opts := []gomail.Option{
		gomail.WithTimeout(cfg.Timeout),
		gomail.WithTLSConfig(tlsCfg),
	}
	switch u.Scheme {
	case "smtp":
		if port == 0 {
			port = 587
		}
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "smtps":
		if port == 0 {
			port = 465
		}
		opts = append(opts, gomail.WithSSL())
	default:
		errs = append(errs, fmt.Errorf("mail: SMTP URL scheme %q is not smtp or smtps", u.Scheme))
	}
	opts = append(opts, gomail.WithPort(max(port, 1)))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(user),
			gomail.WithPassword(pass))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &SMTPSender{
		from:  cfg.From,
		now:   cfg.Now,
		opts:  opts,
		host:  host,
		descr: net.JoinHostPort(host, strconv.Itoa(port)),
	}, nil
}

// Send delivers one message. Errors name the server but never the password.
func (s *SMTPSender) Send(ctx context.Context, msg Message) error {
	m, err := compose(s.from, msg, s.now())
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("mail: SMTP client for %s: %w", s.descr, err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("mail: send via %s: %w", s.descr, err)
	}
	return nil
}

// mailboxRefused reports a server's permanent refusal of the recipient's
// mailbox at RCPT TO: a 5.1.x status (bad destination mailbox), or without
// enhanced codes 550, 551 or 553. Retrying cannot deliver it, so the queue
// gives up at once and the back office sees it on the failed list instead
// of it being retried forever unseen. Other permanent answers (relay or
// authentication refused, 5.7.x) are the server's configuration, not the
// address: those mails wait for the server to be fixed.
func mailboxRefused(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) || se.Reason != gomail.ErrSMTPRcptTo || se.IsTemp() {
		return false
	}
	if esc := se.EnhancedStatusCode(); esc != "" {
		return strings.HasPrefix(esc, "5.1.")
	}
	switch se.ErrorCode() {
	case 550, 551, 553:
		return true
	}
	return false
}
