package identity_test

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/intermediary"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	it "backoffice/internal/identitytest"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func key(t *testing.T) []byte {
	k := make([]byte, identity.MasterKeySize)
	_, _ = rand.Read(k)
	return k
}

// newVault is what a vault test starts with: the test's context and a
// vault with a random master key on a fresh database.
func newVault(t *testing.T) (context.Context, *identity.Vault, *pgxpool.Pool) {
	t.Helper()
	pool := it.NewDB(t)
	v, err := identity.NewVault(pool, key(t))
	if err != nil {
		t.Fatal(err)
	}
	return t.Context(), v, pool
}

func TestVault(t *testing.T) {
	ctx := context.Background()
	pool := it.NewDB(t)
	mk := key(t)
	v, err := identity.NewVault(pool, mk)
	if err != nil {
		t.Fatal(err)
	}
	pd := worker.PersonalData{BSN: "111222333", IBAN: "NL91ABNA0417164300", Mobile: "+31612345678"}
	if err := v.Put(ctx, "worker-1", pd); err != nil {
		t.Fatal(err)
	}
	var got worker.PersonalData
	if err := v.Get(ctx, "worker-1", &got); err != nil || got.BSN != pd.BSN || got.IBAN != pd.IBAN {
		t.Fatalf("round trip: %v %v", got.BSN, err)
	}
	// Nothing is stored in plain text.
	var raw []byte
	if err := pool.QueryRow(ctx, `SELECT ciphertext FROM personal_data WHERE subject_id = 'worker-1'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if containsAny(raw, "111222333", "NL91ABNA") {
		t.Fatal("plain text in the personal_data table")
	}
	// A ciphertext moved to another subject does not decrypt.
	if err := v.Put(ctx, "worker-2", worker.PersonalData{BSN: "123456782"}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE personal_data SET ciphertext = $1 WHERE subject_id = 'worker-2'`, raw); err != nil {
		t.Fatal(err)
	}
	if err := v.Get(ctx, "worker-2", &got); err == nil {
		t.Fatal("a ciphertext of another subject decrypted")
	}
	// Another master key cannot unwrap the data keys.
	other, _ := identity.NewVault(pool, key(t))
	if err := other.Get(ctx, "worker-1", &got); err == nil {
		t.Fatal("decrypted with the wrong master key")
	}
	// Erasure shreds and is final.
	if err := v.Erase(ctx, "worker-1"); err != nil {
		t.Fatal(err)
	}
	if err := v.Get(ctx, "worker-1", &got); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("after erase: %v", err)
	}
	if err := v.Put(ctx, "worker-1", pd); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("put after erase: %v", err)
	}
	var keys int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM data_keys WHERE subject_id = 'worker-1'`).Scan(&keys)
	if keys != 0 {
		t.Fatal("data key survived erasure")
	}
	if err := v.Get(ctx, "nobody", &got); !errors.Is(err, identity.ErrNoPersonalData) {
		t.Fatalf("unknown subject: %v", err)
	}
	if _, err := identity.NewVault(pool, mk[:16]); err == nil {
		t.Fatal("short master key accepted")
	}
}

func containsAny(b []byte, ss ...string) bool {
	for _, s := range ss {
		for i := 0; i+len(s) <= len(b); i++ {
			if string(b[i:i+len(s)]) == s {
				return true
			}
		}
	}
	return false
}

func TestMasterKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "master.key")
	k1, err := identity.LoadOrCreateMasterKey(path)
	if err != nil || len(k1) != 32 {
		t.Fatalf("create: %v", err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", st.Mode(), err)
	}
	k2, err := identity.MasterKey("", path)
	if err != nil || string(k1) != string(k2) {
		t.Fatalf("reload: %v", err)
	}
	if _, err := identity.MasterKeyFromBase64("dG9vIHNob3J0"); err == nil {
		t.Fatal("short key accepted")
	}
}

// TestEmailClaimRace: concurrent registrations with one contact address:
// exactly one wins, the others get email_taken and leave no stream behind.
func TestEmailClaimRace(t *testing.T) {
	e := it.New(t)
	ctx := context.Background()
	bo := commands.Meta{Actor: domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}}
	const n = 6
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		won  []string
		errs []error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, reg, err := e.Identity.Registration.RegisterIntermediary(ctx, bo, identity.RegisterIntermediary{
				ID: "race-" + string(rune('a'+i)), Name: "Race", Contact: intermediary.Contact{Name: "R", Email: "race@example.test"},
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			won = append(won, reg.ID)
		}()
	}
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d registrations won: %v", len(won), errs)
	}
	for _, err := range errs {
		if !errors.Is(err, &domain.Error{Code: "email_taken"}) {
			t.Fatalf("loser error: %v", err)
		}
	}
	streams := 0
	for i := range n {
		if _, err := e.Store.ReadStream(ctx, intermediary.Stream("race-"+string(rune('a'+i))), eventstore.ReadStreamOptions{}); err == nil {
			streams++
		}
	}
	if streams != 1 {
		t.Fatalf("%d intermediary streams exist", streams)
	}
}

func TestBootstrapIsIdempotent(t *testing.T) {
	e := it.New(t) // bootstraps it.BackofficeEmail
	ctx := context.Background()
	id, created, err := e.Identity.Activation.BootstrapBackoffice(ctx, it.BackofficeEmail, "een-ander-wachtwoord")
	if err != nil || created || id == "" {
		t.Fatalf("second bootstrap: %v %v", created, err)
	}
	e.Login(t, it.BackofficeEmail, it.BackofficePassword) // the password did not change
	if _, _, err := e.Identity.Activation.BootstrapBackoffice(ctx, "nieuw@bureau.test", "kort"); err == nil {
		t.Fatal("short password accepted")
	}
}

// TestPasswordEvents: what redeeming a link and bootstrapping append to the
// account stream, as decided by Account.RecordPasswordSet: activation
// records account.activated, a reset account.password_changed with
// via_reset, the bootstrap user account.created and account.activated.
func TestPasswordEvents(t *testing.T) {
	e := it.New(t)
	ctx := context.Background()
	history := func(accountID string) []domain.Event { return e.History(t, account.Stream(accountID), account.Events) }
	token := func(accountID string, purpose auth.Purpose) string {
		t.Helper()
		tok, _, err := e.Auth.IssueToken(ctx, accountID, purpose, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	bo := commands.Meta{Actor: domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}}
	_, reg, err := e.Identity.Registration.RegisterIntermediary(ctx, bo, identity.RegisterIntermediary{
		ID: "pw-a", Name: "Flex pw", Contact: intermediary.Contact{Name: "Anna", Email: "anna@pw.test"}})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitForMail(t, "anna@pw.test", 1) // the mailer's link would void the token below
	created := history(reg.AccountID)
	if len(created) != 1 || created[0].EventType() != account.TypeCreated {
		t.Fatalf("after registration: %#v", created)
	}

	res, accID, err := e.Identity.Activation.Activate(ctx, token(reg.AccountID, auth.PurposeActivation), "een-goed-wachtwoord")
	if err != nil || accID != reg.AccountID || res.Position.IsStart() {
		t.Fatalf("activate: %v %q %v", res, accID, err)
	}
	activated := &account.Activated{AccountID: reg.AccountID}
	if got := history(reg.AccountID)[1:]; !reflect.DeepEqual(got, []domain.Event{activated}) {
		t.Fatalf("after activation: %#v", got)
	}

	res, _, err = e.Identity.Activation.CompletePasswordReset(ctx, token(reg.AccountID, auth.PurposePasswordReset), "een-nieuw-wachtwoord")
	if err != nil || res.Position.IsStart() {
		t.Fatalf("reset: %v %v", res, err)
	}
	viaReset := &account.PasswordChanged{AccountID: reg.AccountID, ViaReset: true}
	if got := history(reg.AccountID)[1:]; !reflect.DeepEqual(got, []domain.Event{activated, viaReset}) {
		t.Fatalf("after reset: %#v", got)
	}
	e.Login(t, "anna@pw.test", "een-nieuw-wachtwoord")

	// The demo's password on an activated account changes nothing.
	if err := e.Identity.Activation.DemoSetPassword(ctx, reg.AccountID, "nog-een-wachtwoord"); err != nil {
		t.Fatal(err)
	}
	if got := history(reg.AccountID); len(got) != 3 {
		t.Fatalf("demo password on an activated account appended: %#v", got[3:])
	}

	boID, ok, err := e.Identity.Activation.BootstrapBackoffice(ctx, "piet@pw.test", "piet-wachtwoord-1")
	if err != nil || !ok {
		t.Fatalf("bootstrap: %v %v", ok, err)
	}
	want := []domain.Event{
		&account.Created{AccountID: boID, Email: "piet@pw.test", Role: domain.RoleBackoffice, Language: "nl"},
		&account.Activated{AccountID: boID},
	}
	if got := history(boID); !reflect.DeepEqual(got, want) {
		t.Fatalf("bootstrap history:\n got %#v\nwant %#v", got, want)
	}
}
