// Package esdbfake is an in-process EventStoreDB stand-in: a gRPC server built
// from the official client's own generated protos, serving ServerFeatures,
// Streams.Append and Streams.Read (stream reads, $all reads and $all
// subscriptions) over memory. EventStoreDB cannot run on our machines, so the
// esdb adapter is tested through the real v4 client against this server.
//
// It reproduces the wire facts the client depends on:
//   - every event carries the "type", "content-type" and "created" (.NET ticks
//     since the Unix epoch, as a decimal string) system metadata; without
//     them the client calls log.Fatalf;
//   - a plain read answers only Event or StreamNotFound messages;
//   - a subscription starts with a Confirmation, then events, Checkpoint
//     messages (filtered subscriptions) and one CaughtUp;
//   - a wrong expected version is a variant of the append response, not a
//     gRPC error; an exact repeat of an append (same event IDs at the
//     revisions after the expected one) succeeds without a position, as
//     EventStoreDB's idempotency check does;
//   - the server version in ServerFeatures is plain numbers.
//
// Positions are (commit, prepare) with commit == prepare, strictly increasing
// and deliberately not dense. $all reads from a position include the event at
// that position (as EventStoreDB does); subscriptions from a position start
// after it.
//
// Failure hooks (InjectFault, SetUnavailable, DropSubscriptions,
// ConsumerTooSlow, Tombstone) let tests exercise the adapter's recovery.
//
// Connect with URL(): a single-node "esdb://127.0.0.1:PORT?tls=false"
// connection string, for which the client calls ServerFeatures but no Gossip.
package esdbfake

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/gossip"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/serverfeatures"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
)

// Method names a server operation for InjectFault and Calls.
type Method string

const (
	MethodFeatures  Method = "features"  // ServerFeatures.GetSupportedMethods (every connect)
	MethodAppend    Method = "append"    // Streams.Append
	MethodRead      Method = "read"      // Streams.Read with a count (stream or $all)
	MethodSubscribe Method = "subscribe" // Streams.Read as a subscription
)

// Fault is a failure the server answers with instead of doing the work.
type Fault struct {
	Code    codes.Code
	Message string
	// Trailer is sent with the error; the client reads "exception" and its
	// companions from it (not-leader, stream-deleted).
	Trailer metadata.MD
	// Store (appends only) makes the server store the append before it
	// answers with the fault: the write landed, the answer says it failed,
	// as when EventStoreDB's commit times out after the prepare was written.
	Store bool
	// HideReads (with Store) keeps the stored events out of the next
	// HideReads reads, as while the server has not indexed them yet; a
	// repeat of that append in the meantime is dropped with a timeout.
	HideReads int
	// Hang makes the call never answer (until the client gives it up).
	Hang bool
}

// TimedOut is the fault of an append whose write landed but whose commit
// acknowledgement did not come in time: EventStoreDB answers Aborted
// "Operation timed out". hideReads > 0 also keeps the events unindexed for
// that many reads (see Fault.HideReads).
func TimedOut(hideReads int) Fault {
	return Fault{Code: codes.Aborted, Message: "Operation timed out: Commit timed out", Store: true, HideReads: hideReads}
}

// Unavailable is the fault of a node that cannot serve right now.
func Unavailable() Fault {
	return Fault{Code: codes.Unavailable, Message: "esdbfake: node unavailable"}
}

// NotLeader is the fault of a follower asked to do a leader's work; the
// client reconnects to host:port.
func NotLeader(host string, port int) Fault {
	return Fault{
		Code:    codes.NotFound,
		Message: "Leader info available",
		Trailer: metadata.Pairs(
			"exception", "not-leader",
			"leader-endpoint-host", host,
			"leader-endpoint-port", strconv.Itoa(port),
		),
	}
}

// StreamDeleted is the fault for a tombstoned stream.
func StreamDeleted(stream string) Fault {
	return Fault{
		Code:    codes.FailedPrecondition,
		Message: fmt.Sprintf("Event stream '%s' is deleted.", stream),
		Trailer: metadata.Pairs("exception", "stream-deleted", "stream-name", stream),
	}
}

func (f Fault) err() error { return status.Error(f.Code, f.Message) }

