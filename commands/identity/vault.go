package identity

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
)

// MasterKeySize is the length of the master key: AES-256.
const MasterKeySize = 32

// Errors of the Vault. Both are *domain.Error so the HTTP layer can map them.
var (
	// ErrNoPersonalData: nothing was ever stored for the subject.
	ErrNoPersonalData = domain.NotFound("personal_data_not_found",
		"no personal data is stored", "Er zijn geen persoonsgegevens opgeslagen.")
	// ErrErased: the subject's personal data was erased (its key deleted).
	ErrErased = &domain.Error{Kind: domain.KindRule, Code: "personal_data_erased",
		Message:   "The personal data has been erased.",
		MessageNL: "De persoonsgegevens zijn gewist."}
)

// Vault keeps personal data out of events: every subject (a stream name such
// as "worker-<id>") gets its own random AES-256-GCM data key; the data key is
// stored wrapped with the master key. Erase deletes the data key
// (crypto-shredding): the ciphertext, any backup of it, can never be read
// again.
//
// Associated data binds each ciphertext to its subject and key, so a
// ciphertext copied to another subject's row does not decrypt.
type Vault struct {
	pool   *pgxpool.Pool
	master cipher.AEAD
	bsnKey []byte // HMAC key of the BSN index (bsn_index.go)
	now    func() time.Time
}

// NewVault returns a vault on the tables of migration 0200. masterKey must
// be 32 bytes (see MasterKeyFromBase64 and LoadOrCreateMasterKey).
func NewVault(pool *pgxpool.Pool, masterKey []byte) (*Vault, error) {
	if pool == nil {
		return nil, errors.New("identity: NewVault needs a pool")
	}
	if len(masterKey) != MasterKeySize {
		return nil, fmt.Errorf("identity: the master key must be %d bytes, got %d", MasterKeySize, len(masterKey))
	}
	aead, err := newGCM(masterKey)
	if err != nil {
		return nil, err
	}
	bsnKey, err := bsnIndexKey(masterKey)
	if err != nil {
		return nil, err
	}
	return &Vault{pool: pool, master: aead, bsnKey: bsnKey, now: time.Now}, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("identity: aes: %w", err)
	}
	return cipher.NewGCM(block)
}

// seal returns nonce || ciphertext.
func seal(aead cipher.AEAD, plain, aad []byte) []byte {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, aad)
}

func open(aead cipher.AEAD, sealed, aad []byte) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, errors.New("identity: ciphertext too short")
	}
	return aead.Open(nil, sealed[:n], sealed[n:], aad)
}

// dataCipher unwraps a subject's data key with the master key and returns
// the cipher over it; the unwrapped key bytes are cleared.
func (v *Vault) dataCipher(subject string, keyID uuid.UUID, wrapped []byte) (cipher.AEAD, error) {
	key, err := open(v.master, wrapped, keyAAD(subject, keyID))
	if err != nil {
		return nil, fmt.Errorf("identity: data key does not unwrap (wrong master key?): %w", err)
	}
	defer clear(key)
	return newGCM(key)
}

func keyAAD(subject string, keyID uuid.UUID) []byte {
	return []byte("data-key|" + subject + "|" + keyID.String())
}

func dataAAD(subject string, keyID uuid.UUID) []byte {
	return []byte("personal-data|" + subject + "|" + keyID.String())
}

