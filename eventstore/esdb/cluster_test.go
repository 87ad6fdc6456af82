package esdb_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	clientesdb "github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/esdb"
	"backoffice/eventstore/eventstoretest"
	"backoffice/internal/esdbfake"
)

// TestRequiresLeaderHeader: every call the adapter makes asks for the
// leader. The v4 client puts the header on the incoming context, where it
// never reaches the server.
func TestRequiresLeaderHeader(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{})
	evs := appendN(t, ctx, s, "timesheet-1", 2)
	eventstoretest.ReadEachWay(t, ctx, s, "timesheet-1")
	sub := subscribeAll(t, ctx, s)
	wantIDs(t, recvCaughtUp(t, ctx, sub), evs)
	for _, m := range []esdbfake.Method{esdbfake.MethodAppend, esdbfake.MethodRead, esdbfake.MethodSubscribe} {
		calls, leader := srv.Calls(m), srv.LeaderCalls(m)
		if calls == 0 || leader != calls {
			t.Errorf("%s: %d of %d calls carried requires-leader, want all", m, leader, calls)
		}
	}
}

// TestFollowerSendsToLeader: after a leader change the client may still be
// connected to a node that is now a follower. Without the header that node
// would serve its own stale copy; with it, it answers not-leader and the
// adapter goes on at the leader, so a read sees every acknowledged append.
func TestFollowerSendsToLeader(t *testing.T) {
	ctx := testCtx(t)
	leader, follower := esdbfake.Start(t), esdbfake.Start(t)
	open := func(url string) *esdb.Store {
		s, err := esdb.Open(ctx, esdb.Config{URL: url, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	// The follower's copy stops at revision 0; the leader has gone on.
	stale := appendN(t, ctx, open(follower.URL()), "timesheet-1", 1)
	onLeader := open(leader.URL())
	if _, err := onLeader.Append(ctx, "timesheet-1", eventstore.NoStream(), stale[0]); err != nil {
		t.Fatal(err)
	}
	newer := ev(1)
	if _, err := onLeader.Append(ctx, "timesheet-1", eventstore.Exact(0), newer); err != nil {
		t.Fatal(err)
	}
	follower.SetFollowerOf(leader)

	s := open(follower.URL())
	wantStream(t, ctx, s, "timesheet-1", []eventstore.EventData{stale[0], newer})
	third := ev(2)
	if _, err := s.Append(ctx, "timesheet-1", eventstore.Exact(1), third); err != nil {
		t.Fatalf("Append at the leader's revision: %v", err)
	}
	if leader.EventCount() != 3 || follower.EventCount() != 1 {
		t.Fatalf("leader holds %d events, follower %d; want 3 and 1", leader.EventCount(), follower.EventCount())
	}
}

// TestAmbiguousAppend: the write landed but the answer was a failure (the
// server's commit timeout, a node lost after sending). The adapter reads
// the stream, finds its events and answers the original result; nothing is
// stored twice.
func TestAmbiguousAppend(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault esdbfake.Fault
	}{
		{"commit timed out", esdbfake.TimedOut(0)},
		{"not yet indexed", esdbfake.TimedOut(2)},
		{"unavailable after sending", esdbfake.Fault{Code: 14 /* Unavailable */, Message: "node lost", Store: true}},
		{"deadline exceeded", esdbfake.Fault{Code: 4 /* DeadlineExceeded */, Message: "deadline", Store: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			s, srv := newFakeStore(t, esdb.Config{})
			first := appendN(t, ctx, s, "timesheet-1", 1)
			srv.InjectFault(esdbfake.MethodAppend, tc.fault)
			batch := []eventstore.EventData{ev(1), ev(2)}
			res, err := s.Append(ctx, "timesheet-1", eventstore.Exact(0), batch...)
			if err != nil {
				t.Fatalf("Append = %v, want the original result", err)
			}
			got := wantStream(t, ctx, s, "timesheet-1", append(first, batch...))
			if res.NextExpectedRevision != 2 || res.Position != got[2].Position {
				t.Fatalf("result = %+v, want revision 2 at %s", res, got[2].Position)
			}
			if srv.EventCount() != 3 {
				t.Fatalf("server holds %d events, want 3", srv.EventCount())
			}
		})
	}
}

// TestAmbiguousAppendNotStored: the failure came before the write landed;
// the adapter sends it again and it lands once.
func TestAmbiguousAppendNotStored(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{})
	srv.InjectFault(esdbfake.MethodAppend, esdbfake.Fault{Code: 10 /* Aborted */, Message: "Operation timed out"})
	e := ev(0)
	if _, err := s.Append(ctx, "timesheet-1", eventstore.NoStream(), e); err != nil {
		t.Fatalf("Append = %v", err)
	}
	wantStream(t, ctx, s, "timesheet-1", []eventstore.EventData{e})
}

// TestAppendTooLarge: an append over EventStoreDB's MaxAppendSize is refused
// with a typed error before anything is sent, never split.
func TestAppendTooLarge(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{})
	big := ev(0)
	big.Data = []byte(`{"text":"` + strings.Repeat("x", 600*1024) + `"}`)
	other := ev(1)
	other.Data = big.Data
	_, err := s.Append(ctx, "timesheet-1", eventstore.NoStream(), big, other)
	if !errors.Is(err, eventstore.ErrAppendTooLarge) {
		t.Fatalf("Append = %v, want ErrAppendTooLarge", err)
	}
	if n := srv.Calls(esdbfake.MethodAppend); n != 0 {
		t.Fatalf("%d appends reached the server, want 0", n)
	}
	// One of them alone fits.
	if _, err := s.Append(ctx, "timesheet-1", eventstore.NoStream(), big); err != nil {
		t.Fatalf("Append of one: %v", err)
	}
	// A smaller configured limit (a server set lower) is honoured too.
	small, _ := newFakeStore(t, esdb.Config{MaxAppendSize: 1024})
	if _, err := small.Append(ctx, "timesheet-1", eventstore.NoStream(), big); !errors.Is(err, eventstore.ErrAppendTooLarge) {
		t.Fatalf("Append over a 1 KiB limit = %v, want ErrAppendTooLarge", err)
	}
}