// ConsumerTooSlowMessage is what EventStoreDB says when it drops a live
// subscription whose client does not keep up.
const ConsumerTooSlowMessage = "Consumer too slow to handle event while live. Client resubscription required."

// Version is the server version reported by ServerFeatures.
const Version = "23.10.0"

type event struct {
	id          uuid.UUID
	stream      string
	revision    uint64
	position    uint64
	typ         string
	contentType string
	created     int64 // .NET ticks since the Unix epoch
	data        []byte
	meta        []byte
}

// Server is the fake. Create it with Start or New.
type Server struct {
	mu         sync.Mutex
	all        []*event
	streams    map[string][]*event
	tombstoned map[string]bool
	truncated  map[string]int // soft-deleted streams: events before this revision are gone
	wake       chan struct{}  // closed and replaced on every append
	faults     map[Method][]Fault
	down       bool
	calls      map[Method]int
	subs       map[int]chan error // live subscriptions: send an error to end one
	nextSub    int
	// leaderCalls counts the calls that arrived with the requires-leader
	// header, per method.
	leaderCalls map[Method]int
	// leader, when set, makes this node a follower of it (SetFollowerOf);
	// leaderAddr is its address, kept here so that no lock of the leader is
	// needed while this node's is held.
	leader     *Server
	leaderAddr string
	// hidden holds events not indexed yet: their IDs with the reads left
	// before they show.
	hidden map[uuid.UUID]int
	// maxAppendSize is the server's MaxAppendSize (default 1 MiB).
	maxAppendSize int
	// tlsCert, when set, makes Listen serve TLS with it.
	tlsCert *tls.Certificate
	// user and password, when set, are required on every call (basic auth).
	user, password string
	// cluster, when set, answers gossip; a lone server gossips itself as
	// the leader.
	cluster *Cluster
	// conns counts the connections accepted (see Connections), open those
	// not ended yet (see OpenConnections).
	conns, open int

	grpc *grpc.Server
	lis  net.Listener

	streamsServer
	featuresServer
}

// New returns a server that is not listening yet; call Listen.
func New() *Server {
	s := &Server{
		streams:    map[string][]*event{},
		tombstoned: map[string]bool{},
		truncated:  map[string]int{},
		wake:       make(chan struct{}),
		faults:     map[Method][]Fault{},
		calls:      map[Method]int{},
		subs:       map[int]chan error{},

		leaderCalls:   map[Method]int{},
		hidden:        map[uuid.UUID]int{},
		maxAppendSize: DefaultMaxAppendSize,
	}
	s.streamsServer.s = s
	s.featuresServer.s = s
	return s
}

// Start starts a server on 127.0.0.1 and a free port and stops it when the
// test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := New()
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatalf("esdbfake: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Listen starts serving on addr (host:port; port 0 picks a free one).
func (s *Server) Listen(addr string) error {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("esdbfake: listen: %w", err)
	}
	opts := []grpc.ServerOption{
		// EventStoreDB accepts the client's keepalive pings (every 10 s by
		// default); gRPC's default policy would answer them with GOAWAY
		// "too_many_pings" and drop the connection.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: time.Second, PermitWithoutStream: true}),
	}
	opts = append(opts, grpc.StatsHandler(connCounter{s}))
	s.mu.Lock()
	if s.tlsCert != nil {
		opts = append(opts, grpc.Creds(credentials.NewServerTLSFromCert(s.tlsCert)))
	}
	s.mu.Unlock()
	g := grpc.NewServer(opts...)
	api.RegisterStreamsServer(g, &s.streamsServer)
	serverfeatures.RegisterServerFeaturesServer(g, &s.featuresServer)
	gossip.RegisterGossipServer(g, &gossipServer{s: s})
	s.mu.Lock()
	s.grpc, s.lis = g, lis
	s.mu.Unlock()
	go func() { _ = g.Serve(lis) }()
	return nil
}

// Stop ends every call and closes the listener.
func (s *Server) Stop() {
	s.mu.Lock()
	g := s.grpc
	s.mu.Unlock()
	if g != nil {
		g.Stop()
	}
}

// Addr is the listening address, host:port.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lis == nil {
		return ""
	}
	return s.lis.Addr().String()
}