// Put encrypts value (JSON) under the subject's data key, creating the key
// on first use, and replaces what was stored. Erased subjects refuse.
func (v *Vault) Put(ctx context.Context, subject string, value any) error {
	plain, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("identity: encode personal data: %w", err)
	}
	defer clear(plain)
	return pgx.BeginFunc(ctx, v.pool, func(tx pgx.Tx) error {
		keyID, ct, err := v.encrypt(ctx, tx, subject, plain, dataAAD)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO personal_data (subject_id, key_id, ciphertext, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (subject_id) DO UPDATE SET key_id = EXCLUDED.key_id, ciphertext = EXCLUDED.ciphertext,
				updated_at = EXCLUDED.updated_at`, subject, keyID, ct, v.now()); err != nil {
			return fmt.Errorf("identity: unable to store personal data: %w", err)
		}
		return nil
	})
}

// encrypt seals plain under the subject's data key (created on first use),
// with the additional data aad names for it, inside tx and under the
// subject's lock; an erased subject refuses (ErrErased).
func (v *Vault) encrypt(ctx context.Context, tx pgx.Tx, subject string, plain []byte,
	aad func(subject string, keyID uuid.UUID) []byte) (uuid.UUID, []byte, error) {
	if err := lockSubject(ctx, tx, subject); err != nil {
		return uuid.Nil, nil, err
	}
	var erased bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM personal_data_erasures WHERE subject_id = $1)`, subject).Scan(&erased); err != nil {
		return uuid.Nil, nil, fmt.Errorf("identity: unable to check erasure: %w", err)
	}
	if erased {
		return uuid.Nil, nil, ErrErased
	}
	keyID, key, err := v.dataKey(ctx, tx, subject, true)
	if err != nil {
		return uuid.Nil, nil, err
	}
	defer clear(key)
	aead, err := newGCM(key)
	if err != nil {
		return uuid.Nil, nil, err
	}
	return keyID, seal(aead, plain, aad(subject, keyID)), nil
}

// dataKey returns the subject's unwrapped data key, creating it when create
// is set (concurrent creators agree on one key).
func (v *Vault) dataKey(ctx context.Context, tx pgx.Tx, subject string, create bool) (uuid.UUID, []byte, error) {
	for range 2 {
		var (
			keyID   uuid.UUID
			wrapped []byte
		)
		err := tx.QueryRow(ctx, `SELECT key_id, wrapped_key FROM data_keys WHERE subject_id = $1`, subject).Scan(&keyID, &wrapped)
		if err == nil {
			key, err := open(v.master, wrapped, keyAAD(subject, keyID))
			if err != nil {
				return uuid.Nil, nil, fmt.Errorf("identity: data key of a subject does not unwrap (wrong master key?): %w", err)
			}
			return keyID, key, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return uuid.Nil, nil, fmt.Errorf("identity: unable to read data key: %w", err)
		}
		if !create {
			return uuid.Nil, nil, ErrNoPersonalData
		}
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		keyID = uuid.New()
		wrapped = seal(v.master, key, keyAAD(subject, keyID))
		clear(key)
		if _, err := tx.Exec(ctx, `INSERT INTO data_keys (subject_id, key_id, wrapped_key, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (subject_id) DO NOTHING`, subject, keyID, wrapped, v.now()); err != nil {
			return uuid.Nil, nil, fmt.Errorf("identity: unable to store data key: %w", err)
		}
	}
	return uuid.Nil, nil, errors.New("identity: data key vanished while being created")
}

// Get decrypts the subject's personal data into dst. It returns
// ErrNoPersonalData when nothing is stored and ErrErased after Erase.
func (v *Vault) Get(ctx context.Context, subject string, dst any) error {
	var (
		keyID   uuid.UUID
		wrapped []byte
		ct      []byte
		erased  bool
	)
	err := v.pool.QueryRow(ctx, `
		SELECT k.key_id, k.wrapped_key, p.ciphertext,
		       EXISTS (SELECT 1 FROM personal_data_erasures e WHERE e.subject_id = $1)
		FROM (SELECT 1) one
		LEFT JOIN personal_data p ON p.subject_id = $1
		LEFT JOIN data_keys k ON k.subject_id = $1 AND k.key_id = p.key_id`, subject).
		Scan(&keyID, &wrapped, &ct, &erased)
	switch {
	case err != nil && !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("identity: unable to read personal data: %w", err)
	case erased:
		return ErrErased
	case wrapped == nil || ct == nil:
		return ErrNoPersonalData
	}
	aead, err := v.dataCipher(subject, keyID, wrapped)
	if err != nil {
		return err
	}
	plain, err := open(aead, ct, dataAAD(subject, keyID))
	if err != nil {
		return fmt.Errorf("identity: personal data does not decrypt: %w", err)
	}
	defer clear(plain)
	if err := json.Unmarshal(plain, dst); err != nil {
		return fmt.Errorf("identity: decode personal data: %w", err)
	}
	return nil
}

// Erase shreds the subject's personal data: the data key and ciphertext are
// deleted and an erasure marker stays. Erasing twice is fine.
func (v *Vault) Erase(ctx context.Context, subject string) error {
	return pgx.BeginFunc(ctx, v.pool, func(tx pgx.Tx) error {
		if err := lockSubject(ctx, tx, subject); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM data_keys WHERE subject_id = $1`, subject); err != nil {
			return fmt.Errorf("identity: unable to delete data key: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM personal_data WHERE subject_id = $1`, subject); err != nil {
			return fmt.Errorf("identity: unable to delete personal data: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM personal_data_bsn WHERE subject_id = $1`, subject); err != nil {
			return fmt.Errorf("identity: unable to delete the BSN index entry: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO personal_data_erasures (subject_id, erased_at) VALUES ($1, $2)
			ON CONFLICT (subject_id) DO NOTHING`, subject, v.now()); err != nil {
			return fmt.Errorf("identity: unable to record erasure: %w", err)
		}
		return nil
	})
}

// lockSubject serialises Put and Erase of one subject for the rest of the
// transaction, so an erasure can never be undone by a concurrent Put that
// checked for it just before.
func lockSubject(ctx context.Context, tx pgx.Tx, subject string) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('backoffice.vault:' || $1, 0))`, subject); err != nil {
		return fmt.Errorf("identity: unable to lock personal data of %s: %w", subject, err)
	}
	return nil
}
