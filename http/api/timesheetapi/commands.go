package timesheetapi

import (
	"context"
	"fmt"
	"net/http"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	ts "backoffice/domain/timesheet"
	"backoffice/http/api"
	"backoffice/http/httpx"
)

// command is the shape of every single-timesheet command handler: parse the
// target, decode the body (inside the Command callback, so an
// Idempotency-Key covers the body), run one command. Each makes at most one
// append and answers from it again under meta.Retry, so its
// Idempotency-Key is recorded in that append (api.Server.OneAppendCommand).
func command[B any](s *api.Server, status int, decode func(http.ResponseWriter, *http.Request) (B, error), run func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, b B) (commands.Result, any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.OneAppendCommand(w, r, status, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
			t, err := target(r)
			if err != nil {
				return commands.Result{}, nil, err
			}
			b, err := decode(w, r)
			if err != nil {
				return commands.Result{}, nil, err
			}
			return run(r, ctx, meta, t, b)
		})
	})
}

// noBody is the decode of a command that reads no body.
func noBody(http.ResponseWriter, *http.Request) (struct{}, error) { return struct{}{}, nil }

// idInPath is the decode of a command on a numbered item: its {id}.
func idInPath(_ http.ResponseWriter, r *http.Request) (int, error) { return pathID(r, "id") }

// entryChange is PUT .../entries/{id}: which entry and its new input.
type entryChange struct {
	id int
	in ts.EntryInput
}

func decodeEntryChange(w http.ResponseWriter, r *http.Request) (entryChange, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return entryChange{}, err
	}
	in, err := decodeInput[ts.EntryInput, entryBody](w, r)
	return entryChange{id: id, in: in}, err
}

// created is the body of a command that creates a numbered item.
type created struct {
	Position string `json:"position"`
	ID       int    `json:"id"`
}

func (f *Feature) handleSetLine(s *api.Server) http.Handler {
	return command(s, http.StatusOK, httpx.Decode[lineBody], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, b lineBody) (commands.Result, any, error) {
		m, err := b.minutes()
		if err != nil {
			return commands.Result{}, nil, err
		}
		res, err := f.commands.SetLine(ctx, meta, cmd.SetLine{Target: t, HourType: hourType(r), Minutes: m})
		return res, nil, inputFields(err, lineFields(b))
	})
}

// lineAdded is the body of POST .../lines: the position and the line's
// hour type, whose URL is .../lines/{hour_type}.
type lineAdded struct {
	Position string `json:"position"`
	HourType string `json:"hour_type"`
}

// handleAddLine is toevoegen: an empty line of another agreed hour type
// (201). A line that exists is 409 line_exists (its hours are untouched),
// an hour type outside the week's agreement 422 hour_type_not_agreed.
func (f *Feature) handleAddLine(s *api.Server) http.Handler {
	return command(s, http.StatusCreated, httpx.Decode[addLineBody], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, b addLineBody) (commands.Result, any, error) {
		res, err := f.commands.AddLine(ctx, meta, cmd.AddLine{Target: t, HourType: b.HourType})
		return res, lineAdded{Position: res.Position.String(), HourType: b.HourType}, err
	})
}

func (f *Feature) handleWipeLine(s *api.Server) http.Handler {
	return command(s, http.StatusOK, noBody, func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, _ struct{}) (commands.Result, any, error) {
		res, err := f.commands.WipeLine(ctx, meta, cmd.WipeLine{Target: t, HourType: hourType(r)})
		return res, nil, err
	})
}

func (f *Feature) handleAddEntry(s *api.Server) http.Handler {
	return command(s, http.StatusCreated, decodeInput[ts.EntryInput, entryBody], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, in ts.EntryInput) (commands.Result, any, error) {
		res, id, err := f.commands.AddEntry(ctx, meta, cmd.AddEntry{Target: t, Entry: in})
		return res, created{Position: res.Position.String(), ID: id}, inputFields(err, entryFields)
	})
}

func (f *Feature) handleChangeEntry(s *api.Server) http.Handler {
	return command(s, http.StatusOK, decodeEntryChange, func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, c entryChange) (commands.Result, any, error) {
		res, err := f.commands.ChangeEntry(ctx, meta, cmd.ChangeEntry{Target: t, EntryID: c.id, Entry: c.in})
		return res, nil, inputFields(err, entryFields)
	})
}

func (f *Feature) handleRemoveEntry(s *api.Server) http.Handler {
	return command(s, http.StatusOK, idInPath, func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, id int) (commands.Result, any, error) {
		res, err := f.commands.RemoveEntry(ctx, meta, cmd.RemoveEntry{Target: t, EntryID: id})
		return res, nil, inputFields(err, removeEntryFields)
	})
}

func (f *Feature) handleAddExpense(s *api.Server) http.Handler {
	return command(s, http.StatusCreated, decodeInput[ts.ExpenseInput, expenseBody], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, in ts.ExpenseInput) (commands.Result, any, error) {
		res, id, err := f.commands.AddExpense(ctx, meta, cmd.AddExpense{Target: t, Expense: in})
		return res, created{Position: res.Position.String(), ID: id}, inputFields(err, expenseFields)
	})
}

func (f *Feature) handleRemoveExpense(s *api.Server) http.Handler {
	return command(s, http.StatusOK, idInPath, func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, id int) (commands.Result, any, error) {
		res, err := f.commands.RemoveExpense(ctx, meta, cmd.RemoveExpense{Target: t, ExpenseID: id})
		return res, nil, err
	})
}

