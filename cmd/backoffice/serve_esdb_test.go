package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/eventstore/esdb"
	"backoffice/internal/esdbfake"
	"backoffice/internal/pgtest"
)

// TestServeOnEventStoreDBLeaderChange runs the app on a fake three-node
// cluster found through gossip and moves the leadership round the cluster
// while clients write hours. A client retries what was not acknowledged
// under the same Idempotency-Key, as the API asks. Afterwards every
// acknowledged value is what the read model shows, no event is in the log
// twice, and the timesheet read model equals a rebuild from the cluster.
func TestServeOnEventStoreDBLeaderChange(t *testing.T) {
	// Not parallel: like TestServeOnEventStoreDB, CPU-bound.
	cluster := esdbfake.StartCluster(t, 3, esdbfake.ClusterOptions{})
	url := "esdb://" + cluster.Seeds() + "?tls=false&discoveryInterval=10"
	base, env := startedOnEventStoreDB(t, url)
	c := &apiClient{t: t, base: base}
	var sess struct {
		Token string `json:"token"`
	}
	c.do("POST", "/api/v1/session", `{"email":"marieke@groeneblad.example.nl","password":"demo-wachtwoord"}`, http.StatusCreated, &sess)

	// Four past weeks of the demo placement, one writer each; each writer
	// sets the Monday of its week eight times.
	const writers, puts = 4, 8
	this := timesheet.WeekOf(timesheet.DateOf(time.Now().In(timesheet.Location())))
	type acked struct {
		minutes  int
		position string
	}
	var mu sync.Mutex
	last := map[string]acked{}
	done := 0
	var wg sync.WaitGroup
	for w := range writers {
		wk := this
		for range w + 1 {
			wk = wk.Prev()
		}
		week := wk.String()
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := "/api/v1/timesheets/demo-placement-07/" + week + "/lines/100"
			for k := 1; k <= puts; k++ {
				minutes := 30 * k
				pos, err := putWithRetries(sess.Token, base+path, fmt.Sprintf(`{"minutes":[%d,0,0,0,0,0,0]}`, minutes), uuid.NewString())
				if err != nil {
					t.Errorf("week %s, value %d: %v", week, minutes, err)
					return
				}
				mu.Lock()
				last[week] = acked{minutes, pos}
				done++
				mu.Unlock()
			}
		}()
	}
	progress := func() int {
		mu.Lock()
		defer mu.Unlock()
		return done
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i := 1; i <= 3; i++ {
		for progress() < i*writers*puts/4 && ctx.Err() == nil && !t.Failed() {
			time.Sleep(5 * time.Millisecond)
		}
		cluster.MoveLeader(i % 3)
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	c.token = sess.Token
	for week, a := range last {
		var detail struct {
			TotalMinutes int `json:"total_minutes"`
		}
		c.do("GET", "/api/v1/timesheets/demo-placement-07/"+week+"?min_position="+a.position, "", http.StatusOK, &detail)
		if detail.TotalMinutes != a.minutes {
			t.Errorf("week %s shows %d minutes, the last acknowledged value is %d", week, detail.TotalMinutes, a.minutes)
		}
	}

	st, err := esdb.Open(ctx, esdb.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seen := map[uuid.UUID]bool{}
	for from := eventstore.Start; ; {
		evs, err := st.ReadAll(ctx, from, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if seen[e.ID] {
				t.Fatalf("event %s (%s in %s) is in the log twice", e.ID, e.Type, e.Stream)
			}
			seen[e.ID] = true
			from = e.Position
		}
		if len(evs) < 500 {
			break
		}
	}

	// The read model serve built while the leader moved equals one rebuilt
	// from the cluster's log into a fresh database.
	rebuilt := map[string]string{}
	for k, v := range env {
		rebuilt[k] = v
	}
	rebuilt["BACKOFFICE_DATABASE_URL"] = pgtest.NewDB(t)
	rebuilt["BACKOFFICE_DEMO"] = "false"
	getenv := func(k string) string { return rebuilt[k] }
	for _, args := range [][]string{{"migrate"}, {"projections", "rebuild", "timesheets"}} {
		if err := run(ctx, args, getenv, io.Discard, io.Discard); err != nil {
			t.Fatalf("backoffice %s: %v", strings.Join(args, " "), err)
		}
	}
	live, again := timesheetRows(t, ctx, env["BACKOFFICE_DATABASE_URL"]), timesheetRows(t, ctx, rebuilt["BACKOFFICE_DATABASE_URL"])
	if live == "" || live != again {
		t.Fatalf("the live timesheet read model differs from a rebuild:\nlive:    %.600s\nrebuilt: %.600s", live, again)
	}
}

// timesheetRows is the whole timesheet read model of the database at url as
// one JSON text, in stream order.
func timesheetRows(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows string
	if err := conn.QueryRow(ctx, `SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY stream)::text, '')
		FROM ts_timesheets t`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// putWithRetries sends a PUT and, when no answer or a 5xx comes back, sends
// it again under the same Idempotency-Key. It returns the command's position.
func putWithRetries(token, url, body, key string) (string, error) {
	var lastErr error
	for range 40 {
		req, err := http.NewRequest("PUT", url, strings.NewReader(body))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			lastErr = err
			time.Sleep(50 * time.Millisecond)
			continue
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusOK:
			var out struct {
				Position string `json:"position"`
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				return "", err
			}
			return out.Position, nil
		case resp.StatusCode >= 500:
			lastErr = fmt.Errorf("status %d: %s", resp.StatusCode, raw)
			time.Sleep(50 * time.Millisecond)
			continue
		default:
			return "", fmt.Errorf("status %d: %s", resp.StatusCode, raw)
		}
	}
	return "", fmt.Errorf("no answer after retries: %w", lastErr)
}
