package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/domain/account"
)

// TokenCreated is the answer to CreateToken. Secret is shown once.
type TokenCreated struct {
	ID     string
	Secret string
	Role   domain.Role
	Label  string
}

// CreateToken creates an integration token (payroll or auditor): the secret
// is stored hashed in the api_tokens table and returned once; token.created
// records it for the audit trail. Back office only.
func (s *Tokens) CreateToken(ctx context.Context, meta commands.Meta, role domain.Role, label string) (commands.Result, TokenCreated, error) {
	kind := account.TokenKind(role)
	// Validate with the domain before anything is stored.
	if _, err := (&account.Token{}).Create(meta.Actor, account.CreateToken{TokenID: "check", Kind: kind, Label: label}, s.now()); err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Field == "kind" {
			c := *de
			c.Field = "role" // the API's name of the field
			return commands.Result{}, TokenCreated{}, &c
		}
		return commands.Result{}, TokenCreated{}, err
	}
	id := tokenID(meta)
	if meta.IdempotencyKey != "" {
		// A retry whose first attempt recorded the token: finish it, or say
		// that its secret was shown once, rather than make a second one.
		if t, st, err := loadToken(ctx, s.cfg.Store, id); err != nil {
			return commands.Result{}, TokenCreated{}, err
		} else if st.Exists {
			return s.finishToken(ctx, meta, t, st)
		}
	}
	// Stored inactive and made live once token.created is recorded: a
	// crash in between leaves a dead row this retry makes anew.
	secret, err := s.cfg.Auth.CreatePendingToken(ctx, id, role, label)
	if errors.Is(err, auth.ErrTokenSwept) {
		// The first attempt under the key stored the token and never
		// recorded it, more than PendingTokenBound ago.
		return commands.Result{}, TokenCreated{}, ErrTokenCreationExpired
	}
	if errors.Is(err, auth.ErrTokenIDTaken) {
		// Another attempt under the key stored it (and may be recording it).
		return commands.Result{}, TokenCreated{}, ErrTokenSecretShown
	}
	if err != nil {
		return commands.Result{}, TokenCreated{}, err
	}
	t, st, err := loadToken(ctx, s.cfg.Store, id)
	if err != nil {
		return commands.Result{}, TokenCreated{}, s.undoToken(ctx, id, err)
	}
	events, err := t.Create(meta.Actor, account.CreateToken{TokenID: id, Kind: kind, Label: label}, s.now())
	if err != nil {
		return commands.Result{}, TokenCreated{}, s.undoToken(ctx, id, err)
	}
	res, err := commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
	if err != nil {
		return commands.Result{}, TokenCreated{}, s.undoToken(ctx, id, err)
	}
	if err := s.cfg.Auth.ActivateToken(ctx, id); err != nil {
		return commands.Result{}, TokenCreated{}, err
	}
	created := events[0].(*account.TokenCreated)
	return res, TokenCreated{ID: id, Secret: secret, Role: role, Label: created.Label}, nil
}

// finishToken answers a retried creation whose first attempt appended
// token.created. That attempt answered, with the secret, only after making
// the token live; a token still pending was shown to nobody (the process
// died, or the activation failed, between the append and the activation),
// so it gets a new secret, is made live and this retry answers it, once,
// with the first attempt's position. A live token (the answer was lost
// after the activation) or a revoked one gives ErrTokenSecretShown: its
// secret may have been seen and cannot be told again. A token the sweep
// revoked (pending for longer than PendingTokenBound) gives
// ErrTokenCreationExpired.
func (s *Tokens) finishToken(ctx context.Context, meta commands.Meta, t *account.Token, st commands.Stream) (commands.Result, TokenCreated, error) {
	if !t.Active() {
		if _, cause := t.Revoked(); cause == account.RevokeNeverActivated {
			return commands.Result{}, TokenCreated{}, ErrTokenCreationExpired
		}
		return commands.Result{}, TokenCreated{}, ErrTokenSecretShown
	}
	res, events, found, err := commands.Replayed(ctx, s.cfg.Store, st, account.Events, meta)
	if err != nil {
		return commands.Result{}, TokenCreated{}, err
	}
	created, ok := firstOf[*account.TokenCreated](events)
	if !found || !ok {
		return commands.Result{}, TokenCreated{}, ErrTokenSecretShown
	}
	secret, err := s.cfg.Auth.FinishPendingToken(ctx, t.ID())
	if errors.Is(err, auth.ErrTokenSwept) {
		// Swept since we loaded it; its token.revoked follows.
		return commands.Result{}, TokenCreated{}, ErrTokenCreationExpired
	}
	if errors.Is(err, auth.ErrTokenIDTaken) {
		return commands.Result{}, TokenCreated{}, ErrTokenSecretShown
	}
	if err != nil {
		return commands.Result{}, TokenCreated{}, err
	}
	return res, TokenCreated{ID: t.ID(), Secret: secret, Role: t.Actor().Role, Label: created.Label}, nil
}

