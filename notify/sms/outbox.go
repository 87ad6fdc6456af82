package sms

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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

// FileOutbox is a Sender that writes every message as a JSON file into a
// directory instead of sending it: the embedded default and demo mode,
// where the portal shows it next to the mail outbox. Files appear
// atomically and their names sort by time.
type FileOutbox struct {
	dir string
	now func() time.Time
}

// OutboxItem is one stored message.
type OutboxItem struct {
	ID   string    `json:"-"`
	To   string    `json:"to"`
	Body string    `json:"body"`
	Sent time.Time `json:"sent"`
}

var idPattern = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}\.[0-9]{9}Z-[0-9a-f]{16}$`)

const outboxExt = ".sms.json"

// NewFileOutbox creates dir if needed. now may be nil (time.Now).
func NewFileOutbox(dir string, now func() time.Time) (*FileOutbox, error) {
	if dir == "" {
		return nil, errors.New("sms: the outbox needs a directory")
	}
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("sms: unable to create outbox %s: %w", dir, err)
	}
	return &FileOutbox{dir: dir, now: now}, nil
}

// Send writes msg as <time>-<random>.sms.json.
func (o *FileOutbox) Send(ctx context.Context, msg Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := msg.Validate(); err != nil {
		return err
	}
	now := o.now().UTC()
	data, err := json.Marshal(OutboxItem{To: msg.To, Body: msg.Body, Sent: now})
	if err != nil {
		return fmt.Errorf("sms: encode: %w", err)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	id := now.Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(rnd[:])
	tmp, err := os.CreateTemp(o.dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("sms: unable to write outbox: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	_, werr := tmp.Write(data)
	if err := errors.Join(werr, tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("sms: unable to write outbox: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(o.dir, id+outboxExt)); err != nil {
		return fmt.Errorf("sms: unable to write outbox: %w", err)
	}
	return nil
}

// List returns up to limit messages, newest first (limit <= 0: all).
// Files that do not parse are skipped.
func (o *FileOutbox) List(limit int) ([]OutboxItem, error) {
	entries, err := os.ReadDir(o.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sms: unable to list outbox: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), outboxExt); ok && e.Type().IsRegular() && idPattern.MatchString(id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	var items []OutboxItem
	for _, id := range ids {
		if limit > 0 && len(items) >= limit {
			break
		}
		data, err := os.ReadFile(filepath.Join(o.dir, id+outboxExt))
		if err != nil {
			continue
		}
		var it OutboxItem
		if json.Unmarshal(data, &it) != nil {
			continue
		}
		it.ID = id
		items = append(items, it)
	}
	return items, nil
}
