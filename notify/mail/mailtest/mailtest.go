// Package mailtest runs an in-process SMTP server on 127.0.0.1 that records
// every message it receives, for tests of mail delivery (unit and
// end-to-end). It offers no TLS and no AUTH: point an SMTPSender at URL()
// without user info.
package mailtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"backoffice/notify/mail/internal/eml"
)

// Received is one delivered message.
type Received struct {
	From    string   // envelope sender
	Rcpt    []string // envelope recipients
	Raw     []byte   // the message as received
	To      []string // To header addresses
	Subject string   // decoded
	Text    string   // decoded text/plain part
	HTML    string   // decoded text/html part
}

// Server is a recording SMTP server.
type Server struct {
	srv  *smtp.Server
	ln   net.Listener
	done chan struct{}

	mu      sync.Mutex
	msgs    []Received
	changed chan struct{} // closed and replaced on every new message
	reject  func(Received) error
	refuse  func(rcpt string) error
}

// Start starts a server on 127.0.0.1:0. Close it when done.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mailtest: listen: %w", err)
	}
	s := &Server{ln: ln, done: make(chan struct{}), changed: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.srv.Domain = "mailtest.localhost"
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ErrorLog = discardLogger{}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// New starts a server that is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is the smtp:// URL for mail.SMTPConfig.
func (s *Server) URL() string { return "smtp://" + s.Addr() }

// Close stops the server and waits for it. It closes the listener itself:
// go-smtp's Close only closes the listeners Serve has registered, and right
// after Start (a test failing early) the Serve goroutine may not have run yet,
// so Serve would then block in Accept forever.
func (s *Server) Close() error {
	err := s.srv.Close()
	if lerr := s.ln.Close(); lerr != nil && !errors.Is(lerr, net.ErrClosed) && err == nil {
		err = lerr
	}
	<-s.done
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// RejectWith makes the server answer DATA with the error fn returns (nil
// accepts), to test failures. The rejected message is not recorded.
func (s *Server) RejectWith(fn func(Received) error) {
	s.mu.Lock()
	s.reject = fn
	s.mu.Unlock()
}

// RefuseRcpt makes the server answer RCPT TO with the error fn returns
// for that address (nil accepts): a mailbox that does not exist
// (RefusedMailbox) or a server that is busy (BusyMailbox).
func (s *Server) RefuseRcpt(fn func(rcpt string) error) {
	s.mu.Lock()
	s.refuse = fn
	s.mu.Unlock()
}

// RefusedMailbox is the permanent refusal of a mailbox that does not exist
// (550 5.1.1), as Postfix answers it: the reply names the address.
func RefusedMailbox(rcpt string) error {
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "<" + rcpt + ">: Recipient address rejected: User unknown in virtual mailbox table"}
}

// BusyMailbox is a temporary refusal (450 4.2.1): try again later.
func BusyMailbox(rcpt string) error {
	return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1},
		Message: "<" + rcpt + ">: Mailbox busy, try again later"}
}

// Messages returns a copy of everything received so far, in order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor blocks until a received message satisfies match (including one
// that arrived before the call) and returns it, or until ctx ends.
func (s *Server) WaitFor(ctx context.Context, match func(Received) bool) (Received, error) {
	seen := 0
	for {
		s.mu.Lock()
		msgs := s.msgs[seen:]
		changed := s.changed
		s.mu.Unlock()
		for _, m := range msgs {
			if match(m) {
				return m, nil
			}
		}
		seen += len(msgs)
		select {
		case <-changed:
		case <-ctx.Done():
			return Received{}, fmt.Errorf("mailtest: no matching message among %d received: %w", seen, ctx.Err())
		}
	}
}

// To matches messages for the recipient (envelope, case-insensitive).
func To(addr string) func(Received) bool {
	return func(r Received) bool {
		for _, a := range r.Rcpt {
			if strings.EqualFold(a, addr) {
				return true
			}
		}
		return false
	}
}

func (s *Server) record(r Received) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reject != nil {
		if err := s.reject(r); err != nil {
			return err
		}
	}
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

type session struct {
	s    *Server
	from string
	rcpt []string
}

func (ss *session) Reset()        { ss.from, ss.rcpt = "", nil }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	refuse := ss.s.refuse
	ss.s.mu.Unlock()
	if refuse != nil {
		if err := refuse(to); err != nil {
			return err
		}
	}
	ss.rcpt = append(ss.rcpt, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec := Received{From: ss.from, Rcpt: append([]string(nil), ss.rcpt...), Raw: raw}
	if p, err := eml.Parse(bytes.NewReader(raw)); err == nil {
		rec.To, rec.Subject, rec.Text, rec.HTML = p.To, p.Subject, p.Text, p.HTML
	}
	return ss.s.record(rec)
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...interface{}) {}
func (discardLogger) Println(...interface{})        {}
