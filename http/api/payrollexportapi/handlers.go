package payrollexportapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"backoffice/commands"
	cmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/account"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	ts "backoffice/domain/timesheet"
	"backoffice/http/api"
	"backoffice/http/httpx"
	rm "backoffice/readmodel/payroll"
)

// handleBacklog is GET /payroll/clients/{client}/backlog?period=...; with
// min_position it waits for the payroll feed first.
func (f *Feature) handleBacklog(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, rm.FeedProjectors, func(ctx context.Context, actor domain.Actor) (any, error) {
			if !pay.CanExport(actor) {
				return nil, errNoSuchEndpoint
			}
			period, err := pay.ParsePeriod(r.URL.Query().Get("period"))
			if err != nil {
				return nil, err
			}
			return f.commands.Backlog(ctx, actor, mux.Vars(r)["client"], period)
		})
	})
}

type settingsBody struct {
	Administration string `json:"administration"`
	DebtorNumber   string `json:"debtor_number"`
	Relation       string `json:"relation"`
	Period         string `json:"period"`
	Package        string `json:"package"`
}

func (f *Feature) handleSettings(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, b settingsBody) (commands.Result, any, error) {
			res, err := f.commands.SetSettings(ctx, meta, cmd.SetSettings{ClientID: mux.Vars(r)["client"], Settings: pay.Settings{
				Administration: b.Administration, DebtorNumber: b.DebtorNumber, Relation: b.Relation,
				Period: pay.PeriodKind(b.Period), Package: pay.Target(b.Package)}})
			return res, nil, err
		}))
	})
}

type mappingBody struct {
	ValidFrom string        `json:"valid_from"`
	Entries   []pay.Mapping `json:"entries"`
}

func (f *Feature) handleMapping(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, b mappingBody) (commands.Result, any, error) {
			res, err := f.commands.SetMapping(ctx, meta, cmd.SetMapping{ClientID: mux.Vars(r)["client"], ValidFrom: b.ValidFrom, Entries: b.Entries})
			return res, nil, err
		}))
	})
}

type personnelNumberBody struct {
	PersonnelNumber string `json:"personnel_number"`
}

func (f *Feature) handlePersonnelNumber(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, b personnelNumberBody) (commands.Result, any, error) {
			v := mux.Vars(r)
			res, err := f.commands.SetPersonnelNumber(ctx, meta, cmd.SetPersonnelNumber{
				WorkerID: v["worker"], Administration: v["administration"], PersonnelNumber: b.PersonnelNumber})
			return res, nil, err
		}))
	})
}

type createBody struct {
	ClientID string `json:"client_id"`
	Period   string `json:"period"`
}

type skippedBody struct {
	ClientID string            `json:"client_id"`
	Error    httpx.ErrorDetail `json:"error"`
	Status   int               `json:"status"`
}

type createResponse struct {
	Position string        `json:"position"`
	Batches  []cmd.Created `json:"batches"`
	Skipped  []skippedBody `json:"skipped"`
}

// handleCreate is POST /payroll/exports. With min_position it first waits
// until the payroll feed has passed it, so a timesheet approved (or
// reported imported) before is seen.
func (f *Feature) handleCreate(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Authenticate before waiting, so no stranger can hold a request open.
		if _, ok := s.Actor(w, r); !ok {
			return
		}
		if !s.WaitForMin(w, r, rm.FeedProjectors...) {
			return
		}
		s.Command(w, r, http.StatusCreated, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
			if !pay.CanExport(meta.Actor) {
				return commands.Result{}, nil, errNoSuchEndpoint
			}
			b, err := httpx.Decode[createBody](w, r)
			if err != nil {
				return commands.Result{}, nil, err
			}
			period, err := pay.ParsePeriod(b.Period)
			if err != nil {
				return commands.Result{}, nil, err
			}
			res, created, skipped, err := f.commands.CreateExport(ctx, meta, cmd.CreateExport{ClientID: b.ClientID, Period: period})
			if err != nil {
				return commands.Result{}, nil, err
			}
			body := createResponse{Position: res.Position.String(), Batches: created, Skipped: []skippedBody{}}
			if body.Batches == nil {
				body.Batches = []cmd.Created{}
			}
			for _, sk := range skipped {
				body.Skipped = append(body.Skipped, skippedBody{ClientID: sk.ClientID, Status: httpx.Status(sk.Error),
					Error: httpx.Detail(sk.Error, httpx.Language(r))})
			}
			return res, body, nil
		})
	})
}