// ErrTokenSecretShown answers a token creation retried under its
// idempotency key: the token was made by the first attempt, whose answer
// held the secret; it is not kept, so it cannot be shown again.
var ErrTokenSecretShown = domain.Conflict("secret_not_replayable",
	"This request already created the token; its secret is shown only once and was not kept. Revoke the token and create a new one if the secret was lost.",
	"Deze sleutel is al aangemaakt; het geheim wordt maar één keer getoond en is niet bewaard. Trek de sleutel in en maak een nieuwe aan als het geheim verloren is.")

// ErrTokenCreationExpired answers a token creation retried under its
// idempotency key after the sweep ended the token its first attempt
// stored: that token was never made live (nobody ever had its secret) and
// nobody finished it within PendingTokenBound, so it was revoked (cause
// never_activated). A new token needs a new request (a new key).
var ErrTokenCreationExpired = domain.Conflict("token_creation_expired",
	fmt.Sprintf("The token this request created was never activated and was revoked because its creation was not finished within %d days. Create a new token with a new Idempotency-Key.", pendingTokenDays),
	fmt.Sprintf("De sleutel die dit verzoek aanmaakte is nooit geactiveerd en is ingetrokken, omdat het aanmaken niet binnen %d dagen is afgerond. Maak een nieuwe sleutel aan (met een nieuwe Idempotency-Key).", pendingTokenDays))

// pendingTokenDays is PendingTokenBound in whole days, as the message
// above names it.
const pendingTokenDays = int(PendingTokenBound / (24 * time.Hour))

// tokenID is a new token's ID: under an idempotency key derived from it
// and the request, so a retried creation names the token its first
// attempt made; random otherwise.
func tokenID(meta commands.Meta) string {
	if meta.IdempotencyKey == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		return hex.EncodeToString(b[:])
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "token|%q|%q|%q", meta.Actor.AccountID, meta.IdempotencyKey, meta.Command))
	return hex.EncodeToString(sum[:8])
}

// undoToken revokes a token whose creation could not be recorded.
func (s *Tokens) undoToken(ctx context.Context, id string, cause error) error {
	if err := s.cfg.Auth.RevokeToken(context.WithoutCancel(ctx), id); err != nil {
		s.log.ErrorContext(ctx, "identity: unable to revoke unrecorded token", "token_id", id, "err", err)
	}
	return cause
}

// RevokeToken stops an integration token at once and records
// token.revoked. Back office only; for anyone else every token is
// not-found.
func (s *Tokens) RevokeToken(ctx context.Context, meta commands.Meta, id string) (commands.Result, error) {
	if !account.IsStaff(meta.Actor) {
		return commands.Result{}, domain.ErrNotFound
	}
	if err := checkID("id", id); err != nil {
		return commands.Result{}, domain.ErrNotFound
	}
	if err := s.cfg.Auth.EndToken(ctx, id); err != nil {
		return commands.Result{}, err
	}
	t, st, err := loadToken(ctx, s.cfg.Store, id)
	if err != nil {
		return commands.Result{}, err
	}
	if !t.Active() {
		return commands.Save(ctx, s.cfg.Store, st, meta, s.now()) // a retry: its first attempt's position
	}
	events, err := t.Revoke(meta.Actor, "", s.now())
	if err != nil {
		return commands.Result{}, err
	}
	return commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
}

// Tokens lists the integration tokens (no secrets). Back office only.
func (s *Tokens) Tokens(ctx context.Context, actor domain.Actor) ([]auth.APIToken, error) {
	if !actor.Is(domain.RoleBackoffice, domain.RoleSystem) {
		return nil, account.Forbidden
	}
	return s.cfg.Auth.Tokens(ctx)
}
