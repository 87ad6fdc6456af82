package linkmail_test

import (
	"context"
	"testing"
	"time"

	"backoffice/internal/pgtest"
	"backoffice/notify/mail"
	"backoffice/readmodel"
)

// BenchmarkRequestAnswer measures the time until Request returns (the
// caller's 202) for a known and an unknown address, interleaved: storing
// the request is the same work for both, so the two should not differ
// beyond noise. Each request's background work is waited for outside the
// timed part.
func BenchmarkRequestAnswer(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.Pool(b, pgtest.NewDBFromTemplate(b, "readmodel", pgtest.WithPool(readmodel.Migrate)))
	disp, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: mail.SenderFunc(func(context.Context, mail.Message) error { return nil })})
	if err != nil {
		b.Fatal(err)
	}
	links, _ := annasLinks(ctx, b, pool, disp)
	var known, unknown time.Duration
	b.ResetTimer()
	for i := range b.N {
		addr, sum := "anna@flex.test", &known
		if i%2 == 1 {
			addr, sum = "niemand@flex.test", &unknown
		}
		start := time.Now()
		if err := links.Request(ctx, addr, ""); err != nil {
			b.Fatal(err)
		}
		*sum += time.Since(start)
		b.StopTimer()
		links.Wait()
		b.StartTimer()
	}
	n := float64(b.N / 2)
	b.ReportMetric(float64(known.Microseconds())/n, "known-µs/op")
	b.ReportMetric(float64(unknown.Microseconds())/n, "unknown-µs/op")
}
