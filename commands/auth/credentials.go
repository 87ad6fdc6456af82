package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/domain"
)

// AccountRow is an account's login identity as the command layer knows it.
type AccountRow struct {
	AccountID string
	Email     string // stored lower-cased; unique
	Role      domain.Role
	// TenantID is the intermediary, client or worker ID matching Role; empty
	// for roles without a tenant.
	TenantID string
	Language string // "nl" (default) or "en"
	Disabled bool
}

// Account is a stored credentials row (without the password hash).
type Account struct {
	AccountRow
	HasPassword bool // false until activated
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NormalizeEmail is the form e-mail addresses are stored and looked up in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// UpsertAccount creates or updates an account's credentials row, leaving
// its password alone. Run it in the transaction that records the account
// (db is a pgx.Tx or a pool). An e-mail address in use by another account
// gives ErrEmailTaken.
func UpsertAccount(ctx context.Context, db DBTX, row AccountRow) error {
	row.Email = NormalizeEmail(row.Email)
	var errs []error
	if strings.TrimSpace(row.AccountID) == "" {
		errs = append(errs, errors.New("auth: account ID is required"))
	}
	if a, err := mail.ParseAddress(row.Email); err != nil || a.Address != row.Email {
		errs = append(errs, domain.Invalid("email_invalid", "email", "invalid e-mail address", "Ongeldig e-mailadres."))
	}
	if row.Role == "" {
		errs = append(errs, errors.New("auth: role is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if row.Language == "" {
		row.Language = "nl"
	}
	_, err := db.Exec(ctx, `
		INSERT INTO credentials (account_id, email, role, tenant_id, language, disabled)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (account_id) DO UPDATE SET
			email = EXCLUDED.email, role = EXCLUDED.role, tenant_id = EXCLUDED.tenant_id,
			language = EXCLUDED.language, disabled = EXCLUDED.disabled, updated_at = now()`,
		row.AccountID, row.Email, string(row.Role), row.TenantID, row.Language, row.Disabled)
	// Cached sessions carry role, tenant and the disabled flag. In a
	// caller's transaction this runs before the commit: a lookup in
	// between may cache the old row, for at most SessionCacheTTL.
	sessionsChanged()
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return ErrEmailTaken
	}
	if err != nil {
		return fmt.Errorf("auth: unable to store credentials of %s: %w", row.AccountID, err)
	}
	return nil
}

const accountColumns = `account_id, email, role, tenant_id, language, disabled,
	password_hash IS NOT NULL, created_at, updated_at`

func scanAccount(row pgx.Row) (Account, error) {
	var a Account
	var role string
	err := row.Scan(&a.AccountID, &a.Email, &role, &a.TenantID, &a.Language, &a.Disabled,
		&a.HasPassword, &a.CreatedAt, &a.UpdatedAt)
	a.Role = domain.Role(role)
	return a, err
}

// Account reads one account's credentials row.
func (s *Service) Account(ctx context.Context, accountID string) (Account, error) {
	return AccountIn(ctx, s.pool, accountID)
}

// AccountIn is Account read through db: a pool, or the caller's
// transaction (a mailer's projector reads the address, language and block
// of the account it mails in its own). ErrAccountNotFound when there is
// no credentials row.
func AccountIn(ctx context.Context, db DBTX, accountID string) (Account, error) {
	a, err := scanAccount(db.QueryRow(ctx, `SELECT `+accountColumns+` FROM credentials WHERE account_id = $1`, accountID))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ErrAccountNotFound
	}
	if err != nil {
		return a, fmt.Errorf("auth: unable to read account %s: %w", accountID, err)
	}
	return a, nil
}

// EnabledAccounts are the accounts of role that are not blocked, ordered
// by account ID, read through db (a pool or the caller's transaction): the
// back office a mail about a declined signature goes to.
func EnabledAccounts(ctx context.Context, db DBTX, role domain.Role) ([]Account, error) {
	rows, err := db.Query(ctx, `SELECT `+accountColumns+` FROM credentials
		WHERE role = $1 AND NOT disabled ORDER BY account_id`, string(role))
	if err != nil {
		return nil, fmt.Errorf("auth: unable to list the %s accounts: %w", role, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Account, error) { return scanAccount(row) })
	if err != nil {
		return nil, fmt.Errorf("auth: unable to list the %s accounts: %w", role, err)
	}
	return out, nil
}

// AccountByEmail finds an account by e-mail (case-insensitive), for the
// "forgot password" form. Callers must answer the user the same way
// whether or not it exists.
func (s *Service) AccountByEmail(ctx context.Context, email string) (Account, error) {
	a, err := scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM credentials WHERE email = $1`, NormalizeEmail(email)))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ErrAccountNotFound
	}
	if err != nil {
		return a, fmt.Errorf("auth: unable to find account by e-mail: %w", err)
	}
	return a, nil
}

// ChangePassword sets a new password for a logged-in user who proves the
// current one. Other sessions of the account are ended; keepSession (the
// caller's session token, may be empty) stays valid. Errors name the
// fields of PUT /me/password: "current" and "new".
//
// Wrong current passwords are throttled like failed logins of the
// account's e-mail address from ip (throttle.go): a stolen session cannot
// guess the password at leisure. A request repeated after the password was changed
// (its answer lost, or a crash before the caller recorded the change) is
// accepted when new is the stored password already: knowing it proves
// the current password just as well, and the caller then records the
// change it may have missed.
func (s *Service) ChangePassword(ctx context.Context, accountID, current, newPassword, keepSession, ip string, now time.Time) error {
	if err := ValidatePassword(newPassword); err != nil {
		return withField(err, "new")
	}
	if current == "" {
		return domain.Invalid("required", "current", "the current password is required", "Vul uw huidige wachtwoord in.")
	}
	var (
		email string
		hash  *string
	)
	err := s.pool.QueryRow(ctx, `SELECT email, password_hash FROM credentials WHERE account_id = $1 AND NOT disabled`, accountID).
		Scan(&email, &hash)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && hash == nil) {
		return ErrInvalidCredentials
	}
	if err != nil {
		return fmt.Errorf("auth: unable to read credentials: %w", err)
	}
	if len(current) > maxPasswordBytes {
		current = ""
	}
	if _, err := s.admit(ctx, email, ip, now); err != nil {
		return err
	}
	ok, err := VerifyPassword(current, *hash)
	if err == nil && !ok {
		ok, err = VerifyPassword(newPassword, *hash) // a repeated request
	}
	if err != nil {
		return fmt.Errorf("auth: stored hash of %s: %w", accountID, err)
	}
	if !ok {
		return ErrCurrentPasswordWrong
	}
	newHash := hashPassword(newPassword, s.cfg.Params)
	defer sessionsChanged() // after the commit: other sessions end at once
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The attempt was counted as a failure in advance; take it back.
		if err := s.forgiveAttempt(ctx, tx, email, ip); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE credentials SET password_hash = $2, updated_at = now() WHERE account_id = $1`,
			accountID, newHash); err != nil {
			return fmt.Errorf("auth: unable to store password: %w", err)
		}
		keep := []byte{}
		if keepSession != "" {
			keep = hashSecret(keepSession)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2`, accountID, keep); err != nil {
			return fmt.Errorf("auth: unable to end other sessions: %w", err)
		}
		return nil
	})
}

// ReleaseClaim deletes accountID's credentials row while it has no password:
// the e-mail address a registration claimed before its account was
// appended. It reports whether a row went.
func ReleaseClaim(ctx context.Context, db DBTX, accountID string) (bool, error) {
	tag, err := db.Exec(ctx, `DELETE FROM credentials WHERE account_id = $1 AND password_hash IS NULL`, accountID)
	if err != nil {
		return false, fmt.Errorf("auth: unable to release the e-mail claim of %s: %w", accountID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// SetLanguage stores the language of accountID's credentials (the
// language its mails and pages use).
func SetLanguage(ctx context.Context, db DBTX, accountID, language string) error {
	if _, err := db.Exec(ctx,
		`UPDATE credentials SET language = $2, updated_at = now() WHERE account_id = $1 AND language <> $2`,
		accountID, language); err != nil {
		return fmt.Errorf("auth: unable to store the language of %s: %w", accountID, err)
	}
	return nil
}

// ErrCurrentPasswordWrong answers a password change whose current password
// does not match (field "current" of PUT /me/password and the portal form).
var ErrCurrentPasswordWrong = domain.Invalid("current_password_wrong", "current",
	"the current password is wrong", "Het huidige wachtwoord is onjuist.")

// withField is err (a password rule's *domain.Error) reported at field.
func withField(err error, field string) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	c := *de
	c.Field = field
	return &c
}
