package linkmail_test

import (
	"testing"

	"backoffice/notify/linkmail"
)

// The request flow itself (unknown addresses answered alike, re-issued
// activation links, reset links, the cap under concurrency) is tested
// through the API: http/api/identityapi TestPasswordResetAndReissue and
// TestResetMailCapHoldsUnderConcurrency.

func TestPortalLinksEscapeTheToken(t *testing.T) {
	l := linkmail.PortalLinks("https://portal.example.nl/")
	if got, want := l.Activation("a+b/c="), "https://portal.example.nl/activeren?token=a%2Bb%2Fc%3D"; got != want {
		t.Errorf("Activation = %q, want %q", got, want)
	}
	if got, want := l.PasswordReset("x y"), "https://portal.example.nl/wachtwoord-herstellen?token=x+y"; got != want {
		t.Errorf("PasswordReset = %q, want %q", got, want)
	}
}

func TestNewRefusesMissingCollaborators(t *testing.T) {
	if _, err := linkmail.New(linkmail.Config{Links: linkmail.PortalLinks("https://p.test")}); err == nil {
		t.Fatal("New without Pool, Auth and Mail: no error")
	}
}
