package eventstoretest

import (
	"errors"

	"backoffice/eventstore"
)

func wantClosed(f *fx, err error, what string) {
	f.t.Helper()
	if !errors.Is(err, eventstore.ErrClosed) {
		f.t.Errorf("%s on a closed store = %v, want errors.Is ErrClosed", what, err)
	}
}

var closeTests = []test{
	{"EndsSubscriptions", func(f *fx) {
		sub := f.caughtUp(f.ctx)
		done := recvAsync(f.ctx, sub.sub)
		if err := f.s.Close(); err != nil {
			f.t.Fatalf("Close: %v", err)
		}
		if err := f.awaitRecvErr(done); !errors.Is(err, eventstore.ErrClosed) {
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
		wantClosed(f, err, "Append")
		_, err = f.s.ReadStream(f.ctx, name, eventstore.ReadStreamOptions{})
		wantClosed(f, err, "ReadStream")
		_, err = f.s.ReadStreams(f.ctx, eventstore.StreamRead{Stream: name})
		wantClosed(f, err, "ReadStreams")
		_, err = f.s.ReadAll(f.ctx, eventstore.Start, 10)
		wantClosed(f, err, "ReadAll")
		_, err = f.s.HeadPosition(f.ctx)
		wantClosed(f, err, "HeadPosition")
		sub, err := f.s.SubscribeAll(f.ctx, eventstore.Start)
		if err == nil {
			// Failing on the first Recv is as good as failing here.
			_, err = sub.Recv(f.ctx)
			sub.Close()
		}
		wantClosed(f, err, "SubscribeAll")
		if err := f.s.Close(); err != nil && !errors.Is(err, eventstore.ErrClosed) {
			f.t.Errorf("second Close = %v, want nil or ErrClosed", err)
		}
	}},
}