// Port is the listening port.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// URL is a single-node connection string for the v4 client.
func (s *Server) URL() string { return "esdb://" + s.Addr() + "?tls=false" }

// InjectFault makes the next call of method fail with f. Faults queue up:
// n calls to InjectFault fail the next n calls.
func (s *Server) InjectFault(m Method, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[m] = append(s.faults[m], f)
}

// SetUnavailable makes every call (connects included) fail with Unavailable
// while on is true: the node is down but its port still answers.
func (s *Server) SetUnavailable(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = on
}

// Connections counts the client connections the server accepted so far: a
// connection the server dropped (e.g. for pinging too often) shows as a
// reconnect.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// OpenConnections counts the client connections open now: a client that
// leaves a connection behind shows here.
func (s *Server) OpenConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open
}

// connCounter counts accepted connections for Connections.
type connCounter struct{ s *Server }

func (c connCounter) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (c connCounter) HandleRPC(context.Context, stats.RPCStats)                         {}
func (c connCounter) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (c connCounter) HandleConn(_ context.Context, st stats.ConnStats) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	switch st.(type) {
	case *stats.ConnBegin:
		c.s.conns++
		c.s.open++
	case *stats.ConnEnd:
		c.s.open--
	}
}

// Calls counts the calls of method received so far (failed ones included).
func (s *Server) Calls(m Method) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[m]
}

// Subscriptions is the number of subscriptions currently open.
func (s *Server) Subscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}

// DropSubscriptions ends every open subscription with an Unavailable error,
// as when the node the client is subscribed to goes away.
func (s *Server) DropSubscriptions() int {
	return s.endSubscriptions(status.Error(codes.Unavailable, "esdbfake: subscription dropped"))
}

// ConsumerTooSlow ends every open subscription the way EventStoreDB drops a
// live subscriber that falls too far behind.
func (s *Server) ConsumerTooSlow() int {
	return s.endSubscriptions(status.Error(codes.Aborted, ConsumerTooSlowMessage))
}

func (s *Server) endSubscriptions(err error) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, ch := range s.subs {
		select {
		case ch <- err:
			n++
		default:
		}
		delete(s.subs, id)
	}
	return n
}

// Tombstone deletes a stream for good: reads and appends fail with the
// stream-deleted exception from then on.
//
// Like EventStoreDB it writes a "$streamDeleted" event to the stream, which
// shows in $all (at the stream's maximal revision).
func (s *Server) Tombstone(stream string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tombstoned[stream] = true
	s.store(stream, []*api.AppendReq_ProposedMessage{{
		Id:       uuidToProto(uuid.New()),
		Metadata: map[string]string{"type": "$streamDeleted", "content-type": "application/json"},
		Data:     []byte("{}"),
	}})
	last := s.all[len(s.all)-1]
	last.revision = math.MaxInt64
	s.streams[stream] = s.streams[stream][:len(s.streams[stream])-1]
}

// SoftDelete deletes a stream the way EventStoreDB's Delete does: its
// metadata gets a truncate-before past the last event (a "$metadata" event in
// "$$stream", visible in $all), reads answer stream-not-found, and an append
// expecting no stream recreates it with revisions going on from the old
// last one.
func (s *Server) SoftDelete(stream string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.truncated[stream] = len(s.streams[stream])
	s.store("$$"+stream, []*api.AppendReq_ProposedMessage{{
		Id:       uuidToProto(uuid.New()),
		Metadata: map[string]string{"type": "$metadata", "content-type": "application/json"},
		Data:     []byte(fmt.Sprintf(`{"$tb":%d}`, len(s.streams[stream]))),
	}})
}

// AppendSystemEvent stores an event with a system type (it should start with
// "$") in stream, bypassing every check, so tests can see filters and
// checkpoints at work.
func (s *Server) AppendSystemEvent(stream, typ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store(stream, []*api.AppendReq_ProposedMessage{{
		Id:       uuidToProto(uuid.New()),
		Metadata: map[string]string{"type": typ, "content-type": "application/json"},
		Data:     []byte("{}"),
	}})
}

// EventCount is the number of events in the log, system events included.
func (s *Server) EventCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.all)
}

// DefaultMaxAppendSize is EventStoreDB's default MaxAppendSize (1 MiB).
const DefaultMaxAppendSize = 1 << 20

