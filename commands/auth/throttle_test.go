package auth_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"backoffice/commands/auth"
	"backoffice/domain"
)

// A source that keeps guessing one account gets a few free failures, then
// must wait 1 s, 2 s, 4 s ... after each one; an attempt before the wait is
// over is refused without checking the password, even the right one.
func TestLoginDelayIsEnforcedPerAccountAndSource(t *testing.T) {
	ctx, s, _ := withJan(t, auth.Config{})
	const guesser = "198.51.100.66"

	for i := 1; i <= 5; i++ {
		_, _, err := s.Login(ctx, "jan@example.nl", fmt.Sprintf("fout-%d", i), guesser, t0)
		if !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
		if want := map[bool]time.Duration{true: time.Second}[i == 5]; auth.RetryAfter(err) != want {
			t.Errorf("failure %d: hint %v, want %v", i, auth.RetryAfter(err), want)
		}
	}
	// Too early: refused unchecked, the right password included.
	_, _, err := s.Login(ctx, janEmail, janPassword, guesser, t0.Add(500*time.Millisecond))
	var de *domain.Error
	if !errors.Is(err, auth.ErrTooManyAttempts) || domain.KindOf(err) != domain.KindTooMany || !errors.As(err, &de) || de.MessageNL == "" {
		t.Fatalf("attempt within the delay: %v", err)
	}
	if got := auth.RetryAfter(err); got != 500*time.Millisecond {
		t.Errorf("RetryAfter = %v, want 500ms", got)
	}
	// The refusal did not extend the wait: at t0+1s the next guess is
	// checked, and the wait doubles.
	at := t0.Add(time.Second)
	_, _, err = s.Login(ctx, "jan@example.nl", "fout-6", guesser, at)
	if !errors.Is(err, auth.ErrInvalidCredentials) || auth.RetryAfter(err) != 2*time.Second {
		t.Fatalf("6th guess after the delay: %v", err)
	}
	if _, _, err := s.Login(ctx, "jan@example.nl", "fout-7", guesser, at.Add(time.Second)); !errors.Is(err, auth.ErrTooManyAttempts) {
		t.Fatalf("7th guess 1 s later (2 s required): %v", err)
	}
	// The real user on another source is not slowed at all.
	if _, _, err := s.Login(ctx, janEmail, janPassword, "203.0.113.9", at); err != nil {
		t.Fatalf("the owner from another source: %v", err)
	}
	// The guesser's own right password works once its wait is over, and
	// clears its delay.
	at = at.Add(2 * time.Second)
	if _, _, err := s.Login(ctx, janEmail, janPassword, guesser, at); err != nil {
		t.Fatalf("right password after the delay: %v", err)
	}
	if _, _, err := s.Login(ctx, "jan@example.nl", "fout", guesser, at); auth.RetryAfter(err) != 0 {
		t.Errorf("a success did not clear the delay: %v", err)
	}
}

