package identity

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MasterKeyEnv is the environment variable holding the master key (base64
// of 32 bytes) in production.
const MasterKeyEnv = "BACKOFFICE_MASTER_KEY"

// MasterKeyFromBase64 decodes a master key (standard or URL base64, padded
// or not). The error never contains the value.
func MasterKeyFromBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != MasterKeySize {
				return nil, fmt.Errorf("identity: %s must decode to %d bytes, got %d", MasterKeyEnv, MasterKeySize, len(k))
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("identity: %s is not base64", MasterKeyEnv)
}

// LoadOrCreateMasterKey reads the master key from path (base64), or, when
// the file does not exist, generates one and writes it with mode 0600 (its
// directory 0700). For the embedded and demo modes only: in production the
// key comes from BACKOFFICE_MASTER_KEY and lives apart from the database.
// Losing the file makes all stored personal data unreadable.
func LoadOrCreateMasterKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return MasterKeyFromBase64(string(b))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("identity: read master key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("identity: create master key directory: %w", err)
	}
	key := make([]byte, MasterKeySize)
	_, _ = rand.Read(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateMasterKey(path) // another process won the race
	}
	if err != nil {
		return nil, fmt.Errorf("identity: create master key: %w", err)
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("identity: write master key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("identity: write master key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("identity: write master key: %w", err)
	}
	return key, nil
}

// MasterKey returns the master key from the environment value when set,
// otherwise (embedded/demo mode) from the file at path, created if absent.
func MasterKey(envValue, path string) ([]byte, error) {
	if strings.TrimSpace(envValue) != "" {
		return MasterKeyFromBase64(envValue)
	}
	return LoadOrCreateMasterKey(path)
}