// SetMaxAppendSize sets the server's MaxAppendSize in bytes.
func (s *Server) SetMaxAppendSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxAppendSize = n
}

// LeaderCalls counts the calls of method that arrived with the
// "requires-leader: true" header.
func (s *Server) LeaderCalls(m Method) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leaderCalls[m]
}

// SetFollowerOf makes this node a follower of leader, as a node of a
// cluster after an election: a call with the "requires-leader" header is
// answered with not-leader and the leader's address; a call without it is
// served here, as a real follower does: reads from this node's own copy
// (stale: nothing of the leader's is replicated to it), appends forwarded
// to the leader. nil makes the node a leader again.
func (s *Server) SetFollowerOf(leader *Server) {
	addr := ""
	if leader != nil {
		addr = leader.Addr()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.leader, s.leaderAddr = leader, addr
}

// requiresLeader reports the "requires-leader: true" request header. The v4
// client must send it on the outgoing context; one it puts on its incoming
// context never reaches the server.
func requiresLeader(ctx context.Context) bool {
	md, _ := metadata.FromIncomingContext(ctx)
	for _, v := range md.Get("requires-leader") {
		if v == "true" {
			return true
		}
	}
	return false
}

// enter counts a call and returns the fault to answer with, if any.
func (s *Server) enter(ctx context.Context, m Method) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[m]++
	// ServerFeatures (read while connecting) needs no credentials.
	if s.user != "" && m != MethodFeatures && !authorized(ctx, s.user, s.password) {
		return Fault{Code: codes.Unauthenticated, Message: "esdbfake: bad or missing credentials"}, true
	}
	leaderWanted := requiresLeader(ctx)
	if leaderWanted {
		s.leaderCalls[m]++
	}
	if s.down {
		return Unavailable(), true
	}
	if s.leader != nil && leaderWanted && m != MethodFeatures {
		return s.notLeaderLocked(), true
	}
	if q := s.faults[m]; len(q) > 0 {
		s.faults[m] = q[1:]
		return q[0], true
	}
	return Fault{}, false
}

// notLeaderLocked is the not-leader answer naming this follower's leader;
// the caller holds s.mu.
func (s *Server) notLeaderLocked() Fault {
	host, port, _ := net.SplitHostPort(s.leaderAddr)
	p, _ := strconv.Atoi(port)
	return NotLeader(host, p)
}

// follower is the leader this node forwards appends to, or nil.
func (s *Server) follower() *Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leader
}

func fail(ctx context.Context, f Fault) error {
	if f.Hang {
		<-ctx.Done()
		return ctx.Err()
	}
	if len(f.Trailer) > 0 {
		_ = grpc.SetTrailer(ctx, f.Trailer)
	}
	return f.err()
}

// store appends to the log; the caller holds s.mu.
func (s *Server) store(stream string, msgs []*api.AppendReq_ProposedMessage) {
	created := time.Now().UnixNano() / 100
	for _, m := range msgs {
		var pos uint64 = 1024
		if n := len(s.all); n > 0 {
			// Not dense, like real log offsets: callers must not do arithmetic.
			pos = s.all[n-1].position + 64 + uint64(len(m.Data))
		}
		e := &event{
			id:          uuidFromProto(m.Id),
			stream:      stream,
			revision:    uint64(len(s.streams[stream])),
			position:    pos,
			typ:         m.Metadata["type"],
			contentType: m.Metadata["content-type"],
			created:     created,
			data:        append([]byte(nil), m.Data...),
			meta:        append([]byte(nil), m.CustomMetadata...),
		}
		s.all = append(s.all, e)
		s.streams[stream] = append(s.streams[stream], e)
	}
	close(s.wake)
	s.wake = make(chan struct{})
}

type featuresServer struct {
	serverfeatures.UnimplementedServerFeaturesServer
	s *Server
}

func (f *featuresServer) GetSupportedMethods(ctx context.Context, _ *shared.Empty) (*serverfeatures.SupportedMethods, error) {
	if fault, ok := f.s.enter(ctx, MethodFeatures); ok {
		return nil, fail(ctx, fault)
	}
	return &serverfeatures.SupportedMethods{
		EventStoreServerVersion: Version,
		Methods: []*serverfeatures.SupportedMethod{
			{ServiceName: "event_store.client.streams.streams", MethodName: "read"},
			{ServiceName: "event_store.client.streams.streams", MethodName: "append"},
		},
	}, nil
}

