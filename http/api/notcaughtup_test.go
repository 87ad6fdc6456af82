package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/api"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
)

// neverCaughtUp is a Waiter whose read models never reach the position.
type neverCaughtUp struct{}

func (neverCaughtUp) WaitFor(context.Context, eventstore.Position, ...string) error {
	return context.DeadlineExceeded
}

type readFeature struct{}

func (readFeature) Routes(r *mux.Router, s *api.Server) {
	r.Handle("/read", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, nil, func(context.Context, domain.Actor) (any, error) { return map[string]int{}, nil })
	})).Methods(http.MethodGet)
}

// TestNotCaughtUpSpeaksTheLanguage: the 504 of a read whose min_position
// the read models did not reach in time is Dutch for a Dutch client, as
// every other error (it was English only).
func TestNotCaughtUpSpeaksTheLanguage(t *testing.T) {
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "api", apitest.Migrate))
	url := apitest.Serve(t, api.Deps{Log: slog.New(slog.DiscardHandler), Pool: pool, Auth: apitest.Auth(apitest.Actors()),
		Wait: neverCaughtUp{}, Features: []api.Feature{readFeature{}}})
	for lang, want := range map[string]string{"nl": "leesmodellen", "en": "read models"} {
		r := apitest.Request(t, http.MethodGet, url+"/read?min_position=12-3", nil, apitest.ActorHeader, "worker1", "Accept-Language", lang)
		var b struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal(r.Body, &b); err != nil || r.Status != http.StatusGatewayTimeout || b.Error.Code != "not_caught_up" {
			t.Fatalf("%s: %d %s, want 504 not_caught_up", lang, r.Status, r.Body)
		}
		if !strings.Contains(b.Error.Message, want) || !strings.Contains(b.Error.Message, "12-3") {
			t.Errorf("%s: message %q, want it to name the %s and the position", lang, b.Error.Message, want)
		}
	}
}