// Issue 10 §4: attempt 101 on an account used to be refused for an hour
// even with the right password, from anywhere.
func TestStrangersCannotLockAnAccount(t *testing.T) {
	ctx, s, _ := withJan(t, auth.Config{})
	for i := range 150 {
		_, _, err := s.Login(ctx, "jan@example.nl", "fout", fmt.Sprintf("198.51.%d.%d", i/250, i%250+1), t0)
		if !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if _, _, err := s.Login(ctx, janEmail, janPassword, "203.0.113.9", t0); err != nil {
		t.Fatalf("the owner from a source without failures: %v", err)
	}
	// Under a distributed attack a new source gets one free failure, then
	// waits.
	const newcomer = "192.0.2.200"
	_, _, err := s.Login(ctx, "jan@example.nl", "fout", newcomer, t0)
	if !errors.Is(err, auth.ErrInvalidCredentials) || auth.RetryAfter(err) != time.Second {
		t.Fatalf("newcomer's first failure: %v (hint %v)", err, auth.RetryAfter(err))
	}
	if _, _, err := s.Login(ctx, "jan@example.nl", "fout", newcomer, t0); !errors.Is(err, auth.ErrTooManyAttempts) {
		t.Fatalf("newcomer's second attempt at once: %v", err)
	}
}

// The rate documented in docs/identity.md: a guesser that waits exactly as
// long as it is told gets 17 guesses at one account in the first hour and
// 4 an hour after that.
func TestGuessingRateFromOneSource(t *testing.T) {
	ctx, s, _ := withJan(t, auth.Config{})
	checked := map[int]int{} // hour → guesses whose password was checked
	at := t0
	for at.Before(t0.Add(3 * time.Hour)) {
		_, _, err := s.Login(ctx, "jan@example.nl", "fout", "198.51.100.66", at)
		switch {
		case errors.Is(err, auth.ErrInvalidCredentials):
			checked[int(at.Sub(t0)/time.Hour)]++
			at = at.Add(auth.RetryAfter(err))
		case errors.Is(err, auth.ErrTooManyAttempts):
			t.Fatalf("refused at %v although it waited as told", at.Sub(t0))
		default:
			t.Fatal(err)
		}
	}
	if checked[0] != 17 || checked[1] != 4 || checked[2] != 4 {
		t.Errorf("guesses per hour = %v, want 17, 4, 4", checked)
	}
}

func TestLoginThrottlePerSource(t *testing.T) {
	ctx, s, pool := withJan(t, auth.Config{MaxFailuresPerIP: 5})
	const ip = "192.0.2.77"
	for i := range 5 {
		// Different (unknown) addresses from one IP: credential stuffing.
		_, _, err := s.Login(ctx, fmt.Sprintf("user%d@example.nl", i), "wachtwoord", ip, t0.Add(time.Duration(i)*time.Minute))
		if !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	_, _, err := s.Login(ctx, janEmail, janPassword, ip, t0.Add(5*time.Minute))
	if !errors.Is(err, auth.ErrTooManyAttempts) {
		t.Errorf("6th attempt from the IP: %v", err)
	}
	// Refused until a window after the source's last failure (t0+4m).
	if got, want := auth.RetryAfter(err), time.Hour-time.Minute; got != want {
		t.Errorf("RetryAfter = %v, want %v", got, want)
	}
	if _, _, err := s.Login(ctx, janEmail, janPassword, "192.0.2.78", t0); err != nil {
		t.Errorf("other IP refused: %v", err)
	}
	// Several instances share the counts: a second Service sees them.
	s2, err := auth.New(pool, auth.Config{Params: fastParams, MaxFailuresPerIP: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s2.Login(ctx, janEmail, janPassword, ip, t0.Add(10*time.Minute)); !errors.Is(err, auth.ErrTooManyAttempts) {
		t.Errorf("other instance: %v", err)
	}
	if _, _, err := s2.Login(ctx, janEmail, janPassword, ip, t0.Add(time.Hour+4*time.Minute)); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

// Concurrent attempts of one source queue on its counters: no more than the
// free failures are checked at once.
func TestConcurrentGuessesCannotSlipPastTheDelay(t *testing.T) {
	ctx, s, _ := withJan(t, auth.Config{})
	errs := make(chan error, 40)
	for range 40 {
		go func() {
			_, _, err := s.Login(ctx, "jan@example.nl", "fout", "198.51.100.66", t0)
			errs <- err
		}()
	}
	checked := 0
	for range 40 {
		err := <-errs
		switch {
		case errors.Is(err, auth.ErrInvalidCredentials):
			checked++
		case !errors.Is(err, auth.ErrTooManyAttempts):
			t.Error(err)
		}
	}
	if checked != 5 {
		t.Errorf("%d guesses checked at once, want 5", checked)
	}
}

func TestUnknownEmailIsIndistinguishable(t *testing.T) {
	ctx, s, pool := withJan(t, auth.Config{})
	if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-2", Email: "nieuw@example.nl", Role: domain.RoleWorker}); err != nil {
		t.Fatal(err)
	}
	if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-3", Email: "weg@example.nl", Role: domain.RoleWorker, Disabled: true}); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"wrong password":  "jan@example.nl",
		"unknown e-mail":  "niemand@example.nl",
		"not activated":   "nieuw@example.nl",
		"disabled":        "weg@example.nl",
		"empty e-mail":    "",
		"unknown (caps)":  "NIEMAND2@example.nl",
		"no such domain!": "x@y",
	}
	var first string
	for name, email := range cases {
		_, _, err := s.Login(ctx, email, "fout-wachtwoord", "", t0)
		var re *auth.RetryError
		if !errors.As(err, &re) || re.Err != auth.ErrInvalidCredentials || re.RetryAfter != 0 {
			t.Errorf("%s: %#v", name, err)
			continue
		}
		if first == "" {
			first = err.Error()
		} else if err.Error() != first {
			t.Errorf("%s: error %q differs from %q", name, err, first)
		}
	}
}

// An IPv6 client picks any address of its /64: the source is the /64.
func TestIPv6SourceIsItsSlash64(t *testing.T) {
	ctx, s, _ := withJan(t, auth.Config{})
	for i := range 5 {
		ip := fmt.Sprintf("2001:db8:1:2::%x", i+1)
		if _, _, err := s.Login(ctx, "jan@example.nl", "fout", ip, t0); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if _, _, err := s.Login(ctx, "jan@example.nl", "fout", "2001:db8:1:2:ffff::9", t0); !errors.Is(err, auth.ErrTooManyAttempts) {
		t.Fatalf("another address of the same /64: %v", err)
	}
	if _, _, err := s.Login(ctx, janEmail, janPassword, "2001:db8:1:3::1", t0); err != nil {
		t.Fatalf("the next /64: %v", err)
	}
}

// An e-mail address longer than any account can have (a hostile client
// posts megabytes) is an unknown address, counted and delayed like any
// other: its throttle keys must fit PostgreSQL's index (it answered 500,
// "index row size exceeds btree maximum"), and the right password with
// the real address plus junk must not log in.
func TestOverlongEmailIsAnUnknownEmail(t *testing.T) {
	ctx, s, _ := withJan(t, auth.Config{})
	const guesser = "198.51.100.67"
	long := janEmail + strings.Repeat("x", 1<<20)
	for i := 1; i <= 5; i++ {
		_, _, err := s.Login(ctx, long, janPassword, guesser, t0)
		if !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if _, _, err := s.Login(ctx, long, janPassword, guesser, t0); !errors.Is(err, auth.ErrTooManyAttempts) {
		t.Fatalf("6th attempt at once: %v, want it throttled like any address", err)
	}
	// Another over-long address is another (unknown) address, and Jan
	// himself is not slowed by it.
	if _, _, err := s.Login(ctx, strings.Repeat("y", 300)+"@example.nl", "fout", guesser, t0); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("another over-long address: %v", err)
	}
	// Addresses PostgreSQL cannot store as text (NUL, invalid UTF-8) are
	// unknown addresses too, not a 500.
	for _, bad := range []string{janEmail + "\x00", "jan\xff@example.nl", "\x00"} {
		if _, _, err := s.Login(ctx, bad, janPassword, "198.51.100.68", t0); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("login as %q: %v, want invalid credentials", bad, err)
		}
	}
	if _, _, err := s.Login(ctx, janEmail, janPassword, guesser, t0); err != nil {
		t.Fatalf("Jan after the over-long attempts: %v", err)
	}
}
