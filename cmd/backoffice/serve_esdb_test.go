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

	"backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/eventstore/esdb"
	"backoffice/internal/esdbfake"
)

// TestServeOnEventStoreDBLeaderChange runs the app on a fake three-node
// cluster found through gossip and moves the leadership round the cluster
// while clients write hours. A client retries what was not acknowledged
// under the same Idempotency-Key, as the API asks. Afterwards every
// acknowledged value is what the read model shows, and no event is in the
// log twice.
func TestServeOnEventStoreDBLeaderChange(t *testing.T) {
	cluster := esdbfake.StartCluster(t, 3, esdbfake.ClusterOptions{})
	url := "esdb://" + cluster.Seeds() + "?tls=false&discoveryInterval=10"
	base := startedOnEventStoreDB(t, url)
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