// TestForeignEventsSkipped: on a shared cluster other applications write to
// $all too; their events (binary metadata, or JSON that is not ours) must
// neither stop ReadAll or a subscription nor reach the projectors.
func TestForeignEventsSkipped(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{})
	ours := appendN(t, ctx, s, "timesheet-1", 1)

	conf, err := clientesdb.ParseConnectionString(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := clientesdb.NewClient(conf)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, e := range []clientesdb.EventData{
		{EventID: uuid.New(), EventType: "OrderPlaced", ContentType: clientesdb.ContentTypeBinary, Data: []byte{0, 1, 2}, Metadata: []byte{0xff, 0xfe}},
		{EventID: uuid.New(), EventType: "OrderShipped", ContentType: clientesdb.ContentTypeJson, Data: []byte(`{}`), Metadata: []byte(`{"$correlationId":"x"}`)},
	} {
		if _, err := raw.AppendToStream(ctx, "orders-1", clientesdb.AppendToStreamOptions{}, e); err != nil {
			t.Fatal(err)
		}
	}
	ours = append(ours, appendN(t, ctx, s, "timesheet-1", 1)...)

	got, err := s.ReadAll(ctx, eventstore.Start, 10)
	if err != nil {
		t.Fatalf("ReadAll over foreign events: %v", err)
	}
	wantIDs(t, got, ours)
	sub := subscribeAll(t, ctx, s)
	wantIDs(t, recvCaughtUp(t, ctx, sub), ours)
	head, err := s.HeadPosition(ctx)
	if err != nil || head != got[1].Position {
		t.Fatalf("HeadPosition = %s, %v; want %s", head, err, got[1].Position)
	}
	if s.ForeignSkipped() < 4 {
		t.Fatalf("ForeignSkipped = %d, want both foreign events counted by ReadAll and the subscription", s.ForeignSkipped())
	}
}

// TestConnectHonoursContext: discovery against a node that accepts
// connections but never answers ignores contexts inside the client (about
// maxDiscoverAttempts × gossipTimeout, 50 s here); the caller's context must
// end the wait.
func TestConnectHonoursContext(t *testing.T) {
	url := silentNodeURL(t)
	s, err := esdb.New(esdb.Config{URL: url, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := s.ReadStream(ctx, "timesheet-1", eventstore.ReadStreamOptions{})
		done <- err
	}()
	// A bounded wait far below the client's own 50 s, not a timing claim.
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("ReadStream = %v, want the context's deadline", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("ReadStream still waits on discovery after its context ended")
	}
}

// TestFakeMaxAppendSize: the fake refuses an append over its MaxAppendSize
// as EventStoreDB does, so an adapter that sent one would fail.
func TestFakeMaxAppendSize(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{MaxAppendSize: 4 << 20})
	srv.SetMaxAppendSize(1024)
	big := ev(0)
	big.Data = []byte(`{"text":"` + string(bytes.Repeat([]byte("x"), 2048)) + `"}`)
	if _, err := s.Append(ctx, "timesheet-1", eventstore.NoStream(), big); err == nil {
		t.Fatal("the fake stored an append over its MaxAppendSize")
	}
	if srv.EventCount() != 0 {
		t.Fatalf("server holds %d events, want 0", srv.EventCount())
	}
}

