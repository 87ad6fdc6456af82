package identity

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Seal and Unseal keep small personal data inside events without keeping
// it in plain text (DESIGN "personal data"): the value is encrypted with
// the subject's data key, the same key Put uses, and the result (key ID,
// nonce, ciphertext; base64) goes into the event. Erase deletes the key:
// every sealed value of the subject is unreadable from then on, in the
// ledger, its exports and backups, while the events and their hashes stay
// (crypto-shredding). Used for the signer's IP address and user agent in
// the signing evidence (docs/documents.md).

func sealAAD(subject string, keyID uuid.UUID) []byte {
	return []byte("sealed|" + subject + "|" + keyID.String())
}

// Seal encrypts value (JSON) under the subject's data key, creating the
// key on first use. Erased subjects refuse (ErrErased).
func (v *Vault) Seal(ctx context.Context, subject string, value any) (string, error) {
	plain, err := json.Marshal(value)
	if err != nil {
		return "", fmt.Errorf("identity: encode sealed value: %w", err)
	}
	defer clear(plain)
	var out string
	err = pgx.BeginFunc(ctx, v.pool, func(tx pgx.Tx) error {
		keyID, ct, err := v.encrypt(ctx, tx, subject, plain, sealAAD)
		if err != nil {
			return err
		}
		sealed := append(keyID[:], ct...)
		out = base64.StdEncoding.EncodeToString(sealed)
		return nil
	})
	return out, err
}

// Unseal decrypts a value Seal made for the subject into dst. ErrErased
// once the subject's key was deleted.
func (v *Vault) Unseal(ctx context.Context, subject, sealed string, dst any) error {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < 16 {
		return errors.New("identity: sealed value is malformed")
	}
	keyID, err := uuid.FromBytes(b[:16])
	if err != nil {
		return errors.New("identity: sealed value is malformed")
	}
	var wrapped []byte
	err = v.pool.QueryRow(ctx, `SELECT wrapped_key FROM data_keys WHERE subject_id = $1 AND key_id = $2`, subject, keyID).Scan(&wrapped)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrErased // the key is gone (or never was): nothing can read it
	}
	if err != nil {
		return fmt.Errorf("identity: unable to read data key: %w", err)
	}
	aead, err := v.dataCipher(subject, keyID, wrapped)
	if err != nil {
		return err
	}
	plain, err := open(aead, b[16:], sealAAD(subject, keyID))
	if err != nil {
		return fmt.Errorf("identity: sealed value does not decrypt: %w", err)
	}
	defer clear(plain)
	return json.Unmarshal(plain, dst)
}
