package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// SpryngURL is the base URL of Spryng's REST API.
const SpryngURL = "https://rest.spryngsms.com/v1"

// SpryngConfig configures the Spryng adapter. URL, Token and Originator are
// required.
type SpryngConfig struct {
	// URL is the API's base; POST <URL>/messages sends (BACKOFFICE_SMS_URL).
	URL string
	// Token is the REST API key, sent as "Authorization: Bearer <token>"
	// (BACKOFFICE_SMS_TOKEN). A secret: never logged.
	Token string
	// Originator is the sender shown on the phone (BACKOFFICE_SMS_SENDER):
	// at most 11 letters and digits, or a number of at most 16 digits.
	Originator string
	// Route is Spryng's route; default "business".
	Route string
	// Attempts bounds the tries of one Send (default 3). Only a timeout, a
	// network error, 429 or a 5xx is tried again.
	Attempts int
	// Backoff is the wait before try n+1 (n >= 1); default 500 ms doubling.
	Backoff func(n int) time.Duration
	// Timeout bounds one try (default 5 s).
	Timeout time.Duration
	// Client defaults to a client without redirects.
	Client *http.Client
}

var originatorPattern = regexp.MustCompile(`^([A-Za-z0-9 ]{1,11}|\+?[0-9]{1,16})$`)

// Validate reports every problem at once (without the token).
func (c SpryngConfig) Validate() error {
	var errs []error
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		errs = append(errs, errors.New("sms: the gateway URL must be an absolute http(s) URL without credentials"))
	}
	if strings.TrimSpace(c.Token) == "" {
		errs = append(errs, errors.New("sms: the gateway token is empty"))
	}
	if !originatorPattern.MatchString(c.Originator) {
		errs = append(errs, errors.New("sms: the sender must be at most 11 letters and digits, or a number of at most 16 digits"))
	}
	if c.Attempts < 0 || c.Timeout < 0 {
		errs = append(errs, errors.New("sms: attempts and timeout must not be negative"))
	}
	return errors.Join(errs...)
}

// Spryng sends through Spryng's REST API (POST /messages, JSON, bearer
// token). It is safe for concurrent use.
type Spryng struct{ cfg SpryngConfig }

// NewSpryng checks cfg and fills in defaults.
func NewSpryng(cfg SpryngConfig) (*Spryng, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	if cfg.Route == "" {
		cfg.Route = "business"
	}
	if cfg.Attempts == 0 {
		cfg.Attempts = 3
	}
	if cfg.Backoff == nil {
		cfg.Backoff = func(n int) time.Duration { return 500 * time.Millisecond << (n - 1) }
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &Spryng{cfg: cfg}, nil
}

// spryngMessage is the body of POST /messages.
type spryngMessage struct {
	Encoding   string   `json:"encoding"`
	Body       string   `json:"body"`
	Route      string   `json:"route"`
	Originator string   `json:"originator"`
	Recipients []string `json:"recipients"` // digits with country code, no "+"
}

// Send posts msg, trying again (bounded by Attempts, with back-off) after a
// timeout, a network error, 429 or a 5xx. Any other 4xx is a
// *RejectedError at once. Errors never hold the number, the text or the
// token. When ctx ends, the error wraps ctx.Err().
func (s *Spryng) Send(ctx context.Context, msg Message) error {
	if err := msg.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(spryngMessage{Encoding: "auto", Body: msg.Body, Route: s.cfg.Route,
		Originator: s.cfg.Originator, Recipients: []string{strings.TrimPrefix(msg.To, "+")}})
	if err != nil {
		return fmt.Errorf("sms: encode: %w", err)
	}
	var last error
	for n := 1; n <= s.cfg.Attempts; n++ {
		if n > 1 {
			t := time.NewTimer(s.cfg.Backoff(n - 1))
			select {
			case <-ctx.Done():
				t.Stop()
				return errors.Join(last, ctx.Err())
			case <-t.C:
			}
		}
		last = s.try(ctx, body)
		if last == nil || Rejected(last) {
			return last
		}
		if err := ctx.Err(); err != nil {
			// Ended during the try: say so even when the gateway's
			// answer (a 5xx) arrived first, as during the back-off.
			if errors.Is(last, err) {
				return last
			}
			return errors.Join(last, err)
		}
	}
	return fmt.Errorf("sms: gave up after %d attempts: %w", s.cfg.Attempts, last)
}

func (s *Spryng) try(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL+"/messages", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sms: request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+s.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := s.cfg.Client.Do(req)
	if err != nil {
		// *url.Error names the URL (no secret in it) and the cause.
		return fmt.Errorf("sms: the gateway did not answer: %w", unwrapURLError(err))
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // the answer is not needed
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return nil
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return fmt.Errorf("sms: the gateway answered HTTP %d", res.StatusCode)
	default:
		return &RejectedError{Status: res.StatusCode}
	}
}

// unwrapURLError keeps the cause of a *url.Error (its text repeats the
// method and URL).
func unwrapURLError(err error) error {
	var u *url.Error
	if errors.As(err, &u) {
		return u.Err
	}
	return err
}
