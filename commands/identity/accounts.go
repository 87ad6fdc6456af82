package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/domain/account"
)

// accountSpec describes the login created with a contact or a worker.
type accountSpec struct {
	Role     domain.Role
	TenantID string
	Email    string // normalized by the aggregate's own validation
	Language string
	Field    string // request field of the e-mail address, for errors
}

// contactSpec is the login of a tenant's contact person (the request's
// field contact.email).
func contactSpec(role domain.Role, tenantID, email, language string) accountSpec {
	return accountSpec{Role: role, TenantID: tenantID, Email: email, Language: language, Field: "contact.email"}
}

// errEmailTaken names the field; the same message whoever owns the address.
func errEmailTaken(field string) error {
	return domain.Rule("email_taken", field,
		"This e-mail address is already used by another account.",
		"Dit e-mailadres is al in gebruik bij een ander account.")
}

// withAccount creates the login of a new contact or worker around the
// aggregate's own append. It first claims the e-mail address in the
// credentials table (committed at once: the unique index decides between
// concurrent registrations without anyone waiting), then runs
// appendAggregate, then appends account.created. A failed aggregate append
// releases the claim again. It returns the result of the last append and
// the account ID.
//
// No transaction is held across the appends: a claim that waited for a
// connection while holding another would exhaust the pool under load.
// A process that dies between claim and append leaves an unused claim;
// claimEmail releases such an orphan (no account stream, no password,
// older than orphanAge) when the address is registered again.
func (s *Registration) withAccount(ctx context.Context, meta commands.Meta, spec accountSpec, appendAggregate func(context.Context) (commands.Result, error)) (commands.Result, string, error) {
	now := s.now()
	email := auth.NormalizeEmail(spec.Email)
	accountID := accountIDFor(spec.Role, spec.TenantID, email)
	acc, st, err := loadAccount(ctx, s.cfg.Store, accountID)
	if err != nil {
		return commands.Result{}, "", err
	}
	tenant := domain.Actor{Role: spec.Role}.WithTenant(spec.TenantID)
	cmd := account.Create{AccountID: accountID, Email: email, Role: spec.Role, Language: spec.Language,
		IntermediaryID: tenant.IntermediaryID, ClientID: tenant.ClientID, WorkerID: tenant.WorkerID}
	var events []domain.Event
	if !st.Exists {
		events, err = acc.Create(System, cmd, now)
		if err != nil {
			var de *domain.Error
			if errors.As(err, &de) && de.Field == "email" {
				c := *de
				c.Field = spec.Field
				return commands.Result{}, "", &c
			}
			return commands.Result{}, "", err
		}
	}
	created, _ := firstCreated(events)
	claimedNow := false
	if created != nil {
		if claimedNow, err = s.claimEmail(ctx, CredentialsRow(created), spec.Field); err != nil {
			return commands.Result{}, "", err
		}
	}
	res, err := appendAggregate(ctx)
	if err != nil {
		if claimedNow {
			s.releaseClaim(ctx, accountID)
		}
		return commands.Result{}, "", err
	}
	if len(events) > 0 {
		r2, err := commands.Save(ctx, s.cfg.Store, st, meta, now, events...)
		if err != nil {
			s.log.ErrorContext(ctx, "identity: registered without account; its e-mail stays claimed", "account_id", accountID, "err", err)
			return commands.Result{}, "", err
		}
		res = r2
	} else if r2, _, found, err := commands.Replayed(ctx, s.cfg.Store, st, account.Events, meta); err != nil {
		return commands.Result{}, "", err
	} else if found {
		// A retry of a registration that made the account: the first
		// attempt's answer (its last append was the account's).
		res = r2
	}
	return res, accountID, nil
}

// orphanAge is how old an unused e-mail claim must be before another
// registration may take the address over.
const orphanAge = 10 * time.Minute

