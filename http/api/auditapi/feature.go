// Package auditapi is the auditors' slice of the JSON API (/api/v1):
//
//	GET /audit/verify[?max_events=N]        verify the ledger (bounded pass)
//	GET /audit/events?after=<pos>&to=<pos>&limit=N  the audit export, NDJSON
//	GET /audit/documents/{id}/evidence.pdf  "Bewijs van ondertekening"
//	GET /audit/workers/{id}/trail           every event about one worker
//
// Only the auditor token and the back office may call the first two; the
// evidence also whoever may see the document. All read the event store, not
// the read models. See docs/audit.md.
package auditapi

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/http/api"
	"backoffice/http/httpx"
	"backoffice/readmodel/documents/evidence"
	"backoffice/readmodel/trail"
)

// Bounds of one request.
const (
	MaxVerifyEvents    = 1_000_000
	DefaultExportLimit = 1000
	MaxExportLimit     = 10_000
)

// Deps are the feature's collaborators; Store and Pool are required.
type Deps struct {
	Store eventstore.Store
	Pool  *pgxpool.Pool // the recorded digests
	// Unsealer opens the signer's connection in the signing evidence
	// (identity.Vault); without it the report says "niet beschikbaar".
	Unsealer evidence.Unsealer
	// Names, when set, names the actors of a worker's trail
	// (identity.Queries.ActorNames, as in a timesheet's history).
	Names ActorNames
}

// ActorNames resolves the names of accounts for a reader.
type ActorNames interface {
	ActorNames(ctx context.Context, viewer domain.Actor, accountIDs []string) (map[string]string, error)
}

// Feature is the audit API. It implements api.Feature.
type Feature struct {
	d        Deps
	evidence *evidence.Reader
}

var _ api.Feature = (*Feature)(nil)

// New builds the feature, refusing missing dependencies.
func New(d Deps) (*Feature, error) {
	if d.Store == nil || d.Pool == nil {
		return nil, errors.New("auditapi: Store and Pool are required")
	}
	ev, err := evidence.New(d.Store, d.Pool, d.Unsealer)
	if err != nil {
		return nil, err
	}
	return &Feature{d: d, evidence: ev}, nil
}

// Routes registers the feature's routes on the /api/v1 subrouter.
func (f *Feature) Routes(r *mux.Router, s *api.Server) {
	r.Handle("/audit/verify", f.handleVerify(s)).Methods(http.MethodGet)
	r.Handle("/audit/events", f.handleEvents(s)).Methods(http.MethodGet)
	r.Handle("/audit/documents/{id}/evidence.pdf", f.handleEvidence(s)).Methods(http.MethodGet)
	r.Handle("/audit/workers/{id}/trail", f.handleWorkerTrail(s)).Methods(http.MethodGet)
}

// handleWorkerTrail is GET /audit/workers/{id}/trail: every event about one
// worker (their record, placements, timesheets, account, and what their
// account did), from the event store, bounded like verify (complete false
// when the bound stopped it). A worker the ledger does not know is 404.
func (f *Feature) handleWorkerTrail(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.Actor(w, r)
		if !ok {
			return
		}
		if !a.Is(domain.RoleAuditor, domain.RoleBackoffice) {
			s.Error(w, r, errAuditorsOnly)
			return
		}
		tr, err := trail.OfWorker(r.Context(), f.d.Store, mux.Vars(r)["id"], MaxVerifyEvents)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if len(tr.Events) == 0 || tr.Events[0].About != "worker" {
			s.Error(w, r, domain.ErrNotFound)
			return
		}
		if f.d.Names != nil {
			if err := tr.Name(r.Context(), func(ctx context.Context, ids []string) (map[string]string, error) {
				return f.d.Names.ActorNames(ctx, a, ids)
			}); err != nil {
				s.Error(w, r, err)
				return
			}
		}
		httpx.WriteJSON(w, http.StatusOK, tr)
	})
}

var errAuditorsOnly = domain.Forbidden("auditors_only", "only the auditor token and the back office may read the audit trail",
	"Alleen de auditor en het backofficebureau mogen de audittrail lezen.")

// auditor authenticates and allows the auditor and the back office.
func auditor(s *api.Server, w http.ResponseWriter, r *http.Request) bool {
	a, ok := s.Actor(w, r)
	if !ok {
		return false
	}
	if !a.Is(domain.RoleAuditor, domain.RoleBackoffice) {
		s.Error(w, r, errAuditorsOnly)
		return false
	}
	return true
}

