package auth

import (
	"context"
	"fmt"
)

// RotateSession gives a session a new token and makes the old one
// unknown, keeping everything else (account, start, absolute end). The
// portal calls it after the user changed his own password: whoever holds
// a copy of the browser's old cookie (a stolen one, the reason to change
// a password) is logged out with the account's other sessions, while this
// browser stays logged in. An unknown or invalid token is
// ErrSessionUnknown.
func (s *Service) RotateSession(ctx context.Context, token string) (string, Session, error) {
	if !validSecret(token) {
		return "", Session{}, ErrSessionUnknown
	}
	old := hashSecret(token)
	next, idHash := newSecret()
	tag, err := s.pool.Exec(ctx, `UPDATE sessions SET id_hash = $2 WHERE id_hash = $1`, old, idHash)
	s.cache.drop(old)
	sessionsChanged()
	if err != nil {
		return "", Session{}, fmt.Errorf("auth: unable to rotate session: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return "", Session{}, ErrSessionUnknown
	}
	sess, err := s.readSession(ctx, s.pool, idHash)
	if err != nil {
		return "", Session{}, err
	}
	return next, sess, nil
}
