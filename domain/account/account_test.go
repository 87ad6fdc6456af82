package account_test

import (
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/domaintest"
)

var (
	now        = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	system     = domain.Actor{Role: domain.RoleSystem}
	backoffice = domain.Actor{AccountID: "bo-1", Role: domain.RoleBackoffice}
	clientUser = domain.Actor{AccountID: "acc-c", Role: domain.RoleClient, ClientID: "c-1"}
	hashA      = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	hashB      = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

var code = domaintest.Code

var created = &account.Created{AccountID: "a-1", Email: "jan@example.nl", Role: domain.RoleWorker, WorkerID: "w-1", Language: "nl"}

func TestCreate(t *testing.T) {
	jan := account.Create{AccountID: "a-1", Email: "jan@example.nl", Role: domain.RoleWorker, WorkerID: "w-1"}
	// create is Jan's worker account created by actor, changed by edit.
	create := func(actor domain.Actor, edit func(*account.Create)) func(*account.Account) ([]domain.Event, error) {
		cmd := jan
		edit(&cmd)
		return func(a *account.Account) ([]domain.Event, error) { return a.Create(actor, cmd, now) }
	}
	as := func(c account.Create) func(*account.Create) { return func(cmd *account.Create) { *cmd = c } }
	same := func(*account.Create) {}
	domaintest.Cases(t, []domaintest.Case[*account.Account]{
		{Name: "worker account", When: create(system, func(c *account.Create) { c.Email = " Jan@Example.NL " }), Want: []domain.Event{created}},
		{Name: "client contact in English",
			When: create(backoffice, as(account.Create{AccountID: "a-2", Email: "inkoop@bakkerij.nl", Role: domain.RoleClient, ClientID: "c-1", Language: "en"})),
			Want: []domain.Event{&account.Created{AccountID: "a-2", Email: "inkoop@bakkerij.nl", Role: domain.RoleClient, ClientID: "c-1", Language: "en"}}},
		{Name: "backoffice user has no tenant",
			When: create(backoffice, as(account.Create{AccountID: "a-3", Email: "piet@bureau.nl", Role: domain.RoleBackoffice})),
			Want: []domain.Event{&account.Created{AccountID: "a-3", Email: "piet@bureau.nl", Role: domain.RoleBackoffice, Language: "nl"}}},
		{Name: "client user may not", When: create(clientUser, same), WantErr: account.Forbidden},
		{Name: "exists", Given: []domain.Event{created}, When: create(system, same), WantErr: code("account_exists")},
		{Name: "bad email", When: create(system, func(c *account.Create) { c.Email = "jan" }), WantErr: code("email_format")},
		{Name: "token roles are not accounts", When: create(system, func(c *account.Create) { c.Role, c.WorkerID = domain.RolePayroll, "" }), WantErr: code("role")},
		{Name: "missing tenant", When: create(system, func(c *account.Create) { c.Role, c.WorkerID = domain.RoleClient, "" }), WantErr: code("required")},
		{Name: "two tenants", When: create(system, func(c *account.Create) { c.Role, c.ClientID = domain.RoleClient, "c-1" }), WantErr: code("tenant_mismatch")},
		{Name: "backoffice with tenant", When: create(system, func(c *account.Create) { c.Role, c.WorkerID, c.ClientID = domain.RoleBackoffice, "", "c-1" }),
			WantErr: code("tenant_mismatch")},
		{Name: "bad language", When: create(system, func(c *account.Create) { c.Language = "fr" }), WantErr: code("language")},
		{Name: "bad id", When: create(system, func(c *account.Create) { c.AccountID = "a 1" }), WantErr: code("id_format")},
	})
	// A missing tenant is refused at the field of the ID its role needs.
	for role, field := range map[domain.Role]string{domain.RoleIntermediary: "intermediary_id", domain.RoleClient: "client_id", domain.RoleWorker: "worker_id"} {
		_, err := new(account.Account).Create(system, account.Create{AccountID: "a-4", Email: "x@example.nl", Role: role}, now)
		if de, ok := err.(*domain.Error); !ok || de.Code != "required" || de.Field != field {
			t.Errorf("%s without tenant: %v, want required at %s", role, err, field)
		}
	}
}

// TestLegacyTokenEventsFold: streams written before the links' tokens moved
// to commands/auth hold account.activation_issued and
// account.password_reset_requested. They still fold (events are forever),
// change nothing, and the decisions after them are the ones without them.
func TestLegacyTokenEventsFold(t *testing.T) {
	issued := &account.ActivationIssued{AccountID: "a-1", TokenHash: hashA, ExpiresAt: now.Add(72 * time.Hour)}
	requested := &account.PasswordResetRequested{AccountID: "a-1", TokenHash: hashB, ExpiresAt: now.Add(2 * time.Hour)}
	activated := &account.Activated{AccountID: "a-1"}
	domaintest.Cases(t, []domaintest.Case[*account.Account]{
		{Name: "a link issued the old way does not activate", Given: []domain.Event{created, issued},
			When: recordSet(false), Want: []domain.Event{activated}},
		{Name: "an old activation, reset and reissued link", Given: []domain.Event{created, issued, activated, requested, viaReset, issued, requested},
			When: recordSet(true), Want: []domain.Event{viaReset}},
		{Name: "change own after old links", Given: []domain.Event{created, issued, activated, requested},
			When: changePassword(owner), Want: []domain.Event{&account.PasswordChanged{AccountID: "a-1"}}},
		{Name: "an old link does not make a disabled account usable", Given: []domain.Event{created, issued, activated, &account.Disabled{AccountID: "a-1"}, requested},
			When: changePassword(owner), WantErr: code("account_disabled")},
	})
	a, err := domain.Replay[account.Account](created, issued, requested)
	if err != nil {
		t.Fatal(err)
	}
	if a.Activated() || a.CanLogIn() {
		t.Fatal("the legacy link events activated the account")
	}
}

// The password decisions of the tests above and below: the account's owner
// and what the credentials store records.
var (
	owner    = domain.Actor{AccountID: "a-1", Role: domain.RoleWorker, WorkerID: "w-1"}
	viaReset = &account.PasswordChanged{AccountID: "a-1", ViaReset: true}
)

func recordSet(reset bool) func(*account.Account) ([]domain.Event, error) {
	return func(a *account.Account) ([]domain.Event, error) { return a.RecordPasswordSet(reset, now) }
}

func changePassword(actor domain.Actor) func(*account.Account) ([]domain.Event, error) {
	return func(a *account.Account) ([]domain.Event, error) { return a.ChangePassword(actor, now) }
}

func TestPassword(t *testing.T) {
	active := []domain.Event{created,
		&account.ActivationIssued{AccountID: "a-1", TokenHash: hashA, ExpiresAt: now.Add(time.Hour)},
		&account.Activated{AccountID: "a-1"}}
	with := func(extra ...domain.Event) []domain.Event {
		return append(append([]domain.Event{}, active...), extra...)
	}
	activated := []domain.Event{&account.Activated{AccountID: "a-1"}}
	domaintest.Cases(t, []domaintest.Case[*account.Account]{
		{Name: "change own", Given: active, When: changePassword(owner), Want: []domain.Event{&account.PasswordChanged{AccountID: "a-1"}}},
		{Name: "change other's", Given: active, When: changePassword(backoffice), WantErr: account.Forbidden},
		// RecordPasswordSet: the credentials store checked the link's token.
		{Name: "first password activates", Given: []domain.Event{created}, When: recordSet(false), Want: activated},
		{Name: "a reset link before activation activates too", Given: []domain.Event{created}, When: recordSet(true), Want: activated},
		{Name: "reset link after activation changes the password", Given: active, When: recordSet(true), Want: []domain.Event{viaReset}},
		{Name: "activation link used again records nothing", Given: active, When: recordSet(false)},
		{Name: "a second reset is recorded again", Given: with(viaReset), When: recordSet(true), Want: []domain.Event{viaReset}},
		{Name: "reset after a block and unblock", Given: with(&account.Disabled{AccountID: "a-1"}, &account.Enabled{AccountID: "a-1"}),
			When: recordSet(true), Want: []domain.Event{viaReset}},
		{Name: "password of no account", When: recordSet(false), WantErr: domain.ErrNotFound},
	})
}

func TestDisableEnable(t *testing.T) {
	disabled := &account.Disabled{AccountID: "a-1", Reason: "uit dienst"}
	tests := []domaintest.Case[*account.Account]{
		{Name: "disable", Given: []domain.Event{created}, When: func(a *account.Account) ([]domain.Event, error) {
			return a.Disable(backoffice, " uit  dienst ", now)
		}, Want: []domain.Event{disabled}},
		{Name: "disable twice", Given: []domain.Event{created, disabled}, When: func(a *account.Account) ([]domain.Event, error) {
			return a.Disable(backoffice, "", now)
		}, WantErr: code("already_disabled")},
		{Name: "disable by client", Given: []domain.Event{created}, When: func(a *account.Account) ([]domain.Event, error) {
			return a.Disable(clientUser, "", now)
		}, WantErr: account.Forbidden},
		{Name: "enable", Given: []domain.Event{created, disabled}, When: func(a *account.Account) ([]domain.Event, error) {
			return a.Enable(backoffice, now)
		}, Want: []domain.Event{&account.Enabled{AccountID: "a-1"}}},
		{Name: "enable active", Given: []domain.Event{created}, When: func(a *account.Account) ([]domain.Event, error) {
			return a.Enable(backoffice, now)
		}, WantErr: code("not_disabled")},
	}
	domaintest.Cases(t, tests)
}

func TestChangeLanguage(t *testing.T) {
	self := domain.Actor{AccountID: "a-1", Role: domain.RoleWorker, WorkerID: "w-1", Language: "nl"}
	otherWorker := domain.Actor{AccountID: "a-9", Role: domain.RoleWorker, WorkerID: "w-9"}
	toEN := &account.LanguageChanged{AccountID: "a-1", Language: "en"}
	change := func(actor domain.Actor, lang string) func(*account.Account) ([]domain.Event, error) {
		return func(a *account.Account) ([]domain.Event, error) { return a.ChangeLanguage(actor, lang, now) }
	}
	tests := []domaintest.Case[*account.Account]{
		{Name: "own account to English", Given: []domain.Event{created}, When: change(self, "en"), Want: []domain.Event{toEN}},
		{Name: "case and space ignored", Given: []domain.Event{created}, When: change(self, " EN "), Want: []domain.Event{toEN}},
		{Name: "back to Dutch", Given: []domain.Event{created, toEN}, When: change(self, "nl"),
			Want: []domain.Event{&account.LanguageChanged{AccountID: "a-1", Language: "nl"}}},
		{Name: "same language records nothing", Given: []domain.Event{created}, When: change(self, "nl")},
		{Name: "same after a change records nothing", Given: []domain.Event{created, toEN}, When: change(self, "en")},
		{Name: "back office may", Given: []domain.Event{created}, When: change(backoffice, "en"), Want: []domain.Event{toEN}},
		{Name: "system may", Given: []domain.Event{created}, When: change(system, "en"), Want: []domain.Event{toEN}},
		{Name: "back office on a disabled account", Given: []domain.Event{created, &account.Disabled{AccountID: "a-1"}},
			When: change(backoffice, "en"), Want: []domain.Event{toEN}},
		{Name: "client user may not", Given: []domain.Event{created}, When: change(clientUser, "en"), WantErr: account.Forbidden},
		{Name: "another worker may not", Given: []domain.Event{created}, When: change(otherWorker, "en"), WantErr: account.Forbidden},
		{Name: "anonymous may not", Given: []domain.Event{created}, When: change(domain.Actor{Role: domain.RoleWorker}, "en"), WantErr: account.Forbidden},
		{Name: "french refused", Given: []domain.Event{created}, When: change(self, "fr"), WantErr: code("language")},
		{Name: "empty refused", Given: []domain.Event{created}, When: change(self, ""), WantErr: code("language")},
		{Name: "needs account", When: change(backoffice, "en"), WantErr: domain.ErrNotFound},
	}
	domaintest.Cases(t, tests)
	a, err := domain.Replay[account.Account](created, toEN)
	if err != nil {
		t.Fatal(err)
	}
	if a.Language() != "en" || a.Actor().Language != "en" {
		t.Fatalf("language not folded: %q %+v", a.Language(), a.Actor())
	}
}

func TestAccountState(t *testing.T) {
	a, err := domain.Replay[account.Account](created,
		&account.ActivationIssued{AccountID: "a-1", TokenHash: hashA, ExpiresAt: now},
		&account.Activated{AccountID: "a-1"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.CanLogIn() || a.Email() != "jan@example.nl" || a.Role() != domain.RoleWorker || account.Stream("a-1") != "account-a-1" {
		t.Fatal("state not folded")
	}
	if got := a.Actor(); got != (domain.Actor{AccountID: "a-1", Role: domain.RoleWorker, WorkerID: "w-1", Language: "nl"}) {
		t.Fatalf("actor %+v", got)
	}
	if _, err := domain.Replay[account.Account](&account.TokenCreated{}); err == nil {
		t.Fatal("foreign event applied")
	}
}

func TestToken(t *testing.T) {
	created := &account.TokenCreated{TokenID: "t-1", Kind: account.TokenPayroll, Label: "Loket export"}
	tests := []domaintest.Case[*account.Token]{
		{Name: "create", When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.Create(backoffice, account.CreateToken{TokenID: "t-1", Kind: account.TokenPayroll, Label: " Loket export"}, now)
		}, Want: []domain.Event{created}},
		{Name: "create by client", When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.Create(clientUser, account.CreateToken{TokenID: "t-1", Kind: account.TokenPayroll, Label: "x"}, now)
		}, WantErr: account.Forbidden},
		{Name: "unknown kind", When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.Create(backoffice, account.CreateToken{TokenID: "t-1", Kind: "backoffice", Label: "x"}, now)
		}, WantErr: code("token_kind")},
		{Name: "no label", When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.Create(backoffice, account.CreateToken{TokenID: "t-1", Kind: account.TokenAuditor}, now)
		}, WantErr: code("required")},
		{Name: "create twice", Given: []domain.Event{created}, When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.Create(backoffice, account.CreateToken{TokenID: "t-1", Kind: account.TokenPayroll, Label: "x"}, now)
		}, WantErr: code("token_exists")},
		{Name: "revoke", Given: []domain.Event{created}, When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.Revoke(backoffice, "gelekt", now)
		}, Want: []domain.Event{&account.TokenRevoked{TokenID: "t-1", Reason: "gelekt"}}},
		{Name: "revoke twice", Given: []domain.Event{created, &account.TokenRevoked{TokenID: "t-1"}}, When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.Revoke(backoffice, "", now)
		}, WantErr: code("already_revoked")},
		{Name: "revoke unknown", When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.Revoke(backoffice, "", now)
		}, WantErr: domain.ErrNotFound},
		{Name: "never activated", Given: []domain.Event{created}, When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.RevokeNeverActivated(system, now)
		}, Want: []domain.Event{&account.TokenRevoked{TokenID: "t-1", Cause: account.RevokeNeverActivated}}},
		{Name: "never activated by the back office", Given: []domain.Event{created}, When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.RevokeNeverActivated(backoffice, now)
		}, WantErr: account.Forbidden},
		{Name: "never activated, already revoked", Given: []domain.Event{created, &account.TokenRevoked{TokenID: "t-1"}}, When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.RevokeNeverActivated(system, now)
		}, WantErr: code("already_revoked")},
		{Name: "never activated, unknown", When: func(tk *account.Token) ([]domain.Event, error) {
			return tk.RevokeNeverActivated(system, now)
		}, WantErr: domain.ErrNotFound},
	}
	domaintest.Cases(t, tests)
	tk, _ := domain.Replay[account.Token](created)
	if !tk.Active() || tk.Actor().Role != domain.RolePayroll || tk.Kind() != account.TokenPayroll {
		t.Fatal("token state")
	}
	tk, _ = domain.Replay[account.Token](created, &account.TokenRevoked{TokenID: "t-1"})
	if revoked, cause := tk.Revoked(); tk.Active() || !revoked || cause != "" {
		t.Fatalf("revoked by the back office: active %v, revoked %v, cause %q", tk.Active(), revoked, cause)
	}
	tk, _ = domain.Replay[account.Token](created, &account.TokenRevoked{TokenID: "t-1", Cause: account.RevokeNeverActivated})
	if revoked, cause := tk.Revoked(); tk.Active() || !revoked || cause != account.RevokeNeverActivated {
		t.Fatalf("never activated: active %v, revoked %v, cause %q", tk.Active(), revoked, cause)
	}
}

func TestEventsRoundTrip(t *testing.T) {
	samples := []domain.Event{
		created,
		&account.ActivationIssued{AccountID: "a-1", TokenHash: hashA, ExpiresAt: now},
		&account.Activated{AccountID: "a-1"},
		&account.PasswordResetRequested{AccountID: "a-1", TokenHash: hashB, ExpiresAt: now},
		&account.PasswordChanged{AccountID: "a-1", ViaReset: true},
		&account.Disabled{AccountID: "a-1", Reason: "r"},
		&account.Enabled{AccountID: "a-1"},
		&account.LanguageChanged{AccountID: "a-1", Language: "en"},
		&account.TokenCreated{TokenID: "t-1", Kind: account.TokenAuditor, Label: "l"},
		&account.TokenRevoked{TokenID: "t-1", Reason: "r"},
		&account.TokenRevoked{TokenID: "t-1", Cause: account.RevokeNeverActivated},
		&account.MobileChanged{AccountID: "a-1", MaskedMobile: "+31 6 ••• ••78"},
	}
	domaintest.RoundTrip(t, account.Events, samples...)
}
