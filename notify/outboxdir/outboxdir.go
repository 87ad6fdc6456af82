// Package outboxdir is the directory behind the demo's file outboxes (mail
// and SMS): each message is one file named <UTC time>-<random><ext>, written
// atomically (a temporary file, synced, then renamed), so names sort by
// time and a reader never sees half a message. An ID is checked against
// its shape before it is used, so it can never name another path.
package outboxdir

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// idPattern is the shape of an ID: UTC timestamp with nanoseconds, then
// random hex.
var idPattern = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}\.[0-9]{9}Z-[0-9a-f]{16}$`)

// ValidID reports whether id has the shape Write gives names.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Write stores data as a new message written at now and returns its ID.
func Write(dir, ext string, now time.Time, data []byte) (string, error) {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	id := now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(rnd[:])
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	_, werr := tmp.Write(data)
	if err := errors.Join(werr, tmp.Sync(), tmp.Close()); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, id+ext)); err != nil {
		return "", err
	}
	return id, nil
}

// IDs lists the messages' IDs, newest first; a missing directory holds
// none. Files of another shape are left out.
func IDs(dir, ext string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("outbox: unable to list %s: %w", dir, err)
	}
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ext); ok && e.Type().IsRegular() && ValidID(id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	return ids, nil
}

// List reads up to limit messages through read, newest first (limit <= 0:
// all); a message read refuses (one that does not parse) is left out.
func List[T any](dir, ext string, limit int, read func(id string) (T, error)) ([]T, error) {
	ids, err := IDs(dir, ext)
	if err != nil {
		return nil, err
	}
	items := make([]T, 0, min(len(ids), max(limit, 0)))
	for _, id := range ids {
		if limit > 0 && len(items) >= limit {
			break
		}
		if it, err := read(id); err == nil {
			items = append(items, it)
		}
	}
	return items, nil
}