// clusterStore connects a Store to a fake cluster through its gossip seeds.
func clusterStore(t testing.TB, url string) *esdb.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := esdb.Open(ctx, esdb.Config{URL: url, Logger: quiet,
		ResubscribeMinBackoff: time.Millisecond, ResubscribeMaxBackoff: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open %s: %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// movingLeader wraps a store on a fake cluster and moves the leadership to
// the next node after every few appends, so the conformance suite runs
// across leader changes.
func movingLeader(s eventstore.Store, c *esdbfake.Cluster, every int) eventstore.Store {
	var n, leader int
	var mu sync.Mutex
	return eventstore.Observed(s, func(op string, _ time.Duration, err error) {
		if op != "append" || err != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if n++; n%every == 0 {
			leader = (leader + 1) % len(c.Nodes)
			c.MoveLeader(leader)
		}
	})
}

// TestConformanceCluster runs the whole suite against a three-node fake
// cluster found through gossip, with the leader moving every 25th append.
func TestConformanceCluster(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventstore.Store {
		c := esdbfake.StartCluster(t, 3, esdbfake.ClusterOptions{})
		return movingLeader(clusterStore(t, "esdb://"+c.Seeds()+"?tls=false&discoveryInterval=10"), c, 25)
	})
}

// TestConformanceClusterTLS: the same over TLS with a test CA and the
// credentials a secure cluster requires.
func TestConformanceClusterTLS(t *testing.T) {
	cert, caFile := testCA(t)
	eventstoretest.Run(t, func(t *testing.T) eventstore.Store {
		c := esdbfake.StartCluster(t, 3, esdbfake.ClusterOptions{TLS: &cert, User: "admin", Password: "changeit"})
		return movingLeader(clusterStore(t, "esdb://admin:changeit@"+c.Seeds()+"?tlsCAFile="+caFile+"&discoveryInterval=10"), c, 25)
	})
}

// TestClusterCredentials: wrong credentials are refused, not retried as if
// the node were down.
func TestClusterCredentials(t *testing.T) {
	cert, caFile := testCA(t)
	c := esdbfake.StartCluster(t, 3, esdbfake.ClusterOptions{TLS: &cert, User: "admin", Password: "changeit"})
	s, err := esdb.New(esdb.Config{URL: "esdb://admin:wrong@" + c.Seeds() + "?tlsCAFile=" + caFile + "&discoveryInterval=10", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Append(testCtx(t), "timesheet-1", eventstore.NoStream(), ev(0))
	if err == nil || errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("Append with wrong credentials = %v, want a refusal that is not 'unavailable'", err)
	}
	if c.Leader().EventCount() != 0 {
		t.Fatal("an append with wrong credentials was stored")
	}
}

// TestClusterLeaderChangeUnderLoad: writers and a subscriber keep going
// while the leadership moves round the cluster; every acknowledged append
// is in the log once, and the subscriber sees the log in order.
func TestClusterLeaderChangeUnderLoad(t *testing.T) {
	ctx := testCtx(t)
	c := esdbfake.StartCluster(t, 3, esdbfake.ClusterOptions{})
	s := clusterStore(t, "esdb://"+c.Seeds()+"?tls=false&discoveryInterval=10")
	sub := subscribeAll(t, ctx, s)

	const writers, perWriter = 4, 30
	var mu sync.Mutex
	var acked []uuid.UUID
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := fmt.Sprintf("timesheet-%d", w)
			for i := range perWriter {
				e := ev(i)
				if _, err := s.Append(ctx, stream, eventstore.Any(), e); err != nil {
					t.Errorf("writer %d append %d: %v", w, i, err)
					return
				}
				mu.Lock()
				acked = append(acked, e.ID)
				mu.Unlock()
			}
		}()
	}
	for i := 1; i <= 6; i++ {
		waitFor(t, ctx, "progress before the next election", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(acked) >= i*writers*perWriter/8
		})
		c.MoveLeader(i % 3)
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	got, err := s.ReadAll(ctx, eventstore.Start, 10*writers*perWriter)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uuid.UUID]int{}
	for _, e := range got {
		seen[e.ID]++
	}
	for _, id := range acked {
		if seen[id] != 1 {
			t.Fatalf("acknowledged event %s is in the log %d times", id, seen[id])
		}
	}
	if len(got) != len(acked) {
		t.Fatalf("log holds %d events, %d were acknowledged", len(got), len(acked))
	}
	recv := recvEvents(t, ctx, sub, len(got))
	for i := range got {
		if recv[i].ID != got[i].ID {
			t.Fatalf("subscription event %d = %s, log has %s", i, recv[i].ID, got[i].ID)
		}
	}
}

