package document_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	rmdoc "backoffice/readmodel/documents"
)

// gatedStore lets a test hold an upload at a chosen step: after it has
// read the document's stream (afterRead), or just before it appends
// (beforeAppend, which may also fail the append). Each hook runs once.
type gatedStore struct {
	eventstore.Store
	readOnce, appendOnce sync.Once
	afterRead            func()
	beforeAppend         func() error
}

func (g *gatedStore) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	evs, err := g.Store.ReadStream(ctx, stream, opts)
	if strings.HasPrefix(stream, doc.StreamPrefix) && g.afterRead != nil {
		g.readOnce.Do(g.afterRead)
	}
	return evs, err
}

func (g *gatedStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	var err error
	if g.beforeAppend != nil {
		g.appendOnce.Do(func() { err = g.beforeAppend() })
	}
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	return g.Store.Append(ctx, stream, expected, events...)
}

func gatedHandler(t *testing.T, e *dt.Env, g *gatedStore) *cmd.Handler {
	t.Helper()
	g.Store = e.Store
	h, err := cmd.New(cmd.Config{Store: g, Pool: e.Pool, MasterKey: e.MasterKey, Clock: e.Now})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// wantFile waits for pos, checks that client 1 reads content as the file
// of document id and returns the file.
func wantFile(t *testing.T, e *dt.Env, pos eventstore.Position, id string, content []byte) rmdoc.File {
	t.Helper()
	e.Wait(t, pos)
	f, err := e.Queries.File(context.Background(), e.Client1, id)
	if err != nil || !bytes.Equal(f.Content, content) {
		t.Fatalf("file of %s: %q, %v; want %q", id, f.Content, err, content)
	}
	return f
}

func files(t *testing.T, e *dt.Env, id string) int {
	t.Helper()
	var n int
	if err := e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM document_files WHERE document_id = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConcurrentUploadsKeepTheWinnersFile: two uploads under one
// Idempotency-Key with different content. B has read the (missing) stream
// when A stores its file and appends; B then stores its own file and loses
// the append. The file of the document stays A's.
func TestConcurrentUploadsKeepTheWinnersFile(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	meta := commands.Meta{Actor: e.Client1, IdempotencyKey: "upload-race"}
	a := cmd.Upload{Kind: doc.KindDocument, Title: "Contract", FileName: "a.pdf", Content: dt.PDF}
	b := a
	b.FileName, b.Content = "b.pdf", append(bytes.Clone(dt.PDF), "% B\n"...)

	loaded, release := make(chan struct{}), make(chan struct{})
	hB := gatedHandler(t, e, &gatedStore{afterRead: func() { close(loaded); <-release }})
	errB := make(chan error, 1)
	go func() {
		_, _, err := hB.Upload(ctx, meta, b)
		errB <- err
	}()
	<-loaded
	resA, id, err := e.Handler.Upload(ctx, meta, a)
	if err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-errB; !errors.Is(err, code("idempotency_key_reused")) {
		t.Fatalf("the losing upload: %v, want idempotency_key_reused", err)
	}
	wantFile(t, e, resA.Position, id, a.Content)
	if n := files(t, e, id); n != 1 {
		t.Fatalf("%d file rows, want only the winner's", n)
	}
}

// TestFailedUploadKeepsAConcurrentRetrysFile: the reverse race. B (a retry
// with the same content) has stored the file and is about to append when
// A's append fails without a verdict; A must not remove the file B's event
// will name.
func TestFailedUploadKeepsAConcurrentRetrysFile(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	meta := commands.Meta{Actor: e.Client1, IdempotencyKey: "upload-retry"}
	in := cmd.Upload{Kind: doc.KindDocument, Title: "Contract", FileName: "c.pdf", Content: dt.PDF}

	stored, release := make(chan struct{}), make(chan struct{})
	hB := gatedHandler(t, e, &gatedStore{beforeAppend: func() error { close(stored); <-release; return nil }})
	type result struct {
		res commands.Result
		id  string
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, id, err := hB.Upload(ctx, meta, in)
		done <- result{res, id, err}
	}()
	<-stored
	hA := gatedHandler(t, e, &gatedStore{beforeAppend: func() error {
		return fmt.Errorf("connection reset: %w", eventstore.ErrUnavailable)
	}})
	if _, _, err := hA.Upload(ctx, meta, in); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("A: %v", err)
	}
	close(release)
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	wantFile(t, e, r.res.Position, r.id, in.Content)
}

// TestConcurrentSameUploadsAreOneDocument: a burst of identical retries
// gives one document, and every one of them answers with it.
func TestConcurrentSameUploadsAreOneDocument(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	meta := commands.Meta{Actor: e.Client1, IdempotencyKey: "upload-burst"}
	in := cmd.Upload{Kind: doc.KindDocument, Title: "Contract", FileName: "c.pdf", Content: dt.PDF}
	const n = 8
	var wg sync.WaitGroup
	ids, errs := make([]string, n), make([]error, n)
	for i := range n {
		wg.Go(func() { _, ids[i], errs[i] = e.Handler.Upload(ctx, meta, in) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("upload %d: %s %v (first %s)", i, ids[i], errs[i], ids[0])
		}
	}
	if c := files(t, e, ids[0]); c != 1 {
		t.Fatalf("%d file rows, want 1", c)
	}
}

// TestRequestSurvivesAVersionMeanwhile: a version added between the
// request's read of the document and its append moves the stream; the
// request is decided again on the fresh stream and names the new version,
// instead of answering the back office 409 concurrent_change.
func TestRequestSurvivesAVersionMeanwhile(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	id := e.Upload(t, "Nieuwe versie tussendoor")
	h := gatedHandler(t, e, &gatedStore{beforeAppend: func() error {
		_, _, err := e.Handler.AddVersion(ctx, dt.Meta(e.Client1), id, cmd.NewVersion{FileName: "v2.pdf", Content: []byte("%PDF-1.4 versie 2")})
		return err
	}})
	if _, _, err := h.RequestSignature(ctx, dt.Meta(e.Backoffice), id, e.Client1.AccountID); err != nil {
		t.Fatalf("request with a version added in between: %v", err)
	}
	_, evs := stream(t, e, id)
	last, ok := evs[len(evs)-1].(*doc.SignatureRequested)
	if !ok {
		t.Fatalf("the last event is %T, want the request after the version", evs[len(evs)-1])
	}
	if last.Version != 2 {
		t.Fatalf("the request names version %d, want 2", last.Version)
	}
}
