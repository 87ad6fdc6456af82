package mail

import (
	"bytes"
	"context"
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

	"backoffice/domain"
	"backoffice/notify/mail/internal/eml"
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

// idPattern is the shape of an ID: UTC timestamp with nanoseconds, then
// random hex. Anything else is refused, so an ID can never name a path.
var idPattern = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}\.[0-9]{9}Z-[0-9a-f]{16}$`)

const outboxExt = ".eml"

// ErrOutboxNotFound is returned by Read for an unknown or malformed ID.
var ErrOutboxNotFound = domain.NotFound("outbox_not_found", "message not found", "bericht niet gevonden")

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
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	id := now.Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(rnd[:])
	tmp, err := os.CreateTemp(o.dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("mail: unable to write outbox: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("mail: unable to write outbox: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("mail: unable to write outbox: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("mail: unable to write outbox: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(o.dir, id+outboxExt)); err != nil {
		return fmt.Errorf("mail: unable to write outbox: %w", err)
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
		return nil, fmt.Errorf("mail: unable to list outbox: %w", err)
	}
	var ids []string
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), outboxExt)
		if ok && e.Type().IsRegular() && idPattern.MatchString(id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	items := make([]OutboxItem, 0, min(len(ids), max(limit, 0)))
	for _, id := range ids {
		if limit > 0 && len(items) >= limit {
			break
		}
		it, err := o.Read(id)
		if err != nil {
			continue
		}
		items = append(items, it)
	}
	return items, nil
}

// Read returns one message by ID. IDs that are not exactly of the form List
// hands out get ErrOutboxNotFound, so "../x" can never escape the directory.
func (o *FileOutbox) Read(id string) (OutboxItem, error) {
	if !idPattern.MatchString(id) {
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