// errNoSuchEndpoint: the export's endpoints are absent for the roles that
// may not export, as an unknown path.
var errNoSuchEndpoint = api.ErrNoSuchEndpoint

// handleFile streams a batch file. Errors found before the first byte are
// JSON errors; the file itself is written straight to the response.
func (f *Feature) handleFile(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := s.Actor(w, r)
		if !ok {
			return
		}
		v := mux.Vars(r)
		format, err := payrollfile.ParseFormat(v["format"])
		if err != nil && pay.CanExport(actor) {
			s.Error(w, r, err)
			return
		}
		batch := v["batch"]
		err = f.commands.WriteFile(r.Context(), actor, batch, format, w, func() error {
			w.Header().Set("Content-Type", format.ContentType())
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`,
				httpx.SafeFileName(format.FileName(batch), "export")))
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusOK)
			return nil
		})
		if err != nil && w.Header().Get("Content-Disposition") == "" {
			s.Error(w, r, err)
		} else if err != nil {
			s.Log.ErrorContext(r.Context(), "payroll file failed midway", "batch", batch, "format", format,
				"request_id", httpx.RequestID(r.Context()), "err", err)
			// Cut the connection: a clean end would look like a complete
			// (but short) file to the payroll package.
			panic(http.ErrAbortHandler)
		}
	})
}

type confirmResponse struct {
	Position string       `json:"position"`
	BatchID  string       `json:"batch_id"`
	Status   string       `json:"status"`
	Marked   int          `json:"marked"`
	Failed   []failedMark `json:"failed"`
}

type failedMark struct {
	Placement string            `json:"placement"`
	Week      string            `json:"week"`
	Status    int               `json:"status"`
	Error     httpx.ErrorDetail `json:"error"`
}

func (f *Feature) handleConfirm(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusOK, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
			batch := mux.Vars(r)["batch"]
			res, marked, failed, err := f.commands.ConfirmExport(ctx, meta, cmd.ConfirmExport{BatchID: batch})
			if err != nil {
				return commands.Result{}, nil, err
			}
			body := confirmResponse{Position: res.Position.String(), BatchID: batch, Status: string(pay.StatusConfirmed),
				Marked: marked, Failed: []failedMark{}}
			for _, fm := range failed {
				body.Failed = append(body.Failed, failedMark{Placement: fm.Placement, Week: fm.Week,
					Status: httpx.Status(fm.Err), Error: httpx.Detail(fm.Err, httpx.Language(r))})
			}
			return res, body, nil
		})
	})
}

// reasonBody is the body of a cancel (optional) and of a reopen.
type reasonBody struct {
	Reason string `json:"reason"`
}

func (f *Feature) handleCancel(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusOK, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
			var b reasonBody
			if r.ContentLength != 0 {
				var err error
				if b, err = httpx.Decode[reasonBody](w, r); err != nil {
					return commands.Result{}, nil, err
				}
			}
			res, err := f.commands.CancelExport(ctx, meta, cmd.CancelExport{BatchID: mux.Vars(r)["batch"], Reason: b.Reason})
			return res, nil, err
		})
	})
}

// handleReopen is POST /payroll/timesheets/{placement}/{week}/reopen (back
// office): an imported timesheet goes back to the one who enters the hours
// for a correction.
func (f *Feature) handleReopen(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusOK, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
			if !account.IsStaff(meta.Actor) {
				return commands.Result{}, nil, errNoSuchEndpoint
			}
			v := mux.Vars(r)
			week, err := ts.ParseISOWeek(v["week"])
			if err != nil {
				return commands.Result{}, nil, domain.Invalid("week_invalid", "week", "not an ISO week (e.g. 2026-W05)",
					"Geen geldige week (bijvoorbeeld 2026-W05).")
			}
			b, err := httpx.Decode[reasonBody](w, r)
			if err != nil {
				return commands.Result{}, nil, err
			}
			res, err := f.commands.Reopen(ctx, meta, tscmd.Reopen{Target: tscmd.Target{PlacementID: v["placement"], Week: week}, Reason: b.Reason})
			return res, nil, err
		})
	})
}