func (f *Feature) handleAddRemark(s *api.Server) http.Handler {
	return command(s, http.StatusCreated, httpx.Decode[remarkBody], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, b remarkBody) (commands.Result, any, error) {
		res, err := f.commands.AddRemark(ctx, meta, cmd.AddRemark{Target: t, Text: b.Text})
		return res, nil, inputFields(err, remarkFields)
	})
}

func (f *Feature) handleOffer(s *api.Server) http.Handler {
	return command(s, http.StatusOK, decodeOptional[struct{}], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, _ struct{}) (commands.Result, any, error) {
		res, err := f.commands.Offer(ctx, meta, cmd.Offer{Target: t})
		return res, nil, err
	})
}

func (f *Feature) handleWithdrawOffer(s *api.Server) http.Handler {
	return command(s, http.StatusOK, decodeOptional[struct{}], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, _ struct{}) (commands.Result, any, error) {
		res, err := f.commands.WithdrawOffer(ctx, meta, cmd.WithdrawOffer{Target: t})
		return res, nil, err
	})
}

func (f *Feature) handleApprove(s *api.Server) http.Handler {
	return command(s, http.StatusOK, decodeOptional[approveBody], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, b approveBody) (commands.Result, any, error) {
		res, err := f.commands.Approve(ctx, meta, cmd.Approve{Target: t, Step: b.Step, Hash: b.Hash})
		return res, nil, err
	})
}

func (f *Feature) handleReject(s *api.Server) http.Handler {
	return command(s, http.StatusOK, httpx.Decode[rejectBody], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, b rejectBody) (commands.Result, any, error) {
		res, err := f.commands.Reject(ctx, meta, cmd.Reject{Target: t, Reason: b.Reason})
		return res, nil, err
	})
}

func (f *Feature) handleMarkImported(s *api.Server) http.Handler {
	return command(s, http.StatusOK, httpx.Decode[importedBody], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, b importedBody) (commands.Result, any, error) {
		res, err := f.commands.MarkImported(ctx, meta, cmd.MarkImported{Target: t, ImportBatch: b.ImportBatch})
		return res, nil, err
	})
}

// bulkItemResult is one item of a bulk approval's answer.
type bulkItemResult struct {
	Placement string             `json:"placement"`
	Week      string             `json:"week"`
	Status    int                `json:"status"` // the HTTP status a single approve would have had
	Position  string             `json:"position,omitempty"`
	Error     *httpx.ErrorDetail `json:"error,omitempty"`
}

type bulkResponse struct {
	Position string           `json:"position"`
	Approved int              `json:"approved"`
	Failed   int              `json:"failed"`
	Results  []bulkItemResult `json:"results"`
}

func (f *Feature) handleBulkApprove(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, b bulkBody) (commands.Result, any, error) {
			items, err := b.items()
			if err != nil {
				return commands.Result{}, nil, err
			}
			outcomes, last, err := f.commands.BulkApprove(ctx, meta, items)
			if err != nil {
				return commands.Result{}, nil, err
			}
			resp := bulkResponse{Position: last.Position.String(), Results: make([]bulkItemResult, len(outcomes))}
			for i, o := range outcomes {
				res := bulkItemResult{Placement: o.Item.PlacementID, Week: o.Item.Week.String(), Status: http.StatusOK}
				if o.Err != nil {
					res.Status = httpx.Status(o.Err)
					d := httpx.Detail(o.Err, httpx.Language(r))
					res.Error = &d
					if res.Status >= 500 {
						s.Log.ErrorContext(ctx, "bulk approve item failed", "placement", o.Item.PlacementID,
							"week", o.Item.Week.String(), "request_id", httpx.RequestID(ctx), "err", o.Err)
					}
					resp.Failed++
				} else {
					res.Position = o.Result.Position.String()
					resp.Approved++
				}
				resp.Results[i] = res
			}
			return last, resp, nil
		}))
	})
}

// handleSetLines runs SetLines: one decision, one append; a refusal of any
// line leaves every line as it was. Errors name the line by its index
// ("lines[1].minutes[0]").
func (f *Feature) handleSetLines(s *api.Server) http.Handler {
	return command(s, http.StatusOK, httpx.Decode[linesBody], func(r *http.Request, ctx context.Context, meta commands.Meta, t cmd.Target, b linesBody) (commands.Result, any, error) {
		lines := make([]ts.LineInput, 0, len(b.Lines))
		names := map[string]string{}
		for i, it := range b.Lines {
			lb := lineBody{Minutes: it.Minutes, Hours: it.Hours}
			m, err := lb.minutes()
			if err != nil {
				return commands.Result{}, nil, prefixField(err, fmt.Sprintf("lines[%d].", i))
			}
			lines = append(lines, ts.LineInput{HourType: it.HourType, Minutes: m})
			form := lb.form()
			if _, seen := names["lines."+it.HourType]; !seen {
				names["lines."+it.HourType] = fmt.Sprintf("lines[%d].hour_type", i)
				for d, day := range dayFields {
					names["lines."+it.HourType+"."+day] = fmt.Sprintf("lines[%d].%s[%d]", i, form, d)
				}
			}
		}
		// A day over 24 hours is about the day: name the first line with
		// hours on it.
		for d, day := range dayFields {
			for i, l := range lines {
				if l.Minutes[d] != 0 {
					names[day] = names["lines."+l.HourType+"."+day]
					if names[day] == "" {
						names[day] = fmt.Sprintf("lines[%d]", i)
					}
					break
				}
			}
			if names[day] == "" {
				names[day] = "lines"
			}
		}
		res, err := f.commands.SetLines(ctx, meta, cmd.SetLines{Target: t, Lines: lines})
		return res, nil, inputFields(err, names)
	})
}
