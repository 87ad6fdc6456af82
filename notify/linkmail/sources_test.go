package linkmail

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

func TestSourcesCapPerHour(t *testing.T) {
	s := &sources{limit: 3, seen: map[string]*sourceWindow{}}
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for i := range 3 {
		if !s.admit("203.0.113.7", now) {
			t.Fatalf("request %d refused under the limit", i+1)
		}
	}
	if s.admit("203.0.113.7", now.Add(time.Minute)) {
		t.Fatal("the 4th request in the hour was admitted")
	}
	if !s.admit("203.0.113.8", now) {
		t.Fatal("another source was refused")
	}
	if !s.admit("203.0.113.7", now.Add(time.Hour)) {
		t.Fatal("refused an hour later")
	}
	// One IPv6 subscriber network (/64) is one source.
	for i, ip := range []string{"2001:db8::1", "2001:db8::2", "2001:db8::ffff:1"} {
		if !s.admit(ip, now) {
			t.Fatalf("request %d of the /64 refused", i+1)
		}
	}
	if s.admit("2001:db8::9", now) {
		t.Fatal("a 4th address of the same /64 was admitted")
	}
	if !s.admit("2001:db8:0:1::1", now) {
		t.Fatal("another /64 was refused")
	}
	for range 10 {
		if !s.admit("", now) {
			t.Fatal("a request without a known source address was counted")
		}
	}
}

func TestRequestRefusedWhenTooManyInFlight(t *testing.T) {
	s := &Requests{cfg: Config{Clock: time.Now, Log: slog.New(slog.DiscardHandler)}, inFlight: make(chan struct{}, 1),
		sources: &sources{limit: 20, seen: map[string]*sourceWindow{}}}
	s.inFlight <- struct{}{} // one request still being handled
	if err := s.Request(context.Background(), "kees@bakkerijbol.nl", "203.0.113.7"); !errors.Is(err, ErrTooManyRequests) {
		t.Fatalf("with every slot taken: %v, want ErrTooManyRequests", err)
	}
	if err := s.Request(context.Background(), "geen adres", "203.0.113.7"); err == nil || errors.Is(err, ErrTooManyRequests) {
		t.Fatalf("a malformed address: %v, want the address's own error", err)
	}
}
