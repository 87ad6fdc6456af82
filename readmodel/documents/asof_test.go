package documents_test

import (
	"context"
	"sync"
	"testing"
	"time"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/readmodel/asof"
	rm "backoffice/readmodel/documents"
)

// slowReader is the event store whose stream reads hang until released:
// an EventStoreDB that answers slowly.
type slowReader struct {
	eventstore.Store
	entered, release chan struct{}
	once             sync.Once
}

func (r *slowReader) ReadStream(ctx context.Context, stream string, o eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	r.once.Do(func() { close(r.entered) })
	select {
	case <-r.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return r.Store.ReadStream(ctx, stream, o)
}

// TestAsOfReadHoldsNoProjector: while a document's history is read from a
// slow event store, a document uploaded meanwhile is projected (the
// replay's transaction, which has a transaction ID, begins after the read),
// and the history answers as before.
func TestAsOfReadHoldsNoProjector(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	id := e.Upload(t, "Geschiedenis")
	evs, err := e.Store.ReadStream(ctx, doc.Stream(id), eventstore.ReadStreamOptions{})
	if err != nil || len(evs) == 0 {
		t.Fatalf("%v %v", evs, err)
	}
	slow := &slowReader{Store: e.Store, entered: make(chan struct{}), release: make(chan struct{})}
	type answer struct {
		d   rm.Detail
		err error
	}
	done := make(chan answer, 1)
	go func() {
		d, err := e.Queries.DocumentAsOf(ctx, e.Backoffice, slow, id, asof.AtPosition(evs[len(evs)-1].Position))
		done <- answer{d, err}
	}()
	<-slow.entered
	res, other, err := e.Handler.Upload(ctx, dt.Meta(e.Backoffice), cmd.Upload{ClientID: "c1", Kind: doc.KindDocument, Title: "Daarna", FileName: "o.pdf", Content: dt.PDF})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := e.Docs.WaitFor(wctx, res.Position, rm.NameDocuments); err != nil {
		t.Fatalf("the read model stood still while a history was read: %v", err)
	}
	if d, err := e.Queries.Document(ctx, e.Backoffice, other); err != nil || d.Title != "Daarna" {
		t.Fatalf("the upload meanwhile: %+v %v", d, err)
	}
	close(slow.release)
	a := <-done
	if a.err != nil || a.d.ID != id || a.d.Title != "Geschiedenis" {
		t.Fatalf("the history: %+v %v", a.d, a.err)
	}
}