type streamsServer struct {
	api.UnimplementedStreamsServer
	s *Server
}

func (ss *streamsServer) Append(stream api.Streams_AppendServer) error {
	s := ss.s
	ctx := stream.Context()
	fault, faulty := s.enter(ctx, MethodAppend)
	if faulty && !fault.Store {
		// Read the request first, as a real node does: failing before the
		// client has sent its messages makes its Send report a bare EOF.
		for {
			if _, err := stream.Recv(); err != nil {
				break
			}
		}
		return fail(ctx, fault)
	}
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	opts := first.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "esdbfake: append must start with options")
	}
	name := string(opts.GetStreamIdentifier().GetStreamName())
	var msgs []*api.AppendReq_ProposedMessage
	size := 0
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		m := req.GetProposedMessage()
		if m == nil {
			return status.Error(codes.InvalidArgument, "esdbfake: expected a proposed message")
		}
		for _, k := range []string{"type", "content-type"} {
			if _, ok := m.Metadata[k]; !ok {
				return status.Errorf(codes.InvalidArgument, "esdbfake: proposed message without %q metadata", k)
			}
		}
		// EventStoreDB sums Event.SizeOnDisk (data + metadata + 2 bytes per
		// character of the type) while the messages arrive and fails the
		// call mid-stream once the sum passes MaxAppendSize.
		size += len(m.Data) + len(m.CustomMetadata) + 2*len([]rune(m.Metadata["type"]))
		if max := s.appendLimit(); size > max {
			return fail(ctx, Fault{
				Code:    codes.InvalidArgument,
				Message: fmt.Sprintf("Maximum Append Size of %d Exceeded.", max),
				Trailer: metadata.Pairs("exception", "maximum-append-size-exceeded", "maximum-append-size", strconv.Itoa(max)),
			})
		}
		msgs = append(msgs, m)
	}

	target := s
	if leader := s.follower(); leader != nil {
		target = leader // a follower forwards the write to its leader
	}
	resp, err := target.apply(ctx, name, opts, msgs, fault)
	if err != nil {
		return err
	}
	return stream.SendAndClose(resp)
}

func (s *Server) appendLimit() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxAppendSize
}