// verifyBody is the answer of GET /audit/verify.
type verifyBody struct {
	Intact         bool        `json:"intact"`
	Complete       bool        `json:"complete"`
	Events         int64       `json:"events"`
	Streams        int         `json:"streams"`
	DigestsChecked int         `json:"digests_checked"`
	LastPosition   string      `json:"last_position"`
	Digest         string      `json:"digest"`
	Broken         *brokenBody `json:"broken,omitempty"`
	DigestBroken   *brokenBody `json:"digest_broken,omitempty"`
	Bound          int64       `json:"max_events"`
}

type brokenBody struct {
	*ledger.Break
	Position string `json:"position"`
}

func broken(b *ledger.Break) *brokenBody {
	if b == nil {
		return nil
	}
	return &brokenBody{Break: b, Position: b.Position.String()}
}

// handleVerify is GET /audit/verify: one pass over the ledger, bounded by
// max_events (default and cap MaxVerifyEvents); complete is false when the
// bound stopped it. The CLI (`backoffice verify`) has no bound.
func (f *Feature) handleVerify(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !auditor(s, w, r) {
			return
		}
		bound := int64(MaxVerifyEvents)
		if v := r.URL.Query().Get("max_events"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 || n > MaxVerifyEvents {
				s.Error(w, r, domain.Invalid("max_events_invalid", "max_events", "max_events must be a whole number from 1 to 1000000",
					"max_events moet een geheel getal van 1 tot en met 1000000 zijn."))
				return
			}
			bound = n
		}
		rep, err := ledger.Verify(r.Context(), f.d.Store, ledger.VerifyOptions{Pool: f.d.Pool, MaxEvents: bound})
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if rep.Broken != nil {
			s.Log.ErrorContext(r.Context(), "audit: ledger verification found a break", "break", rep.Broken.String(),
				"request_id", httpx.RequestID(r.Context()))
		}
		httpx.WriteJSON(w, http.StatusOK, verifyBody{
			Intact: rep.Broken == nil, Complete: rep.Complete, Events: rep.Events, Streams: rep.Streams,
			DigestsChecked: rep.Digests, LastPosition: rep.Last.String(), Digest: rep.Digest.String(),
			Broken: broken(rep.Broken), DigestBroken: broken(rep.DigestBreak), Bound: bound,
		})
	})
}

// handleEvents is GET /audit/events?after=<pos>&to=<pos>&limit=N: up to
// limit (default DefaultExportLimit, cap MaxExportLimit) events of $all
// after the position and at or before to (the last_position of a verify, so
// that the pages end exactly where its digest does), as NDJSON (ledger.ExportedEvent per line). X-Last-Position is the
// position to pass as after for the next page (after itself when empty).
func (f *Feature) handleEvents(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !auditor(s, w, r) {
			return
		}
		q := r.URL.Query()
		after := eventstore.Start
		if v := q.Get("after"); v != "" {
			p, err := eventstore.ParsePosition(v)
			if err != nil {
				s.Error(w, r, domain.Invalid("after_invalid", "after", "after must be a position as COMMIT-PREPARE",
					"after moet een positie zijn (COMMIT-PREPARE)."))
				return
			}
			after = p
		}
		var to *eventstore.Position
		if v := q.Get("to"); v != "" {
			p, err := eventstore.ParsePosition(v)
			if err != nil {
				s.Error(w, r, domain.Invalid("to_invalid", "to", "to must be a position as COMMIT-PREPARE",
					"to moet een positie zijn (COMMIT-PREPARE)."))
				return
			}
			to = &p
		}
		limit := DefaultExportLimit
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 || n > MaxExportLimit {
				s.Error(w, r, domain.Invalid("limit_invalid", "limit", "limit must be a whole number from 1 to 10000",
					"limit moet een geheel getal van 1 tot en met 10000 zijn."))
				return
			}
			limit = n
		}
		// Read first, then answer: an error must still be a JSON error.
		var buf bytes.Buffer
		_, last, err := ledger.Export(r.Context(), f.d.Store, ledger.ExportRange{After: after, To: to, Limit: limit}, &buf)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("X-Last-Position", last.String())
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(buf.Bytes())
	})
}