// testCA makes a CA and a server certificate for 127.0.0.1 signed by it;
// it returns the certificate and the path of the CA's PEM file.
func testCA(t testing.TB) (tls.Certificate, string) {
	t.Helper()
	// issue makes a key and a certificate for it from tmpl, signed by
	// parent's key (self-signed when parent is nil).
	issue := func(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, []byte) {
		t.Helper()
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		return key, der
	}
	caKey, caDER := issue(&x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "esdbfake test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}, nil, nil)
	ca, _ := x509.ParseCertificate(caDER)
	key, der := issue(&x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "node"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca, caKey)
	caFile := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, caFile
}

// TestDeletedStreams: a tombstone's "$streamDeleted" event and a soft
// delete's "$metadata" event sit in $all; readers and subscriptions skip
// them. A soft-deleted stream reads as not found and can be written again,
// its revisions going on.
func TestDeletedStreams(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{})
	gone := appendN(t, ctx, s, "timesheet-1", 2)
	soft := appendN(t, ctx, s, "timesheet-2", 2)
	srv.Tombstone("timesheet-1")
	srv.SoftDelete("timesheet-2")
	if _, err := s.ReadStream(ctx, "timesheet-2", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("soft-deleted stream read = %v, want ErrStreamNotFound", err)
	}
	again := ev(9)
	res, err := s.Append(ctx, "timesheet-2", eventstore.NoStream(), again)
	if err != nil || res.NextExpectedRevision != 2 {
		t.Fatalf("append to the soft-deleted stream = %+v, %v; want revision 2", res, err)
	}
	got, err := s.ReadStream(ctx, "timesheet-2", eventstore.ReadStreamOptions{})
	if err != nil || len(got) != 1 || got[0].ID != again.ID || got[0].Revision != 2 {
		t.Fatalf("recreated stream = %+v, %v", got, err)
	}
	want := append(append(append([]eventstore.EventData(nil), gone...), soft...), again)
	all, err := s.ReadAll(ctx, eventstore.Start, 100)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, all, want)
	sub := subscribeAll(t, ctx, s)
	wantIDs(t, recvCaughtUp(t, ctx, sub), want)
}

// TestStuckCallGivesUpTheClient: a call the client never finishes (the v4
// client can block for good on its internal channel) answers
// ErrUnavailable after CallTimeout, and the next call runs on a new client.
func TestStuckCallGivesUpTheClient(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{CallTimeout: 300 * time.Millisecond})
	appendN(t, ctx, s, "timesheet-1", 1)
	gen := s.ClientGeneration()
	srv.InjectFault(esdbfake.MethodRead, esdbfake.Fault{Hang: true})
	if _, err := s.ReadStream(ctx, "timesheet-1", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("stuck read = %v, want ErrUnavailable", err)
	}
	got, err := s.ReadStream(ctx, "timesheet-1", eventstore.ReadStreamOptions{})
	if err != nil || len(got) != 1 {
		t.Fatalf("read after the stuck one = %d events, %v", len(got), err)
	}
	if s.ClientGeneration() <= gen {
		t.Fatalf("client generation %d, want a new client after %d", s.ClientGeneration(), gen)
	}
}

// silentNodeURL is a connection string to a node that accepts connections
// but never answers them: the client's discovery then takes about
// maxDiscoverAttempts × gossipTimeout (50 s here), ignoring contexts.
func silentNodeURL(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lis.Close() })
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	return "esdb://" + lis.Addr().String() + "?tls=false&maxDiscoverAttempts=10&gossipTimeout=5&discoveryInterval=100"
}