// apply decides and stores one append. A fault with Store set is answered
// after the events are stored.
func (s *Server) apply(ctx context.Context, name string, opts *api.AppendReq_Options, msgs []*api.AppendReq_ProposedMessage, fault Fault) (*api.AppendResp, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leader != nil {
		// Deposed while the request was on its way: a follower never
		// stores a write itself.
		return nil, fail(ctx, s.notLeaderLocked())
	}
	if s.tombstoned[name] {
		return nil, fail(ctx, StreamDeleted(name))
	}
	for _, m := range msgs {
		if s.hidden[uuidFromProto(m.Id)] > 0 {
			// EventStoreDB drops a repeat of a write it has not indexed yet
			// and lets the client time out.
			return nil, fail(ctx, TimedOut(0))
		}
	}
	evs := s.streams[name]
	tb := s.truncated[name]
	exists := len(evs) > tb
	current := uint64(len(evs)) - 1

	// EventStoreDB's idempotency check: the same IDs already sit right after
	// the expected revision. It answers with the position of the last one.
	var from uint64
	check := false
	switch e := opts.ExpectedStreamRevision.(type) {
	case *api.AppendReq_Options_NoStream:
		from, check = uint64(tb), exists
	case *api.AppendReq_Options_Revision:
		from, check = e.Revision+1, exists && current > e.Revision
	}
	if check && len(msgs) > 0 && from+uint64(len(msgs)) <= uint64(len(evs)) {
		same := true
		for i, m := range msgs {
			if evs[from+uint64(i)].id != uuidFromProto(m.Id) {
				same = false
				break
			}
		}
		if same {
			last := evs[from+uint64(len(msgs))-1]
			return &api.AppendResp{Result: &api.AppendResp_Success_{Success: &api.AppendResp_Success{
				CurrentRevisionOption: &api.AppendResp_Success_CurrentRevision{CurrentRevision: last.revision},
				PositionOption: &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{
					CommitPosition: last.position, PreparePosition: last.position,
				}},
			}}}, nil
		}
	}

	ok := true
	wrong := &api.AppendResp_WrongExpectedVersion{}
	switch e := opts.ExpectedStreamRevision.(type) {
	case *api.AppendReq_Options_NoStream:
		ok = !exists
		wrong.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: &shared.Empty{}}
	case *api.AppendReq_Options_StreamExists:
		ok = exists
		wrong.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: &shared.Empty{}}
	case *api.AppendReq_Options_Revision:
		ok = exists && current == e.Revision
		wrong.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: e.Revision}
	default:
		wrong.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}}
	}
	if !ok {
		if exists {
			wrong.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: current}
		} else {
			wrong.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
		}
		return &api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: wrong}}, nil
	}
	if len(msgs) == 0 {
		success := &api.AppendResp_Success{PositionOption: &api.AppendResp_Success_NoPosition{NoPosition: &shared.Empty{}}}
		if exists {
			success.CurrentRevisionOption = &api.AppendResp_Success_CurrentRevision{CurrentRevision: current}
		} else {
			success.CurrentRevisionOption = &api.AppendResp_Success_NoStream{NoStream: &shared.Empty{}}
		}
		return &api.AppendResp{Result: &api.AppendResp_Success_{Success: success}}, nil
	}
	s.store(name, msgs)
	if fault.Store {
		for _, m := range msgs {
			if fault.HideReads > 0 {
				s.hidden[uuidFromProto(m.Id)] = fault.HideReads
			}
		}
		return nil, fail(ctx, fault)
	}
	last := s.all[len(s.all)-1]
	return &api.AppendResp{Result: &api.AppendResp_Success_{Success: &api.AppendResp_Success{
		CurrentRevisionOption: &api.AppendResp_Success_CurrentRevision{CurrentRevision: last.revision},
		PositionOption: &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{
			CommitPosition: last.position, PreparePosition: last.position,
		}},
	}}}, nil
}

func (ss *streamsServer) Read(req *api.ReadReq, stream api.Streams_ReadServer) error {
	opts := req.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "esdbfake: read without options")
	}
	if opts.GetSubscription() != nil {
		return ss.subscribe(opts, stream)
	}
	s := ss.s
	if fault, ok := s.enter(stream.Context(), MethodRead); ok {
		return fail(stream.Context(), fault)
	}
	match, _, err := filterOf(opts)
	if err != nil {
		return err
	}
	count := opts.GetCount()
	backwards := opts.ReadDirection == api.ReadReq_Options_Backwards

	s.mu.Lock()
	var out []*event
	var notFound string
	if so := opts.GetStream(); so != nil {
		name := string(so.GetStreamIdentifier().GetStreamName())
		if s.tombstoned[name] {
			s.mu.Unlock()
			return fail(stream.Context(), StreamDeleted(name))
		}
		evs := s.indexed(s.streams[name][s.truncated[name]:])
		if len(evs) == 0 {
			notFound = name
		} else {
			out = pick(evs, count, backwards, func(e *event) int {
				switch r := so.RevisionOption.(type) {
				case *api.ReadReq_Options_StreamOptions_Revision:
					return cmp(e.revision, r.Revision)
				case *api.ReadReq_Options_StreamOptions_End:
					return fromEnd(backwards)
				}
				return fromStart(backwards)
			}, nil)
		}
	} else {
		ao := opts.GetAll()
		out = pick(s.all, count, backwards, func(e *event) int {
			switch p := ao.GetAllOption().(type) {
			case *api.ReadReq_Options_AllOptions_Position:
				c := cmpPos(e.position, e.position, p.Position.CommitPosition, p.Position.PreparePosition)
				if backwards && c == 0 {
					// EventStoreDB reads $all backwards from before the
					// position: the event at it is not included.
					return 1
				}
				return c
			case *api.ReadReq_Options_AllOptions_End:
				return fromEnd(backwards)
			}
			return fromStart(backwards)
		}, match)
	}
	s.ageHidden()
	s.mu.Unlock()

	if notFound != "" {
		return stream.Send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{StreamNotFound: &api.ReadResp_StreamNotFound{
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(notFound)},
		}}})
	}
	for _, e := range out {
		if err := stream.Send(readEvent(e)); err != nil {
			return err
		}
	}
	return nil
}

