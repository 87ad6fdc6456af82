package identity

import (
	"context"
	"errors"
	"strings"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/eventstore"
)

// AccountPersonalData is what an account keeps outside events: the mobile
// number the TAN of a signature request goes to by SMS (manual §5.1).
// Stored encrypted in the vault under the account's stream name.
type AccountPersonalData struct {
	// Mobile in E.164; "" means the user chose to have none (then the
	// client contact's registered number is not used either).
	Mobile string `json:"mobile"`
}

// String never prints the data.
func (AccountPersonalData) String() string { return "identity.AccountPersonalData{…}" }

// GoString never prints the data.
func (AccountPersonalData) GoString() string { return "identity.AccountPersonalData{…}" }

func accountSubject(id string) string { return account.Stream(id) }

// SetMobile sets the caller's own mobile number (PUT /me/mobile, the
// portal's "Mijn gegevens"). Integration tokens have no account.
func (s *Profile) SetMobile(ctx context.Context, meta commands.Meta, mobile string) (commands.Result, error) {
	if !meta.Actor.Is(domain.RoleBackoffice, domain.RoleIntermediary, domain.RoleClient, domain.RoleWorker) || meta.Actor.AccountID == "" {
		return commands.Result{}, account.Forbidden
	}
	return s.SetAccountMobile(ctx, meta, meta.Actor.AccountID, mobile)
}

// SetAccountMobile stores an account's mobile number: the account itself or
// the back office. The account aggregate validates it (E.164, a mobile
// range; empty removes it) and records account.mobile_changed with the
// number masked; the number itself is stored encrypted first (an event
// never refers to data that is missing). For anyone else the account does
// not exist.
func (s *Profile) SetAccountMobile(ctx context.Context, meta commands.Meta, accountID, mobile string) (commands.Result, error) {
	if !account.IsStaff(meta.Actor) && (meta.Actor.AccountID == "" || meta.Actor.AccountID != accountID) {
		return commands.Result{}, domain.ErrNotFound
	}
	if checkID("account_id", accountID) != nil {
		return commands.Result{}, domain.ErrNotFound
	}
	for attempt := 0; ; attempt++ {
		acc, st, err := loadAccount(ctx, s.cfg.Store, accountID)
		if err != nil {
			return commands.Result{}, err
		}
		if !acc.Exists() {
			return commands.Result{}, domain.ErrNotFound
		}
		events, number, err := acc.ChangeMobile(meta.Actor, mobile, s.now())
		if err != nil {
			return commands.Result{}, err
		}
		if err := s.cfg.Vault.Put(ctx, accountSubject(accountID), AccountPersonalData{Mobile: number}); err != nil {
			return commands.Result{}, err
		}
		res, err := commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
		// Last writer wins, as with the language: a concurrent change of
		// the stream is retried once on the new revision.
		if errors.Is(err, eventstore.ErrWrongExpectedRevision) && attempt == 0 {
			continue
		}
		return res, err
	}
}

// MobileOf returns the mobile number an SMS for the account goes to, ""
// when there is none: the account's own (SetAccountMobile), else, for a
// client's contact person, the mobile number registered with the client.
// Erased data counts as none.
func (s *Profile) MobileOf(ctx context.Context, accountID string) (string, error) {
	var own AccountPersonalData
	err := s.cfg.Vault.Get(ctx, accountSubject(accountID), &own)
	switch {
	case err == nil:
		return own.Mobile, nil
	case errors.Is(err, ErrErased):
		return "", nil
	case !errors.Is(err, ErrNoPersonalData):
		return "", err
	}
	acc, _, err := loadAccount(ctx, s.cfg.Store, accountID)
	if err != nil || !acc.Exists() || acc.Role() != domain.RoleClient {
		return "", err
	}
	c, _, err := loadClient(ctx, s.cfg.Store, acc.Actor().ClientID)
	if err != nil || !c.Exists() || !strings.EqualFold(c.Contact().Email, acc.Email()) {
		return "", err
	}
	var contact struct {
		Mobile string `json:"mobile"`
	}
	if err := s.cfg.Vault.Get(ctx, clientSubject(c.ID()), &contact); err != nil {
		if errors.Is(err, ErrErased) || errors.Is(err, ErrNoPersonalData) {
			return "", nil
		}
		return "", err
	}
	return contact.Mobile, nil
}

// MyMobile returns the caller's own mobile number as MobileOf finds it.
func (s *Profile) MyMobile(ctx context.Context, meta commands.Meta) (string, error) {
	if meta.Actor.AccountID == "" {
		return "", account.Forbidden
	}
	return s.MobileOf(ctx, meta.Actor.AccountID)
}
