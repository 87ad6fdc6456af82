package esdbfake

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/gossip"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// UseTLS makes the server serve TLS with cert (call before Listen). Connect
// with "?tlsCAFile=..." naming the CA that signed it.
func (s *Server) UseTLS(cert tls.Certificate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tlsCert = &cert
}

// RequireCredentials makes every call (gossip aside) need basic-auth
// credentials user:password, as a secure EventStoreDB does. The v4 client
// sends them only over TLS.
func (s *Server) RequireCredentials(user, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.password = user, password
}

func authorized(ctx context.Context, user, password string) bool {
	md, _ := metadata.FromIncomingContext(ctx)
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
	for _, v := range md.Get("authorization") {
		if v == want {
			return true
		}
	}
	return false
}

// gossipServer answers Gossip.Read: the cluster's members with their
// states, or a lone server as its own leader.
type gossipServer struct {
	gossip.UnimplementedGossipServer
	s *Server
}

func (g *gossipServer) Read(ctx context.Context, _ *shared.Empty) (*gossip.ClusterInfo, error) {
	g.s.mu.Lock()
	c, down := g.s.cluster, g.s.down
	g.s.mu.Unlock()
	if down {
		return nil, status.Error(codes.Unavailable, "esdbfake: node unavailable")
	}
	if c == nil {
		return &gossip.ClusterInfo{Members: []*gossip.MemberInfo{member(g.s, gossip.MemberInfo_Leader)}}, nil
	}
	return c.info(), nil
}

func member(s *Server, state gossip.MemberInfo_VNodeState) *gossip.MemberInfo {
	host, port, _ := net.SplitHostPort(s.Addr())
	p, _ := strconv.Atoi(port)
	return &gossip.MemberInfo{
		InstanceId:   uuidToProto(uuid.NewSHA1(uuid.NameSpaceURL, []byte(s.Addr()))),
		State:        state,
		IsAlive:      true,
		HttpEndPoint: &gossip.EndPoint{Address: host, Port: uint32(p)},
	}
}

// Cluster is a fake EventStoreDB cluster: nodes that gossip one view, one
// leader that holds the log, and followers that serve calls without the
// requires-leader header from their own (stale) copy, forward appends to
// the leader and answer not-leader to calls with the header. MoveLeader
// elects another node, which takes over the log as a real election's
// winner has it replicated.
type Cluster struct {
	Nodes []*Server

	mu     sync.Mutex
	leader int
}

// ClusterOptions configure StartCluster.
type ClusterOptions struct {
	// TLS, when set, is served by every node.
	TLS *tls.Certificate
	// User and Password, when set, are required on every call.
	User, Password string
}

// StartCluster starts n nodes on 127.0.0.1 with node 0 as the leader and
// stops them when the test ends.
func StartCluster(t testing.TB, n int, opts ClusterOptions) *Cluster {
	t.Helper()
	c := &Cluster{}
	for range n {
		s := New()
		s.cluster = c
		if opts.TLS != nil {
			s.UseTLS(*opts.TLS)
		}
		if opts.User != "" {
			s.RequireCredentials(opts.User, opts.Password)
		}
		if err := s.Listen("127.0.0.1:0"); err != nil {
			t.Fatalf("esdbfake: %v", err)
		}
		t.Cleanup(s.Stop)
		c.Nodes = append(c.Nodes, s)
	}
	for _, s := range c.Nodes[1:] {
		s.SetFollowerOf(c.Nodes[0])
	}
	return c
}

// Seeds is the gossip-seed list "host:port,host:port,..." for a connection
// string: "esdb://" + c.Seeds() + "?tls=false".
func (c *Cluster) Seeds() string {
	var out []string
	for _, s := range c.Nodes {
		out = append(out, s.Addr())
	}
	return strings.Join(out, ",")
}

// Leader is the node that holds the log now.
func (c *Cluster) Leader() *Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Nodes[c.leader]
}

// MoveLeader makes node i the leader: it takes over the log, the others
// become its followers, and the subscriptions the old leader served are
// dropped (their clients resubscribe and are sent on to the new leader).
func (c *Cluster) MoveLeader(i int) {
	c.mu.Lock()
	old := c.Nodes[c.leader]
	next := c.Nodes[i]
	c.leader = i
	c.mu.Unlock()
	if old == next {
		return
	}
	nextAddr := next.Addr()
	// Lock the old leader first: no append lands there while the log moves.
	old.mu.Lock()
	next.mu.Lock()
	next.all = append([]*event(nil), old.all...)
	next.streams = make(map[string][]*event, len(old.streams))
	for k, v := range old.streams {
		next.streams[k] = append([]*event(nil), v...)
	}
	next.tombstoned = make(map[string]bool, len(old.tombstoned))
	for k, v := range old.tombstoned {
		next.tombstoned[k] = v
	}
	next.truncated = make(map[string]int, len(old.truncated))
	for k, v := range old.truncated {
		next.truncated[k] = v
	}
	next.leader, next.leaderAddr = nil, ""
	close(next.wake)
	next.wake = make(chan struct{})
	old.leader, old.leaderAddr = next, nextAddr
	next.mu.Unlock()
	old.mu.Unlock()
	for _, s := range c.Nodes {
		if s != next && s != old {
			s.SetFollowerOf(next)
		}
	}
	old.endSubscriptions(status.Error(codes.Unavailable, "esdbfake: leadership moved"))
}

// info is the gossip view: the leader and its followers, all alive.
func (c *Cluster) info() *gossip.ClusterInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := &gossip.ClusterInfo{}
	for i, s := range c.Nodes {
		state := gossip.MemberInfo_Follower
		if i == c.leader {
			state = gossip.MemberInfo_Leader
		}
		out.Members = append(out.Members, member(s, state))
	}
	return out
}
