package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/notify/mail/internal/eml"
	"backoffice/notify/outboxdir"
)

// DefaultOutboxDir is where the embedded default writes its mail.
const DefaultOutboxDir = "./data/outbox"

// FileOutbox is a Sender that writes every message as an .eml file into a
// directory instead of sending it: the embedded default and demo mode, where
// the portal shows the outbox. Files appear atomically (written to a
// temporary name, then renamed) and their names sort by time.
type FileOutbox struct {
	dir  string
	from string
	now  func() time.Time
}

// OutboxItem is a summary of one stored message.
type OutboxItem struct {
	ID      string
	To      string
	Subject string
	Sent    time.Time
	Text    string
}

const outboxExt = ".eml"

// ErrOutboxNotFound is returned by Read for an unknown or malformed ID.
var ErrOutboxNotFound = domain.NotFound("outbox_not_found", "The message was not found.", "Dit bericht is niet gevonden.")

// NewFileOutbox creates dir if needed. now may be nil (time.Now).
func NewFileOutbox(dir, from string, now func() time.Time) (*FileOutbox, error) {
	if dir == "" {
		dir = DefaultOutboxDir
	}
	if now == nil {
		now = time.Now
	}
	if _, err := compose(from, Message{To: "check@example.invalid", Subject: "x", TextBody: "x"}, time.Now()); err != nil {
		return nil, fmt.Errorf("mail: outbox From address %q is invalid", from)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("mail: unable to create outbox %s: %w", dir, err)
	}
	return &FileOutbox{dir: dir, from: from, now: now}, nil
}

// Dir is the outbox directory.
func (o *FileOutbox) Dir() string { return o.dir }

// Send writes msg as <time>-<random>.eml.
func (o *FileOutbox) Send(ctx context.Context, msg Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := o.now().UTC()
	m, err := compose(o.from, msg, now)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return fmt.Errorf("mail: unable to render message: %w", err)
	}
	if _, err := outboxdir.Write(o.dir, outboxExt, now, buf.Bytes()); err != nil {
		return fmt.Errorf("mail: unable to write outbox: %w", err)
	}
	return nil
}

// List returns up to limit messages, newest first (limit <= 0: all).
// Files that do not parse are skipped.
func (o *FileOutbox) List(limit int) ([]OutboxItem, error) {
	return outboxdir.List(o.dir, outboxExt, limit, o.Read)
}

// Read returns one message by ID. IDs that are not exactly of the form List
// hands out get ErrOutboxNotFound, so "../x" can never escape the directory.
func (o *FileOutbox) Read(id string) (OutboxItem, error) {
	if !outboxdir.ValidID(id) {
		return OutboxItem{}, ErrOutboxNotFound
	}
	f, err := os.Open(filepath.Join(o.dir, id+outboxExt))
	if errors.Is(err, fs.ErrNotExist) {
		return OutboxItem{}, ErrOutboxNotFound
	}
	if err != nil {
		return OutboxItem{}, fmt.Errorf("mail: unable to read outbox message: %w", err)
	}
	defer f.Close()
	p, err := eml.Parse(f)
	if err != nil {
		return OutboxItem{}, fmt.Errorf("mail: unable to parse outbox message %s: %w", id, err)
	}
	sent := p.Date
	if t, err := time.Parse("20060102T150405.000000000Z", id[:strings.IndexByte(id, '-')]); err == nil {
		sent = t
	}
	return OutboxItem{
		ID:      id,
		To:      strings.Join(p.To, ", "),
		Subject: p.Subject,
		Sent:    sent,
		Text:    p.Text,
	}, nil
}
