package postgres_test

// Benchmarks of the adapter against raw PostgreSQL baselines measured in the
// same run, on a private cluster with fsync=on (the test cluster of pgtest
// runs with fsync=off, which would flatter every commit). Run:
//
//	go test -run '^$' -bench 'EventStore/Append' -benchtime 2000x ./eventstore/postgres/
//	go test -run '^$' -bench 'EventStore/ReadAll' -benchtime 50x ./eventstore/postgres/
//
// Every Append benchmark reports the adapter's ns/op, the baseline's
// (baseline-ns/op, measured in alternating rounds within the same benchmark)
// and their ratio (x-baseline).
//
// Append baselines are raw transactions into a plain table with the same
// columns, the same durability (synchronous_commit=on) and the same single
// pipelined round trip (BEGIN, SET LOCAL, INSERT, COMMIT) the adapter uses,
// so the ratio shows what the adapter's own SQL costs: the stream lock, the
// current-revision lookup, the wider row and two more unique indexes.
// x-unchained compares the adapter with its own append as it was before the
// hash chain (AppendUnchained), measured in the same rounds: the chain's cost.
// Ratios with the suffix -med are the medians of the per-round ratios, which
// a load spike during one round moves little; -cpu is the ratio of the CPU
// time the cluster and this process used (cpu-ns/op: the subject's), which
// load from elsewhere hardly moves at all (docs/BENCHMARKS.md §11), and
// -cpu-server and -cpu-client are its two parts: the cluster's CPU and
// this process's (cpu-server-ns/op: the subject's server share), and
// -cpu-backends the cluster's without its background processes (WAL
// writer, checkpointer, autovacuum: their work lands on whichever phase
// they run in).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
)

// benchWriters is the number of concurrent writers of the parallel cases.
const benchWriters = 8

// benchAA (ESBENCH_AA=1) makes the Append benchmarks' subject the unchained
// reference too, on the subject's streams: an A/A run, whose x-unchained
// figures show the harness's own bias and noise (ideally 1.00).
var benchAA = os.Getenv("ESBENCH_AA") != ""

// benchChainOnly (ESBENCH_CHAIN=1) leaves out the Append benchmarks'
// references other than the unchained one (the schema floor, single-row
// inserts): a run measuring the chain's cost takes about half the time, so
// the same minutes give twice the runs.
var benchChainOnly = os.Getenv("ESBENCH_CHAIN") != ""