// claimEmail stores the credentials row of a new account; claimed reports
// whether this call created it (and so may release it).
func (s *Registration) claimEmail(ctx context.Context, row auth.AccountRow, field string) (claimed bool, err error) {
	_, err = s.cfg.Auth.Account(ctx, row.AccountID)
	existed := err == nil
	if err != nil && !errors.Is(err, auth.ErrAccountNotFound) {
		return false, err
	}
	for attempt := 0; ; attempt++ {
		err = auth.UpsertAccount(ctx, s.cfg.Pool, row)
		if err == nil {
			return !existed, nil
		}
		if !errors.Is(err, auth.ErrEmailTaken) || attempt > 0 {
			break
		}
		if released, rerr := s.releaseOrphan(ctx, row.Email); rerr != nil || !released {
			break
		}
	}
	if errors.Is(err, auth.ErrEmailTaken) {
		return false, errEmailTaken(field)
	}
	return false, err
}

// releaseOrphan deletes the credentials row holding email when it belongs
// to a registration that never appended its account.
func (s *Registration) releaseOrphan(ctx context.Context, email string) (bool, error) {
	holder, err := s.cfg.Auth.AccountByEmail(ctx, email)
	if err != nil {
		return false, nil
	}
	if holder.HasPassword || holder.CreatedAt.After(s.now().Add(-orphanAge)) {
		return false, nil
	}
	_, st, err := loadAccount(ctx, s.cfg.Store, holder.AccountID)
	if err != nil || st.Exists {
		return false, err
	}
	released, err := auth.ReleaseClaim(ctx, s.cfg.Pool, holder.AccountID)
	if err != nil {
		return false, fmt.Errorf("identity: unable to release orphaned e-mail claim: %w", err)
	}
	s.log.WarnContext(ctx, "identity: released an orphaned e-mail claim", "account_id", holder.AccountID)
	return released, nil
}

// releaseClaim undoes claimEmail after the registration failed.
func (s *Registration) releaseClaim(ctx context.Context, accountID string) {
	if _, err := auth.ReleaseClaim(context.WithoutCancel(ctx), s.cfg.Pool, accountID); err != nil {
		s.log.ErrorContext(ctx, "identity: unable to release e-mail claim", "account_id", accountID, "err", err)
	}
}

func firstCreated(events []domain.Event) (*account.Created, bool) {
	for _, e := range events {
		if c, ok := e.(*account.Created); ok {
			return c, true
		}
	}
	return nil, false
}

// CredentialsRow is the credentials row an account.created event implies
// (the activation mailer in notify/reactors repairs a missing row with it).
func CredentialsRow(c *account.Created) auth.AccountRow {
	tenant := domain.Actor{Role: c.Role, IntermediaryID: c.IntermediaryID, ClientID: c.ClientID, WorkerID: c.WorkerID}.Tenant()
	return auth.AccountRow{AccountID: c.AccountID, Email: c.Email, Role: c.Role, Language: c.Language, TenantID: tenant}
}

// registered creates the login of spec's new account around appendTenant
// (withAccount) and tells what the registration created.
func (s *Registration) registered(ctx context.Context, meta commands.Meta, spec accountSpec, appendTenant func(context.Context) (commands.Result, error)) (commands.Result, Registered, error) {
	res, accountID, err := s.withAccount(ctx, meta, spec, appendTenant)
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	return res, Registered{ID: spec.TenantID, AccountID: accountID}, nil
}

// saveContactChange appends the events that change a tenant's contact. A
// new contact e-mail address (newContact.Email other than oldEmail) gets
// its own login, created around the append like the first contact's.
// No events (nothing changed) under meta.Retry is a retry whose first
// attempt changed it and lost its answer: that attempt's answer, the
// account's append when it made the new contact's login (and the login
// made now when it died before).
func (s *Registration) saveContactChange(ctx context.Context, meta commands.Meta, st commands.Stream, events []domain.Event, oldEmail string, newContact accountSpec) (commands.Result, error) {
	save := func(ctx context.Context) (commands.Result, error) {
		return commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
	}
	if len(events) == 0 {
		res, err := save(ctx)
		if err != nil || !meta.Retry || res.Position.IsStart() {
			return res, err
		}
		res, _, err = s.withAccount(ctx, meta, newContact, func(context.Context) (commands.Result, error) { return res, nil })
		return res, err
	}
	if newContact.Email == oldEmail {
		return save(ctx)
	}
	res, _, err := s.withAccount(ctx, meta, newContact, save)
	return res, err
}
