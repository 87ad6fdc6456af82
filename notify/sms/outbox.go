package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"backoffice/notify/outboxdir"
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
	if _, err := outboxdir.Write(o.dir, outboxExt, now, data); err != nil {
		return fmt.Errorf("sms: unable to write outbox: %w", err)
	}
	return nil
}

// List returns up to limit messages, newest first (limit <= 0: all).
// Files that do not parse are skipped.
func (o *FileOutbox) List(limit int) ([]OutboxItem, error) {
	return outboxdir.List(o.dir, outboxExt, limit, o.read)
}

// read reads the message id as List hands it out.
func (o *FileOutbox) read(id string) (OutboxItem, error) {
	data, err := os.ReadFile(filepath.Join(o.dir, id+outboxExt))
	if err != nil {
		return OutboxItem{}, err
	}
	var it OutboxItem
	if err := json.Unmarshal(data, &it); err != nil {
		return OutboxItem{}, err
	}
	it.ID = id
	return it, nil
}