func BenchmarkEventStore(b *testing.B) {
	ctx := context.Background()
	cluster := pgtest.PrivateCluster(b, "esbench", pgtest.Durable)

	benchCPU = newCPUMeter(cluster.DataDir)
	admin := benchPool(b, cluster.ConnString("postgres"))
	dbN := 0
	// newDB returns a pool on a fresh migrated database with the baseline
	// table, so every benchmark starts from the same state.
	newDB := func(b *testing.B) *pgxpool.Pool {
		dbN++
		name := fmt.Sprintf("bench%d", dbN)
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			b.Fatal(err)
		}
		cs := cluster.ConnString(name)
		if err := postgres.Migrate(ctx, cs); err != nil {
			b.Fatal(err)
		}
		p := benchPool(b, cs)
		if _, err := p.Exec(ctx, `CREATE TABLE bench_raw (
			id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			stream   text NOT NULL,
			type     text NOT NULL,
			data     json,
			metadata json  NOT NULL,
			created  timestamptz NOT NULL DEFAULT now())`); err != nil {
			b.Fatal(err)
		}
		return p
	}
	newStore := func(b *testing.B, p *pgxpool.Pool) *postgres.Store {
		s, err := postgres.New(ctx, p, postgres.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}

	for _, size := range []int{1, 10} {
		for _, par := range []int{1, benchWriters} {
			mode := "seq"
			if par > 1 {
				mode = fmt.Sprintf("par%d", par)
			}
			// The baseline and the schema floor write the same stream names
			// as the adapter beside them: same rows, none of the ledger's rules.
			raw := func(p *pgxpool.Pool, in *benchInputs) func(w int) func() error {
				return func(w int) func() error {
					return func() error { return rawInsertTx(ctx, p, in.next(w).stream, size) }
				}
			}
			// refs are the schema floor and, for batches, the issue's
			// literal baseline: the batch as single-row INSERT statements in
			// one transaction (the baseline proper is one multi-row INSERT).
			var floor func(p *pgxpool.Pool, in *benchInputs) func(w int) func() error
			refs := func(p *pgxpool.Pool, rowsIn func() *benchInputs, floorIn *benchInputs) []benchRef {
				if benchChainOnly {
					return nil
				}
				r := []benchRef{{vsBaseline: "floor-x-baseline", op: floor(p, floorIn)}}
				if size > 1 {
					in := rowsIn()
					r = append(r, benchRef{subjectVs: "x-single-row-inserts", op: func(w int) func() error {
						return func() error { return singleRowInsertsTx(ctx, p, in.next(w).stream, size) }
					}})
				}
				return r
			}
			floor = func(p *pgxpool.Pool, in *benchInputs) func(w int) func() error {
				return func(w int) func() error {
					revs := map[string]int64{}
					return func() error {
						op := in.next(w)
						rev := revs[op.stream]
						revs[op.stream] = rev + int64(size)
						return floorInsertTx(ctx, p, op, rev)
					}
				}
			}
			b.Run(fmt.Sprintf("Append/events=%d/%s/new_streams", size, mode), func(b *testing.B) {
				p := newDB(b)
				defer p.Close()
				s := newStore(b, p)
				defer s.Close()
				stream := func(prefix string) func(int) string {
					return func(int) string { return prefix + "new-" + uuid.NewString() }
				}
				in := prepareInputs(b.N, par, size, stream(""))
				runPaired(b, par,
					raw(p, prepareInputs(b.N, par, size, stream(""))),
					func(w int) func() error {
						return func() error {
							op := in.next(w)
							if benchAA {
								return s.AppendUnchained(ctx, op.stream, eventstore.NoStream(), op.events...)
							}
							_, err := s.Append(ctx, op.stream, eventstore.NoStream(), op.events...)
							return err
						}
					},
					append(refs(p, func() *benchInputs { return prepareInputs(b.N, par, size, stream("")) },
						prepareInputs(b.N, par, size, stream("floor-"))),
						unchainedRef(ctx, s, prepareInputs(b.N, par, size, stream("u-")), false))...)
			})
			b.Run(fmt.Sprintf("Append/events=%d/%s/existing_streams", size, mode), func(b *testing.B) {
				p := newDB(b)
				defer p.Close()
				s := newStore(b, p)
				defer s.Close()
				stream := func(prefix string) func(int) string {
					return func(w int) string { return fmt.Sprintf("%sexisting-%d", prefix, w) }
				}
				in := prepareInputs(b.N, par, size, stream(""))
				runPaired(b, par,
					raw(p, prepareInputs(b.N, par, size, stream(""))),
					func(w int) func() error {
						// Each writer owns one stream and appends with the
						// exact revision, as a command handler does.
						stream := stream("")(w)
						res, err := s.Append(ctx, stream, eventstore.NoStream(), benchEvents(1)...)
						if err != nil {
							b.Fatal(err)
						}
						next := res.NextExpectedRevision
						return func() error {
							if benchAA {
								err := s.AppendUnchained(ctx, stream, eventstore.Exact(next), in.next(w).events...)
								next += uint64(size)
								return err
							}
							res, err := s.Append(ctx, stream, eventstore.Exact(next), in.next(w).events...)
							next = res.NextExpectedRevision
							return err
						}
					},
					append(refs(p, func() *benchInputs { return prepareInputs(b.N, par, size, stream("")) },
						prepareInputs(b.N, par, size, stream("floor-"))),
						unchainedRef(ctx, s, prepareInputs(b.N, par, size, stream("u-")), true))...)
			})
		}
	}

	// Reading $all: one op is a full pass over readEvents events in pages of
	// 500, through the adapter and as a raw keyset SELECT of the same rows.
	const readEvents, readPage = 20000, 500
	var readOnce sync.Once
	var readPool *pgxpool.Pool
	var readStore *postgres.Store
	parent := b
	setupRead := func(*testing.B) {
		readOnce.Do(func() {
			readPool = newDB(parent) // closed when the parent benchmark ends
			readStore = newStore(parent, readPool)
			for i := range readEvents / 100 {
				if _, err := readStore.Append(ctx, fmt.Sprintf("read-%d", i%50), eventstore.Any(), benchEvents(100)...); err != nil {
					parent.Fatal(err)
				}
			}
			if _, err := readPool.Exec(ctx, "VACUUM ANALYZE eventstore_events"); err != nil {
				parent.Fatal(err)
			}
		})
	}
	defer func() {
		if readStore != nil {
			readStore.Close()
		}
	}()
	b.Run(fmt.Sprintf("ReadAll/events=%d/page=%d/baseline_raw_select", readEvents, readPage), func(b *testing.B) {
		setupRead(b)
		for b.Loop() {
			if n := rawReadAll(b, ctx, readPool, readPage); n != readEvents {
				b.Fatalf("raw pass read %d rows, want %d", n, readEvents)
			}
		}
		b.ReportMetric(float64(readEvents*b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run(fmt.Sprintf("ReadAll/events=%d/page=%d/store", readEvents, readPage), func(b *testing.B) {
		setupRead(b)
		for b.Loop() {
			n := 0
			for page, err := range eventstore.Pages(ctx, readStore, eventstore.Start, readPage) {
				if err != nil {
					b.Fatal(err)
				}
				n += len(page)
			}
			if n != readEvents {
				b.Fatalf("pass read %d events, want %d", n, readEvents)
			}
		}
		b.ReportMetric(float64(readEvents*b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

func benchPool(b *testing.B, cs string) *pgxpool.Pool {
	cfg, err := pgxpool.ParseConfig(cs)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = 2 * benchWriters
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Close)
	return p
}

// benchRef is a reference measured beside the subject: its operations
// alternate with the subject's and the baseline's in every round.
type benchRef struct {
	// metric reports the reference's total time against the baseline's
	// and the subject's (each a ratio; "" for none).
	vsBaseline, subjectVs string
	op                    func(w int) func() error
}

// runPaired measures b.N subject operations against b.N operations of the
// baseline and of each reference, alternating in rounds so that load from
// elsewhere on the machine hits all of them alike; the order within a round
// is shuffled from round to round (a new seed every run), so no variant always runs
// first or last (under load the one measured last in a round seemed
// favoured) or always after the same other one, and a short pause between
// phases keeps what one phase leaves behind out of the next one's figures. ns/op is
// the subject's; beside it come baseline-ns/op, x-baseline (subject time
// over baseline time) and the references' ratios, each as the ratio of the
// total times and, for the subject's ratios, also as the median of the
// per-round ratios (suffix -med: a load spike during one round moves it
// little). Each operation runs on par concurrent writers; the arguments
// prepare writer w (untimed) and return its operation.
func runPaired(b *testing.B, par int, baseline, subject func(w int) func() error, refs ...benchRef) {
	prepare := func(op func(w int) func() error) []func() error {
		ops := make([]func() error, par)
		for w := range par {
			ops[w] = op(w)
		}
		return ops
	}
	base, subj := prepare(baseline), prepare(subject)
	refOps := make([][]func() error, len(refs))
	for i, r := range refs {
		refOps[i] = prepare(r.op)
	}
	// Warm up untimed: connections, prepared statements, caches.
	runPhase(b, 10*par, base)
	for _, ops := range refOps {
		runPhase(b, 10*par, ops)
	}
	runPhase(b, 10*par, subj)
	// Many short rounds: load from elsewhere and the background work of the
	// cluster spread over every variant alike.
	round := max(25, 10*par)
	// Phase k of a round: 0 the baseline, 1..len(refs) the references,
	// len(refs)+1 the subject.
	phases := len(refs) + 2
	var baseTime, subjTime time.Duration
	refTime := make([]time.Duration, len(refs))
	var roundBase []float64
	roundRef := make([][]float64, len(refs))
	// CPU per phase, summed over the rounds: this process's and the
	// cluster's, apart (where the chain's cost lies).
	cpu := make([]cpuSample, phases)
	b.ResetTimer()
	b.StopTimer()
	order := make([]int, phases)
	for k := range order {
		order[k] = k
	}
	// A new order for every run: with a fixed seed every run repeated the
	// same sequence of neighbours, and the medians over runs its bias.
	shuffle := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	for done := 0; done < b.N; {
		n := min(round, b.N-done)
		took := make([]time.Duration, phases)
		shuffle.Shuffle(phases, func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, k := range order {
			// The harness's own garbage (mostly the inputs of every
			// variant, made up front) is collected here, between phases:
			// a collection during a phase charged the phase that
			// happened to cross the heap goal with marking a heap that
			// is the harness's, not the store's.
			runtime.GC()
			// What a phase leaves behind (the store's NOTIFY after its
			// last commit, comes at most notifyMinInterval later) must
			// not land in the next phase's time or CPU.
			time.Sleep(5 * time.Millisecond)
			if k == phases-1 {
				b.StartTimer() // outside the measured window: it stops the world
			}
			cpuStart := benchCPU.now()
			start := time.Now()
			switch {
			case k == 0:
				runPhase(b, n, base)
			case k <= len(refs):
				runPhase(b, n, refOps[k-1])
			default:
				runPhase(b, n, subj)
			}
			took[k] = time.Since(start)
			cpuEnd := benchCPU.now()
			if k == phases-1 {
				b.StopTimer()
			}
			cpu[k] = cpu[k].add(cpuEnd.sub(cpuStart))
		}
		baseTime += took[0]
		subjTime += took[phases-1]
		subjTook := float64(took[phases-1])
		roundBase = append(roundBase, subjTook/float64(took[0]))
		for i := range refs {
			refTime[i] += took[i+1]
			roundRef[i] = append(roundRef[i], subjTook/float64(took[i+1]))
		}
		done += n
	}
	b.ReportMetric(float64(baseTime.Nanoseconds())/float64(b.N), "baseline-ns/op")
	b.ReportMetric(float64(subjTime)/float64(baseTime), "x-baseline")
	b.ReportMetric(median(roundBase), "x-baseline-med")
	for i, r := range refs {
		if r.vsBaseline != "" {
			b.ReportMetric(float64(refTime[i])/float64(baseTime), r.vsBaseline)
		}
		if r.subjectVs != "" {
			b.ReportMetric(float64(subjTime)/float64(refTime[i]), r.subjectVs)
			b.ReportMetric(median(roundRef[i]), r.subjectVs+"-med")
			if benchCPU.ok() {
				subj, ref := cpu[phases-1], cpu[i+1]
				b.ReportMetric(float64(subj.client+subj.server)/float64(ref.client+ref.server), r.subjectVs+"-cpu")
				b.ReportMetric(float64(subj.server)/float64(ref.server), r.subjectVs+"-cpu-server")
				b.ReportMetric(float64(subj.backends)/float64(ref.backends), r.subjectVs+"-cpu-backends")
				b.ReportMetric(float64(subj.client)/float64(ref.client), r.subjectVs+"-cpu-client")
			}
		}
	}
	if benchCPU.ok() {
		subj := cpu[phases-1]
		b.ReportMetric(float64((subj.client+subj.server).Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(subj.server.Nanoseconds())/float64(b.N), "cpu-server-ns/op")
	}
}

// benchCPU meters the CPU time of the benchmark cluster and this process.
var benchCPU cpuMeter

// cpuMeter sums the CPU time this process and the benchmark cluster's
// server processes (the postmaster and its children) have used: what an
// append costs in CPU, which load from elsewhere on the machine hardly
// changes (unlike its time). Server times come from /proc/PID/schedstat
// (nanoseconds on the CPU); a process that exits between two readings
// (an autovacuum worker) is lost. Linux only; elsewhere ok is false.
type cpuMeter struct{ postmaster string }

func newCPUMeter(dataDir string) cpuMeter {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return cpuMeter{}
	}
	pid, _, _ := strings.Cut(string(b), "\n")
	if _, err := os.Stat("/proc/" + pid + "/schedstat"); err != nil {
		return cpuMeter{}
	}
	return cpuMeter{postmaster: pid}
}

func (m cpuMeter) ok() bool { return m.postmaster != "" }

// cpuSample is the CPU time used so far by this process (client), by the
// whole cluster (server), and by the cluster's client backends alone
// (backends: the sessions running the statements, without the background
// processes, whose work lands on whichever phase they happen to run in).
type cpuSample struct{ client, server, backends time.Duration }

func (a cpuSample) sub(b cpuSample) cpuSample {
	return cpuSample{a.client - b.client, a.server - b.server, a.backends - b.backends}
}

func (a cpuSample) add(b cpuSample) cpuSample {
	return cpuSample{a.client + b.client, a.server + b.server, a.backends + b.backends}
}

func (m cpuMeter) now() (c cpuSample) {
	if !m.ok() {
		return c
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	c.client = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	children, _ := os.ReadFile("/proc/" + m.postmaster + "/task/" + m.postmaster + "/children")
	for _, pid := range append(strings.Fields(string(children)), m.postmaster) {
		st, err := os.ReadFile("/proc/" + pid + "/schedstat")
		if err != nil {
			continue
		}
		onCPU, _, _ := strings.Cut(string(st), " ")
		ns, _ := strconv.ParseInt(onCPU, 10, 64)
		c.server += time.Duration(ns)
		// A client backend's title: "postgres: USER DB [local] STATE".
		if title, err := os.ReadFile("/proc/" + pid + "/cmdline"); err == nil && strings.Contains(string(title), "[local]") {
			c.backends += time.Duration(ns)
		}
	}
	return c
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// runPhase runs n operations spread over len(ops) concurrent writers.
func runPhase(b *testing.B, n int, ops []func() error) {
	par := len(ops)
	var wg sync.WaitGroup
	errs := make(chan error, par)
	for w := range par {
		k := n / par
		if w < n%par {
			k++
		}
		wg.Go(func() {
			for range k {
				if err := ops[w](); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// benchOp is the input of one append: what a command handler hands the store.
type benchOp struct {
	stream string
	events []eventstore.EventData
}

// benchInputs are the inputs of every operation of a benchmark, made before
// the clock runs: generating event IDs is the caller's work, not the store's.
type benchInputs struct {
	ops  [][]benchOp // per writer
	used []int
}

// prepareInputs makes enough inputs for n timed operations on par writers,
// plus runPaired's warm-up and the uneven split of its rounds.
func prepareInputs(n, par, size int, stream func(w int) string) *benchInputs {
	per := n/par + n/(25*par) + 2 + 10
	in := &benchInputs{ops: make([][]benchOp, par), used: make([]int, par)}
	for w := range par {
		in.ops[w] = make([]benchOp, per)
		for i := range per {
			in.ops[w][i] = benchOp{stream: stream(w), events: benchEvents(size)}
		}
	}
	return in
}

// next is writer w's next input. Each writer only touches its own slot.
func (in *benchInputs) next(w int) benchOp {
	op := in.ops[w][in.used[w]]
	in.used[w]++
	return op
}

var benchMeta = eventstore.Metadata{
	ActorID: "account-42", ActorRole: "client", CorrelationID: "corr-1", CausationID: "cmd-1",
	OccurredAt: time.Date(2026, 3, 16, 9, 30, 0, 0, time.UTC),
}

const benchData = `{"placement":"pl-1234","week":"2026-W12","line":{"type":"normal","minutes":[480,480,480,480,240,0,0]}}`

func benchEvents(n int) []eventstore.EventData {
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		evs[i] = eventstore.EventData{ID: uuid.New(), Type: "timesheet.line_set", Data: []byte(benchData), Metadata: benchMeta}
	}
	return evs
}

const benchMetaJSON = `{"actor_id":"account-42","actor_role":"client","correlation_id":"corr-1","causation_id":"cmd-1","occurred_at":"2026-03-16T09:30:00Z"}`

// unchainedRef is the adapter's append as it was before the hash chain, on
// streams of its own: x-unchained is the chain's cost. existing appends
// with exact revisions to one stream per writer, else to new streams. Its
// stream names carry a short prefix ("u-"): a longer key than the
// subject's would cost the reference more and flatter the chain.
func unchainedRef(ctx context.Context, s *postgres.Store, in *benchInputs, existing bool) benchRef {
	return benchRef{subjectVs: "x-unchained", op: func(w int) func() error {
		var next int64 = -1
		return func() error {
			op := in.next(w)
			exp := eventstore.NoStream()
			if existing && next >= 0 {
				exp = eventstore.Exact(uint64(next))
			}
			if err := s.AppendUnchained(ctx, op.stream, exp, op.events...); err != nil {
				return err
			}
			next += int64(len(op.events))
			return nil
		}
	}}
}

// rawInsertTx is the baseline: one durable transaction inserting n rows.
func rawInsertTx(ctx context.Context, p *pgxpool.Pool, stream string, n int) error {
	bt := &pgx.Batch{}
	bt.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	bt.Queue("SET LOCAL synchronous_commit TO on")
	if n == 1 {
		bt.Queue(`INSERT INTO bench_raw (stream, type, data, metadata) VALUES ($1, $2, $3::json, $4::json)`,
			stream, "timesheet.line_set", benchData, benchMetaJSON)
	} else {
		types, data, meta := make([]string, n), make([]string, n), make([]string, n)
		for i := range n {
			types[i], data[i], meta[i] = "timesheet.line_set", benchData, benchMetaJSON
		}
		bt.Queue(`INSERT INTO bench_raw (stream, type, data, metadata)
			SELECT $1, t, d::json, m::json FROM unnest($2::text[], $3::text[], $4::text[]) AS u(t, d, m)`,
			stream, types, data, meta)
	}
	bt.Queue("COMMIT")
	return p.SendBatch(ctx, bt).Close()
}

// singleRowInsertsTx is rawInsertTx with one single-row INSERT statement
// per row, all in one transaction and one round trip.
func singleRowInsertsTx(ctx context.Context, p *pgxpool.Pool, stream string, n int) error {
	bt := &pgx.Batch{}
	bt.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	bt.Queue("SET LOCAL synchronous_commit TO on")
	for range n {
		bt.Queue(`INSERT INTO bench_raw (stream, type, data, metadata) VALUES ($1, $2, $3::json, $4::json)`,
			stream, "timesheet.line_set", benchData, benchMetaJSON)
	}
	bt.Queue("COMMIT")
	return p.SendBatch(ctx, bt).Close()
}

// floorInsertTx is the schema floor: the same durable round trip as the
// baseline, inserting op's events into eventstore_events with revisions the
// caller counts (from rev), without the stream lock and without reading the
// current revision.
func floorInsertTx(ctx context.Context, p *pgxpool.Pool, op benchOp, rev int64) error {
	n := len(op.events)
	ids, types, data, meta := make([]pgtype.UUID, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range op.events {
		ids[i] = pgtype.UUID{Bytes: e.ID, Valid: true}
		types[i], data[i], meta[i] = e.Type, string(e.Data), benchMetaJSON
	}
	bt := &pgx.Batch{}
	bt.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	bt.Queue("SET LOCAL synchronous_commit TO on")
	bt.Queue(`INSERT INTO eventstore_events (stream, revision, event_id, type, data, metadata, prev_hash, hash)
		SELECT $1, $2::bigint + u.ord - 1, u.id, u.t, u.d::json, u.m::json, $7::bytea, $7::bytea
		FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(id, t, d, m, ord)`,
		op.stream, rev, ids, types, data, meta, eventstore.ZeroHash[:])
	bt.Queue("COMMIT")
	return p.SendBatch(ctx, bt).Close()
}

// rawReadAll reads every row of eventstore_events in keyset pages, without
// the visibility rule and without decoding, and returns the row count.
func rawReadAll(b *testing.B, ctx context.Context, p *pgxpool.Pool, page int) int {
	var (
		xid, lastXid uint64
		seq, lastSeq int64
		rev          int64
		stream, typ  string
		id           uuid.UUID
		data, meta   []byte
		created      time.Time
	)
	total := 0
	for {
		rows, err := p.Query(ctx, `SELECT seq, xid, stream, revision, event_id, type, data, metadata, created
			FROM eventstore_events WHERE (xid, seq) > ($1::xid8, $2::bigint) ORDER BY xid, seq LIMIT $3`, lastXid, lastSeq, page)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(&seq, &xid, &stream, &rev, &id, &typ, &data, &meta, &created); err != nil {
				b.Fatal(err)
			}
			n++
			lastXid, lastSeq = xid, seq
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
}
