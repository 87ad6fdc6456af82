package document_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	"backoffice/domain/account"
)

// ask: the back office asks kees (client1) to sign a new document.
func ask(t *testing.T, e *dt.Env, title string) string {
	t.Helper()
	return e.AskToSign(t, title)
}

// TestSetAccountMobile: the account itself or the back office, a mobile
// number only, normalised; others do not find the account.
func TestSetAccountMobile(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	if got, err := e.Identity.Profile.MobileOf(ctx, e.Client1.AccountID); err != nil || got != "+31612345678" {
		t.Fatalf("the contact's registered number: %q, %v", got, err)
	}
	for _, tt := range []struct {
		actor   domain.Actor
		mobile  string
		wantErr error
	}{
		{e.Client2, "0611111111", domain.ErrNotFound},
		{e.Inter1, "0611111111", domain.ErrNotFound},
		{e.Client1, "020-1234567", code("mobile_format")},
		{e.Client1, "06-1234", code("phone_format")},
		{e.Backoffice, "06 11 11 11 11", nil},
	} {
		if _, err := e.Identity.Profile.SetAccountMobile(ctx, dt.Meta(tt.actor), e.Client1.AccountID, tt.mobile); !errors.Is(err, tt.wantErr) {
			t.Errorf("%s sets %q: %v, want %v", tt.actor.Role, tt.mobile, err, tt.wantErr)
		}
	}
	if got, _ := e.Identity.Profile.MobileOf(ctx, e.Client1.AccountID); got != "+31611111111" {
		t.Fatalf("after the back office's change: %q", got)
	}
	if _, err := e.Identity.Profile.SetMobile(ctx, dt.Meta(e.Client1), "+31 6 22 22 22 22"); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Identity.Profile.MobileOf(ctx, e.Client1.AccountID); got != "+31622222222" {
		t.Fatalf("after kees's own change: %q", got)
	}
	if got, _ := e.Identity.Profile.MobileOf(ctx, e.Client2.AccountID); got != "+31612345678" {
		t.Fatalf("piet's (untouched) number: %q", got)
	}
	// The trail: who changed it, masked, and nothing refused was recorded.
	var trail []string
	for _, ev := range e.Recorded(t, account.Stream(e.Client1.AccountID), account.TypeMobileChanged) {
		var c account.MobileChanged
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			t.Fatal(err)
		}
		trail = append(trail, ev.Metadata.ActorRole+" "+c.MaskedMobile)
		if strings.Contains(string(ev.Data), "11111111") || strings.Contains(string(ev.Data), "22222222") {
			t.Fatalf("the event holds the number: %s", ev.Data)
		}
	}
	if strings.Join(trail, "|") != "backoffice +31 6 ••• ••11|client +31 6 ••• ••22" {
		t.Fatalf("trail %q", trail)
	}
}

// TestSignLink: the mail's link opens the signing screen for the signer
// only; the token is stored hashed; a later request's mail replaces it.
func TestSignLink(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	kees := e.Emails["client1"]
	id := ask(t, e, "Contract")
	other := ask(t, e, "Ander contract")
	mail, tan := e.SignMail(t, kees, 1)
	token := dt.SignToken(mail)
	if token == "" || !strings.Contains(mail.Text, "/documenten/"+id+"/ondertekenen/"+token) {
		// The first mail may be about the other document (two requests).
		mail, tan = e.SignMail(t, kees, 2)
		token = dt.SignToken(mail)
	}
	if !strings.Contains(mail.Text, "/documenten/"+id+"/ondertekenen/"+token) {
		t.Fatalf("no link to %s:\n%s", id, mail.Text)
	}
	for _, tt := range []struct {
		name    string
		actor   domain.Actor
		doc     string
		token   string
		wantErr error
	}{
		{"the signer", e.Client1, id, token, nil},
		{"the back office", e.Backoffice, id, token, cmd.ErrSignLinkNotYours},
		{"the client's intermediary", e.Inter1, id, token, cmd.ErrSignLinkNotYours},
		{"another client's user", e.Client2, id, token, domain.ErrNotFound},
		{"a worker", e.Worker1, id, token, domain.ErrNotFound},
		{"a guessed token", e.Client1, id, strings.Repeat("A", 43), cmd.ErrSignLinkUnknown},
		{"a malformed token", e.Client1, id, "../" + token, cmd.ErrSignLinkUnknown},
		{"the token on another document", e.Client1, other, token, cmd.ErrSignLinkUnknown},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.Handler.OpenSignLink(ctx, tt.actor, tt.doc, tt.token); !errors.Is(err, tt.wantErr) {
				t.Fatalf("OpenSignLink = %v, want %v", err, tt.wantErr)
			}
		})
	}
	// Stored as its SHA-256 only.
	sum := sha256.Sum256([]byte(token))
	var n int
	var rows string
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE token_hash = $1), string_agg(t::text, ' ') FROM document_sign_links t`,
		sum[:]).Scan(&n, &rows); err != nil {
		t.Fatal(err)
	}
	if n != 1 || strings.Contains(rows, token) {
		t.Fatalf("%d rows with the token's hash; rows %s", n, rows)
	}
	// Declined, asked again: the old link belongs to the earlier request.
	if _, err := e.Handler.Decline(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan}); err != nil {
		t.Fatal(err)
	}
	res, err := e.AskClient1(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	if err := e.Handler.OpenSignLink(ctx, e.Client1, id, token); !errors.Is(err, cmd.ErrSignLinkReplaced) {
		t.Fatalf("the old link after a new request: %v", err)
	}
	fresh, _ := e.SignMail(t, kees, 3)
	if err := e.Handler.OpenSignLink(ctx, e.Client1, id, dt.SignToken(fresh)); err != nil {
		t.Fatalf("the new link: %v", err)
	}
}
