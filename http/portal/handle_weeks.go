package portal

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"backoffice/domain/timesheet"
	rmid "backoffice/readmodel/identity"
)

func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

type weekTile struct {
	Number   int
	Fillable bool
	Status   string
	Icon     string
	URL      string
	Label    string // week, dates and status, for title and screen readers
	Range    string // the visible tooltip
}

type weeksPage struct {
	Placement          Placement
	Year               int
	PrevYear, NextYear int
	PrevURL, NextURL   string
	Tiles              []weekTile
	Legend             []statusView
	// The grid starts and ends with the placement (issue 16 §6): weeks of
	// the year before its start or after its end are left out and named.
	StartNote, EndNote, EmptyNote string
	// Corrections are the placement's corrections (placement.corrected),
	// oldest first: when, by whom, what changed.
	Corrections []correctionView
}

// correctionView is one correction as the placement's page shows it.
type correctionView struct {
	At     time.Time
	By     string // a name the viewer may see, or empty (ByRole then)
	ByRole string
	// Changes says what changed: "Functie: Bakker → Banketbakker",
	// "Begindatum: 03-11-2025 → 27-10-2025".
	Changes []string
	Reason  string
}

// correctionViews renders the corrections for v's language.
func correctionViews(v *view, cs []rmid.Correction) []correctionView {
	date := func(s string) string {
		d, err := timesheet.ParseDate(s)
		if err != nil {
			return s
		}
		return v.Date(d)
	}
	out := make([]correctionView, 0, len(cs))
	for _, c := range cs {
		cv := correctionView{At: c.At, By: c.By, ByRole: c.ByRole, Reason: c.Reason}
		if c.FunctionFrom != c.FunctionTo {
			cv.Changes = append(cv.Changes, v.T("weeks.corrected_function", c.FunctionFrom, c.FunctionTo))
		}
		if c.StartFrom != c.StartTo {
			cv.Changes = append(cv.Changes, v.T("weeks.corrected_start", date(c.StartFrom), date(c.StartTo)))
		}
		out = append(out, cv)
	}
	return out
}

func (s *Server) handleWeeks() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["placement"]
		now := s.Clock().In(timesheet.Location())
		year := timesheet.WeekOf(timesheet.DateOf(now)).Year
		if y, ok := atoi(r.URL.Query().Get("jaar")); ok && y >= 2000 && y <= 2100 {
			year = y
		}
		v := s.newView(r, "timesheets", "weeks.title")
		wo, err := s.Timesheets.Weeks(r.Context(), actor(r), id, year)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p := weeksPage{
			Placement: wo.Placement, Year: year, PrevYear: year - 1, NextYear: year + 1,
			PrevURL: weeksURL(id, year-1), NextURL: weeksURL(id, year+1),
		}
		per := wo.Placement.Period
		before, after := 0, 0
		for _, wk := range wo.Weeks {
			if !per.Start.IsZero() && !per.Overlaps(wk.Week) {
				if wk.Week.End().Before(per.Start) {
					before++
				} else {
					after++
				}
				continue
			}
			sv := v.StatusView(wk.Status)
			rng := v.Date(wk.Week.Start()) + " – " + v.Date(wk.Week.End())
			label := v.T("weeks.tile", wk.Week.Week, rng)
			if wk.Fillable {
				label += ", " + sv.Label
			} else {
				label += ", " + v.T("weeks.not_fillable")
			}
			p.Tiles = append(p.Tiles, weekTile{
				Number: wk.Week.Week, Fillable: wk.Fillable, Status: sv.Code, Icon: sv.Icon,
				URL: sheetURL(Ref{PlacementID: id, Week: wk.Week}), Label: label, Range: rng,
			})
		}
		var startWeek, endWeek timesheet.ISOWeek
		if before > 0 {
			startWeek = timesheet.WeekOf(per.Start)
		}
		if after > 0 {
			endWeek = timesheet.WeekOf(per.End)
		}
		switch {
		case len(p.Tiles) == 0 && before > 0:
			p.EmptyNote = v.T("weeks.starts_later", v.Date(per.Start), startWeek.Week, startWeek.Year)
		case len(p.Tiles) == 0:
			p.EmptyNote = v.T("weeks.ended_before", v.Date(per.End), endWeek.Week, endWeek.Year)
		default:
			if before > 0 {
				p.StartNote = v.T("weeks.starts", v.Date(per.Start), startWeek.Week)
			}
			if after > 0 {
				p.EndNote = v.T("weeks.ends", v.Date(per.End), endWeek.Week)
			}
		}
		for _, st := range []timesheet.Status{timesheet.StatusNone, timesheet.StatusOpen, timesheet.StatusOffered,
			timesheet.StatusRejected, timesheet.StatusApproved, timesheet.StatusImported} {
			p.Legend = append(p.Legend, v.StatusView(st))
		}
		cs, err := s.Workers.Corrections(r.Context(), actor(r), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Corrections = correctionViews(v, cs)
		v.Title = fmt.Sprintf("%s %d – %s", v.T("weeks.title"), year, wo.Placement.WorkerName)
		v.Data = p
		s.render(w, r, http.StatusOK, "weeks", v)
	})
}
