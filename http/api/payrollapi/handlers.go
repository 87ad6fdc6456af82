package payrollapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/validate"
	"backoffice/http/api"
	"backoffice/http/httpx"
	"backoffice/readmodel/asof"
	rm "backoffice/readmodel/payroll"
)

// handleApproved is GET /payroll/approved: one page of the feed, strictly
// after the cursor "after", by default only what is not imported yet; with
// as_of, the feed as it was then, replayed from the event store.
func (f *Feature) handleApproved(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, rm.FeedProjectors, func(ctx context.Context, actor domain.Actor) (any, error) {
			if !rm.CanReadFeed(actor) {
				return nil, errNoSuchEndpoint
			}
			req, err := feedRequest(r)
			if err != nil {
				return nil, err
			}
			m, err := asof.Parse(r.URL.Query().Get("as_of"))
			if err != nil {
				return nil, err
			}
			return f.queries.FeedAsOf(ctx, actor, req, f.replay, m)
		})
	})
}

func feedRequest(r *http.Request) (rm.FeedRequest, error) {
	q := r.URL.Query()
	var req rm.FeedRequest
	var err error
	if req.After, err = rm.ParseCursor(q.Get("after")); err != nil {
		return req, err
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > rm.MaxLimit {
			return req, domain.Invalid("limit_invalid", "limit",
				fmt.Sprintf("limit must be a number from 1 to %d", rm.MaxLimit),
				fmt.Sprintf("limit moet een getal van 1 tot en met %d zijn.", rm.MaxLimit))
		}
		req.Limit = n
	}
	if v := q.Get("include_imported"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return req, domain.Invalid("include_imported_invalid", "include_imported",
				"include_imported must be true or false", "include_imported moet true of false zijn.")
		}
		req.IncludeImported = b
	}
	return req, nil
}

// MaxBulkImport caps the items of one bulk import report.
const MaxBulkImport = 1000

// importBody is the body of POST /payroll/imported. "import_batch" is
// accepted as well as "batch", the field name of the single report.
type importBody struct {
	Batch       string           `json:"batch"`
	ImportBatch string           `json:"import_batch"`
	Items       []importItemBody `json:"items"`
}

type importItemBody struct {
	Placement string `json:"placement"`
	Week      string `json:"week"`
	Hash      string `json:"hash"`
}

// importItem is a checked item.
type importItem struct {
	target cmd.Target
	hash   string
}

// check validates the whole list before anything runs: the batch, the
// number of items, every item's placement, week and hash, and duplicates.
func (b importBody) check() (string, []importItem, error) {
	batch, alias := strings.TrimSpace(b.Batch), strings.TrimSpace(b.ImportBatch)
	switch {
	case batch == "" && alias == "":
		return "", nil, domain.Invalid("import_batch_required", "batch", "the import batch is required", "De importbatch ontbreekt.")
	case batch != "" && alias != "" && batch != alias:
		return "", nil, domain.Invalid("import_batch_ambiguous", "batch", "batch and import_batch differ; send one of them",
			"batch en import_batch verschillen; stuur er één.")
	case batch == "":
		batch = alias
	}
	// The domain's text check, up front: a poison batch refuses the whole
	// report (422 on batch) instead of failing every item.
	if _, err := validate.Label("batch", batch, ts.MaxImportBatchLength); err != nil {
		return "", nil, err
	}
	if len(b.Items) == 0 {
		return "", nil, domain.Invalid("items_required", "items", "name at least one timesheet", "Kies ten minste één urenbriefje.")
	}
	if len(b.Items) > MaxBulkImport {
		return "", nil, domain.Invalid("too_many_items", "items",
			fmt.Sprintf("at most %d timesheets at once", MaxBulkImport), fmt.Sprintf("Maximaal %d urenbriefjes tegelijk.", MaxBulkImport))
	}
	out := make([]importItem, len(b.Items))
	seen := map[cmd.Target]bool{}
	for i, it := range b.Items {
		field := fmt.Sprintf("items[%d]", i)
		if err := validate.ID(field+".placement", it.Placement); err != nil {
			return "", nil, err
		}
		w, err := ts.ParseISOWeek(it.Week)
		if err != nil {
			return "", nil, domain.Invalid("week_invalid", field+".week",
				domain.Quote(it.Week)+" is not an ISO week (e.g. 2026-W05)",
				domain.Quote(it.Week)+" is geen geldige week (bijvoorbeeld 2026-W05).")
		}
		if strings.TrimSpace(it.Hash) == "" {
			return "", nil, domain.Invalid("hash_required", field+".hash",
				"the hash of the imported content is required (the feed item's hash)",
				"De hash van de geïmporteerde inhoud ontbreekt (de hash uit de feed).")
		}
		t := cmd.Target{PlacementID: it.Placement, Week: w}
		if seen[t] {
			return "", nil, domain.Invalid("duplicate_item", field, "the same timesheet is named twice",
				"Hetzelfde urenbriefje staat er twee keer in.")
		}
		seen[t] = true
		out[i] = importItem{target: t, hash: strings.TrimSpace(it.Hash)}
	}
	return batch, out, nil
}