// fromEnd is pick's where for a read from the end: forwards nothing,
// backwards every event.
func fromEnd(backwards bool) int {
	if backwards {
		return -1
	}
	return 1
}

// fromStart is pick's where for a read from the start (no position given):
// forwards every event, backwards nothing.
func fromStart(backwards bool) int {
	if backwards {
		return 1
	}
	return 0
}

// pick selects up to count events from evs. where(e) compares e with the
// start: forwards reads take events with where >= 0, backwards reads events
// with where <= 0; both include the starting event itself.
func pick(evs []*event, count uint64, backwards bool, where func(*event) int, match func(*event) bool) []*event {
	var out []*event
	take := func(e *event) bool {
		if match == nil || match(e) {
			out = append(out, e)
		}
		return uint64(len(out)) >= count
	}
	if backwards {
		for i := len(evs) - 1; i >= 0; i-- {
			if where(evs[i]) <= 0 && take(evs[i]) {
				break
			}
		}
		return out
	}
	for _, e := range evs {
		if where(e) >= 0 && take(e) {
			break
		}
	}
	return out
}

// indexed leaves out the events the server has not indexed yet; the caller
// holds s.mu.
func (s *Server) indexed(evs []*event) []*event {
	if len(s.hidden) == 0 {
		return evs
	}
	out := make([]*event, 0, len(evs))
	for _, e := range evs {
		if s.hidden[e.id] == 0 {
			out = append(out, e)
		}
	}
	return out
}

// ageHidden counts one read against every unindexed event; the caller holds
// s.mu.
func (s *Server) ageHidden() {
	for id, n := range s.hidden {
		if n <= 1 {
			delete(s.hidden, id)
		} else {
			s.hidden[id] = n - 1
		}
	}
}

// cmpPos compares two $all positions as (commit, prepare) pairs.
func cmpPos(commitA, prepareA, commitB, prepareB uint64) int {
	if c := cmp(commitA, commitB); c != 0 {
		return c
	}
	return cmp(prepareA, prepareB)
}

