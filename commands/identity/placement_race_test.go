package identity_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	it "backoffice/internal/identitytest"
)

// raceResult is one of the racing requests' answers.
type raceResult struct {
	status int
	code   string
}

// race sends the requests at once (each its own goroutine, released
// together) and returns their answers in order.
func race(t *testing.T, e *it.Env, token string, reqs ...func() (string, any)) []raceResult {
	t.Helper()
	out := make([]raceResult, len(reqs))
	errs := make([]error, len(reqs))
	var ready, done sync.WaitGroup
	release := make(chan struct{})
	for i, req := range reqs {
		path, body := req()
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			r, err := http.NewRequest(http.MethodPost, e.URL+path, bytes.NewReader(b))
			if err != nil {
				errs[i] = err
				ready.Done()
				return
			}
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Content-Type", "application/json")
			ready.Done()
			<-release
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var body struct {
				Error struct {
					Code string `json:"code"`
				} `json:"error"`
			}
			_ = json.Unmarshal(raw, &body)
			out[i] = raceResult{status: resp.StatusCode, code: body.Error.Code}
		}()
	}
	ready.Wait()
	close(release)
	done.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// oneWins fails the test unless exactly one of the answers is a success
// and every other is placement_overlaps (422, or 409 after the retries).
func oneWins(t *testing.T, round string, got []raceResult) {
	t.Helper()
	wins := 0
	for _, r := range got {
		switch {
		case r.status/100 == 2:
			wins++
		case (r.status == http.StatusUnprocessableEntity || r.status == http.StatusConflict) && r.code == "placement_overlaps":
		default:
			t.Errorf("%s: answer %d %q, want a success or placement_overlaps", round, r.status, r.code)
		}
	}
	if wins != 1 {
		t.Errorf("%s: %d requests won (%+v), want exactly one: the worker is booked twice at the client", round, wins, got)
	}
}

// TestConcurrentPlacementsOneWins races overlapping placements of one
// worker at one client, through the API on a real PostgreSQL store: two
// starts on the same days, and a start against a correction that moves
// another placement's start onto those days. Exactly one request wins
// each round; the other is refused with placement_overlaps and appends
// no placement. (Before the worker's placement roster the check read the
// read model, which had not seen the other request yet: both won.)
func TestConcurrentPlacementsOneWins(t *testing.T) {
	e := it.New(t)
	today := ts.Today(time.Now())
	clientID, workerID, first := placedWorker(t, e, today.AddDays(-14))
	bo := e.Login(t, it.BackofficeEmail, it.BackofficePassword)
	it.Want(t, e.Do(t, http.MethodPost, "/placements/"+first+"/end", bo, map[string]any{"end": today.AddDays(-1).String()}), http.StatusOK)
	e.WaitForProjections(t)
	start := func(from, to ts.Date) func() (string, any) {
		return func() (string, any) {
			return "/workers/" + workerID + "/placements", map[string]any{"client_id": clientID, "start": from.String(), "end": to.String()}
		}
	}
	const rounds = 4
	for i := range rounds {
		base := today.AddDays(100 * (i + 1))
		oneWins(t, fmt.Sprintf("round %d: two starts", i), race(t, e, bo, start(base, base.AddDays(30)), start(base.AddDays(10), base.AddDays(40))))
	}
	// A placement [base+40, base+70] whose start a correction moves back
	// to base while another request starts [base, base+20].
	for i := range rounds {
		base := today.AddDays(100 * (rounds + i + 1))
		r := it.Want(t, e.Do(t, http.MethodPost, "/workers/"+workerID+"/placements", bo, map[string]any{"client_id": clientID,
			"start": base.AddDays(40).String(), "end": base.AddDays(70).String()}), http.StatusCreated)
		moved := r.Str(t, "id")
		e.WaitForProjections(t)
		correct := func() (string, any) {
			return "/placements/" + moved + "/correction", map[string]any{"start": base.String()}
		}
		oneWins(t, fmt.Sprintf("round %d: a correction and a start", i), race(t, e, bo, correct, start(base, base.AddDays(20))))
	}
	// The ledger agrees with the answers: no two placements of the worker
	// at the client share a date.
	e.WaitForProjections(t)
	var periods []placement.Sibling
	rows, err := e.Pool.Query(t.Context(), `SELECT placement_id FROM placements WHERE worker_id = $1`, workerID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		p := &placement.Placement{}
		for _, ev := range e.History(t, placement.Stream(id), placement.Events) {
			if err := p.Apply(ev); err != nil {
				t.Fatal(err)
			}
		}
		s := placement.SiblingOf(p)
		if err := placement.CheckNoOverlap(s.ID, s.ClientID, s.Period, periods); err != nil {
			t.Errorf("placement %s (%s..%s): %v", id, s.Period.Start.Format(time.DateOnly), s.Period.End.Format(time.DateOnly), err)
		}
		periods = append(periods, s)
	}
}
