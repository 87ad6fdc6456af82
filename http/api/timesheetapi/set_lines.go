package timesheetapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/http/api"
	"backoffice/http/httpx"
)

// linesBody is PUT .../lines: several lines at once, all or none (the
// portal's grid save). Each line is an hour type with minutes or hours, as
// in PUT .../lines/{hourType}.
type linesBody struct {
	Lines []lineItem `json:"lines"`
}

type lineItem struct {
	HourType string   `json:"hour_type"`
	Minutes  []int    `json:"minutes"`
	Hours    []string `json:"hours"`
}

// handleSetLines runs SetLines: one decision, one append; a refusal of any
// line leaves every line as it was. Errors name the line by its index
// ("lines[1].minutes[0]").
func (f *Feature) handleSetLines(s *api.Server) http.Handler {
	return command(s, http.StatusOK, func(r *http.Request, w http.ResponseWriter, ctx context.Context, meta commands.Meta, t cmd.Target) (commands.Result, any, error) {
		b, err := httpx.Decode[linesBody](w, r)
		if err != nil {
			return commands.Result{}, nil, err
		}
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

// prefixField puts prefix before err's field (a line's own input).
func prefixField(err error, prefix string) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	c := *de
	c.Field = prefix + strings.TrimPrefix(c.Field, prefix)
	return &c
}
