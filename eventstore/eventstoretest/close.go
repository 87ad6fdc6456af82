package eventstoretest

import (
	"errors"

	"backoffice/eventstore"
)

var closeTests = []test{
	{"EndsSubscriptions", func(f *fx) {
		sub := f.caughtUp(f.ctx)
		if err := f.recvWhile(f.ctx, sub.sub, f.s.Close); !errors.Is(err, eventstore.ErrClosed) {
			f.t.Fatalf("Recv after the store closed = %v, want errors.Is ErrClosed", err)
		}
	}},
	{"RefusesUseAfterClose", func(f *fx) {
		name := stream("timesheet")
		res := f.mustAppend(name, eventstore.NoStream(), newEvents(2)...)
		if err := f.s.Close(); err != nil {
			f.t.Fatalf("Close: %v", err)
		}
		_, err := f.s.Append(f.ctx, name, eventstore.Exact(res.NextExpectedRevision), newEvents(1)...)
		wantIs(f.t, err, eventstore.ErrClosed, "Append on a closed store")
		_, err = f.s.ReadStream(f.ctx, name, eventstore.ReadStreamOptions{})
		wantIs(f.t, err, eventstore.ErrClosed, "ReadStream on a closed store")
		_, err = f.s.ReadStreams(f.ctx, eventstore.StreamRead{Stream: name})
		wantIs(f.t, err, eventstore.ErrClosed, "ReadStreams on a closed store")
		_, err = f.s.ReadAll(f.ctx, eventstore.Start, 10)
		wantIs(f.t, err, eventstore.ErrClosed, "ReadAll on a closed store")
		_, err = f.s.HeadPosition(f.ctx)
		wantIs(f.t, err, eventstore.ErrClosed, "HeadPosition on a closed store")
		sub, err := f.s.SubscribeAll(f.ctx, eventstore.Start)
		if err == nil {
			// Failing on the first Recv is as good as failing here.
			_, err = sub.Recv(f.ctx)
			sub.Close()
		}
		wantIs(f.t, err, eventstore.ErrClosed, "SubscribeAll on a closed store")
		if err := f.s.Close(); err != nil && !errors.Is(err, eventstore.ErrClosed) {
			f.t.Errorf("second Close = %v, want nil or ErrClosed", err)
		}
	}},
}