// Item outcomes of a bulk import report.
const (
	outcomeImported        = "imported"         // the import was recorded now
	outcomeAlreadyImported = "already_imported" // recorded before with the same batch: nothing changed
)

type importItemResult struct {
	Placement string             `json:"placement"`
	Week      string             `json:"week"`
	Status    int                `json:"status"`            // HTTP status of this item
	Outcome   string             `json:"outcome,omitempty"` // imported, already_imported
	Position  string             `json:"position,omitempty"`
	Error     *httpx.ErrorDetail `json:"error,omitempty"`
}

type importResponse struct {
	Position        string             `json:"position"`
	Imported        int                `json:"imported"`
	AlreadyImported int                `json:"already_imported"`
	Failed          int                `json:"failed"`
	Results         []importItemResult `json:"results"`
}

// errHashMismatch refuses an import report whose hash is not the approved
// content's: payroll imported something else than what was approved.
func errHashMismatch(field string) error {
	return domain.Rule("hash_mismatch", field,
		"the hash differs from the approved content; read the feed again and import what was approved",
		"De hash wijkt af van de geaccordeerde inhoud; lees de feed opnieuw en importeer wat is geaccordeerd.")
}

// handleImported is POST /payroll/imported: the bulk import report. Each
// item is checked against the approval in the ledger (422 hash_mismatch
// when the hash differs) and then recorded with the MarkImported command,
// its own load, decision and append, so one failing item does not stop the
// others. The answer is 200 with a status per item; the top-level position
// is the last append's (for min_position).
func (f *Feature) handleImported(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusOK, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
			if !rm.CanRead(meta.Actor) {
				return commands.Result{}, nil, errNoSuchEndpoint
			}
			b, err := httpx.Decode[importBody](w, r)
			if err != nil {
				return commands.Result{}, nil, err
			}
			batch, items, err := b.check()
			if err != nil {
				return commands.Result{}, nil, err
			}
			lang := httpx.Language(r)
			var last commands.Result
			resp := importResponse{Results: make([]importItemResult, len(items))}
			for i, it := range items {
				res := importItemResult{Placement: it.target.PlacementID, Week: it.target.Week.String()}
				out, err := f.importOne(ctx, meta, batch, it, fmt.Sprintf("items[%d].hash", i))
				if err != nil {
					res.Status = httpx.Status(err)
					d := httpx.Detail(err, lang)
					res.Error = &d
					if res.Status >= 500 {
						s.Log.ErrorContext(ctx, "payroll import item failed", "placement", it.target.PlacementID,
							"week", it.target.Week.String(), "request_id", httpx.RequestID(ctx), "err", err)
					}
					resp.Failed++
				} else {
					res.Status = http.StatusOK
					if out.Position.IsStart() {
						res.Outcome = outcomeAlreadyImported
						resp.AlreadyImported++
					} else {
						res.Outcome, res.Position = outcomeImported, out.Position.String()
						resp.Imported++
						if out.Position.After(last.Position) {
							last = out
						}
					}
				}
				resp.Results[i] = res
			}
			resp.Position = last.Position.String()
			return last, resp, nil
		})
	})
}

// importOne checks one item's hash against the ledger's approval and runs
// MarkImported. A timesheet that is not approved (or does not exist) is left
// to the command, which answers not_approved (409) or not found (404).
func (f *Feature) importOne(ctx context.Context, meta commands.Meta, batch string, it importItem, field string) (commands.Result, error) {
	if err := ctx.Err(); err != nil {
		return commands.Result{}, err
	}
	a, approved, err := f.ledger.Approval(ctx, meta.Actor, it.target.PlacementID, it.target.Week)
	if err != nil {
		return commands.Result{}, err
	}
	if approved && !strings.EqualFold(a.Hash, it.hash) { // hex: either case
		return commands.Result{}, errHashMismatch(field)
	}
	res, err := f.commands.MarkImported(ctx, meta, cmd.MarkImported{Target: it.target, ImportBatch: batch})
	if err != nil {
		return commands.Result{}, err
	}
	return res, nil
}