func cmp(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// filterOf compiles the read's server-side filter; window is the number of
// events scanned between checkpoints (0: no checkpoints).
func filterOf(opts *api.ReadReq_Options) (func(*event) bool, int, error) {
	f := opts.GetFilter()
	if f == nil {
		return nil, 0, nil
	}
	expr := f.GetEventType()
	onType := expr != nil
	if !onType {
		expr = f.GetStreamIdentifier()
	}
	if expr == nil {
		return nil, 0, status.Error(codes.InvalidArgument, "esdbfake: filter without expression")
	}
	var re *regexp.Regexp
	if expr.Regex != "" {
		var err error
		if re, err = regexp.Compile(expr.Regex); err != nil {
			return nil, 0, status.Errorf(codes.InvalidArgument, "esdbfake: filter regex: %v", err)
		}
	}
	prefixes := expr.Prefix
	match := func(e *event) bool {
		v := e.stream
		if onType {
			v = e.typ
		}
		if re != nil && !re.MatchString(v) {
			return false
		}
		if len(prefixes) > 0 {
			for _, p := range prefixes {
				if strings.HasPrefix(v, p) {
					return true
				}
			}
			return false
		}
		return true
	}
	window := int(f.GetMax())
	if window == 0 {
		window = 32
	}
	if m := int(f.CheckpointIntervalMultiplier); m > 0 {
		window *= m
	}
	return match, window, nil
}

func (ss *streamsServer) subscribe(opts *api.ReadReq_Options, stream api.Streams_ReadServer) error {
	s := ss.s
	ctx := stream.Context()
	if fault, ok := s.enter(ctx, MethodSubscribe); ok {
		return fail(ctx, fault)
	}
	ao := opts.GetAll()
	if ao == nil {
		return status.Error(codes.Unimplemented, "esdbfake: only $all subscriptions are implemented")
	}
	match, window, err := filterOf(opts)
	if err != nil {
		return err
	}

	s.mu.Lock()
	next := 0 // index into s.all of the next event to look at
	switch p := ao.GetAllOption().(type) {
	case *api.ReadReq_Options_AllOptions_End:
		next = len(s.all)
	case *api.ReadReq_Options_AllOptions_Position:
		for next < len(s.all) && cmpPos(s.all[next].position, s.all[next].position, p.Position.CommitPosition, p.Position.PreparePosition) <= 0 {
			next++
		}
	}
	caughtUpAt := len(s.all)
	id := s.nextSub
	s.nextSub++
	drop := make(chan error, 1)
	s.subs[id] = drop
	if s.leader != nil && requiresLeader(ctx) {
		// Deposed between the call's arrival and now.
		f := s.notLeaderLocked()
		delete(s.subs, id)
		s.mu.Unlock()
		return fail(ctx, f)
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}()

	if err := stream.Send(&api.ReadResp{Content: &api.ReadResp_Confirmation{Confirmation: &api.ReadResp_SubscriptionConfirmation{
		SubscriptionId: fmt.Sprintf("esdbfake-%d", id),
	}}}); err != nil {
		return err
	}
	scanned := 0
	sentCaughtUp := false
	for {
		s.mu.Lock()
		batch := append([]*event(nil), s.all[next:]...)
		wake := s.wake
		s.mu.Unlock()
		for _, e := range batch {
			select {
			case err := <-drop:
				return err
			default:
			}
			next++
			if match == nil || match(e) {
				if err := stream.Send(readEvent(e)); err != nil {
					return err
				}
			}
			if window > 0 {
				if scanned++; scanned >= window {
					scanned = 0
					if err := stream.Send(&api.ReadResp{Content: &api.ReadResp_Checkpoint_{Checkpoint: &api.ReadResp_Checkpoint{
						CommitPosition: e.position, PreparePosition: e.position,
					}}}); err != nil {
						return err
					}
				}
			}
		}
		if !sentCaughtUp && next >= caughtUpAt {
			sentCaughtUp = true
			if window > 0 && next > 0 {
				// A filtered subscription ends its catch-up with a checkpoint
				// at the last event it scanned, as EventStoreDB does.
				e := s.lastScanned(next)
				if err := stream.Send(&api.ReadResp{Content: &api.ReadResp_Checkpoint_{Checkpoint: &api.ReadResp_Checkpoint{
					CommitPosition: e.position, PreparePosition: e.position,
				}}}); err != nil {
					return err
				}
			}
			if err := stream.Send(&api.ReadResp{Content: &api.ReadResp_CaughtUp_{CaughtUp: &api.ReadResp_CaughtUp{}}}); err != nil {
				return err
			}
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-wake:
		case err := <-drop:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// lastScanned is the event before index next of the log.
func (s *Server) lastScanned(next int) *event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.all[next-1]
}

func readEvent(e *event) *api.ReadResp {
	return &api.ReadResp{Content: &api.ReadResp_Event{Event: &api.ReadResp_ReadEvent{
		Event: &api.ReadResp_ReadEvent_RecordedEvent{
			Id:               uuidToProto(e.id),
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(e.stream)},
			StreamRevision:   e.revision,
			PreparePosition:  e.position,
			CommitPosition:   e.position,
			Metadata: map[string]string{
				"type":         e.typ,
				"content-type": e.contentType,
				"created":      strconv.FormatInt(e.created, 10),
			},
			CustomMetadata: e.meta,
			Data:           e.data,
		},
		Position: &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: e.position},
	}}}
}

func uuidToProto(id uuid.UUID) *shared.UUID {
	var most, least uint64
	for i := 0; i < 8; i++ {
		most = most<<8 | uint64(id[i])
		least = least<<8 | uint64(id[8+i])
	}
	return &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{
		MostSignificantBits: int64(most), LeastSignificantBits: int64(least),
	}}}
}

func uuidFromProto(u *shared.UUID) uuid.UUID {
	if st := u.GetStructured(); st != nil {
		var id uuid.UUID
		most, least := uint64(st.MostSignificantBits), uint64(st.LeastSignificantBits)
		for i := 7; i >= 0; i-- {
			id[i] = byte(most)
			id[8+i] = byte(least)
			most >>= 8
			least >>= 8
		}
		return id
	}
	id, _ := uuid.Parse(u.GetString_())
	return id
}
