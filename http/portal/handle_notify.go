package portal

import (
	"net/http"
	"net/url"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/http/httpx"
	"backoffice/notify/missing"
	"backoffice/notify/prefs"
)

// The screens of notify/: "Instellingen" (each user's mails and language)
// and "Ontbrekende uren" (the missing-hours overview), plus its summary on
// the home page.

// ---- Instellingen ----

type settingsPage struct {
	prefs.Settings
	Lang string
}

func (s *Server) handleSettingsPage() http.Handler {
	return s.page("", "settings.title", "settings", s.settingsData)
}

// settingsData is the settings page's data: the caller's mail settings.
func (s *Server) settingsData(r *http.Request, v *view) error {
	cur, err := s.Notify.Settings(r.Context(), actor(r))
	v.Data = settingsPage{Settings: cur, Lang: v.Lang}
	return err
}

// handleSettings stores the mail settings (checkboxes: absent is off) and,
// when it changed, the language (the account's, as the header's switch).
func (s *Server) handleSettings() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		v := s.newView(r, "", "settings.title")
		in := settingsPage{
			Settings: prefs.Settings{Reminders: r.PostForm.Get("herinneringen") == "aan", ApprovedMail: r.PostForm.Get("geaccordeerd") == "aan"},
			Lang:     r.PostForm.Get("taal"),
		}
		if !validLang(in.Lang) {
			v.Errors["taal"] = v.T("settings.lang_required")
			v.Data = in
			s.render(w, r, http.StatusUnprocessableEntity, "settings", v)
			return
		}
		if err := s.Notify.SetSettings(r.Context(), actor(r), in.Settings); err != nil {
			s.fail(w, r, err)
			return
		}
		res := commands.Result{}
		if in.Lang != st.lang {
			var err error
			if res, err = s.Identity.SetLanguage(r.Context(), meta(r), in.Lang); err != nil {
				s.fail(w, r, err)
				return
			}
			http.SetCookie(w, newCookie(langCookie, in.Lang, st.secure, 365*24*3600))
		}
		redirectAfter(w, r, "/instellingen", res.Position, "settings_saved")
	})
}

// ---- Ontbrekende uren ----

// missingRowsShown bounds the rows of the HTML page; the CSV has them all.
const missingRowsShown = 1000

type missingRowView struct {
	Worker, Placement, Link string
	Week                    timesheet.ISOWeek
	Status, EnteredBy       string
	Deadline, Late          string
	IsLate                  bool
}

type missingGroup struct {
	Client, Intermediary string
	Count                int
	MostLate             string
	Rows                 []missingRowView
}

type missingPage struct {
	Weeks, Clients   []option
	ShowIntermediary bool
	Groups           []missingGroup
	Total, Shown     int
	CSVURL           string
}

// defaultMissingWeeks: the back office sees every placement, so its
// default is the week just past; the others see their 8 weeks.
func defaultMissingWeeks(a domain.Actor, now time.Time) []timesheet.ISOWeek {
	if a.Role == domain.RoleBackoffice {
		return missing.PastWeeks(now, 1)
	}
	return missing.PastWeeks(now, missing.DefaultWeeks)
}

func (s *Server) handleMissingHours() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "", "missing.title")
		a := actor(r)
		if !seesMissingHours(a) {
			s.fail(w, r, missing.ErrForbidden)
			return
		}
		q := r.URL.Query()
		now := s.Clock()
		past := missing.PastWeeks(now, missing.DefaultWeeks)
		weekParam, clientID := q.Get("week"), q.Get("klant")
		var weeks []timesheet.ISOWeek
		switch weekParam {
		case "":
			weeks = defaultMissingWeeks(a, now)
			if len(weeks) == 1 {
				weekParam = weeks[0].String()
			} else {
				weekParam = "alle"
			}
		case "alle":
			weeks = past
		default:
			wk, err := timesheet.ParseISOWeek(weekParam)
			if err != nil {
				v.Errors["week"] = weekInvalid(v, weekParam, err)
				break
			}
			weeks = []timesheet.ISOWeek{wk}
		}
		p := missingPage{ShowIntermediary: a.Is(domain.RoleBackoffice)}
		p.Weeks = append(p.Weeks, option{Value: "alle", Label: v.T("missing.all_weeks", len(past)), Selected: weekParam == "alle"})
		for _, wk := range past {
			p.Weeks = append(p.Weeks, option{Value: wk.String(), Label: v.WeekLabel(wk), Selected: weekParam == wk.String()})
		}
		if seesSeveralClients(a) {
			clients, err := s.Workers.queries.Clients(r.Context(), a)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			p.Clients = append(p.Clients, option{Value: "", Label: v.T("missing.all_clients"), Selected: clientID == ""})
			for _, c := range clients {
				p.Clients = append(p.Clients, option{Value: c.ID, Label: c.Name, Selected: c.ID == clientID})
			}
		}
		if len(v.Errors) > 0 {
			v.Data = p
			s.render(w, r, http.StatusBadRequest, "missing", v)
			return
		}
		rep, err := s.Notify.MissingHours(r.Context(), a, weeks, clientID)
		if err != nil {
			v.Data = p
			s.showFormError(w, r, v, "missing", err, map[string]string{"client": "klant"})
			return
		}
		if q.Get("formaat") == "csv" {
			name := "ontbrekende-uren.csv"
			if len(weeks) == 1 {
				name = "ontbrekende-uren-" + weeks[0].String() + ".csv"
			}
			if err := httpx.WriteCSV(w, name, missing.CSVHeader, missing.CSVRecords(rep.Rows)); err != nil {
				s.Log.ErrorContext(r.Context(), "portal: unable to send the missing-hours CSV", "err", err)
			}
			return
		}
		csv := url.Values{"week": {weekParam}, "formaat": {"csv"}}
		if clientID != "" {
			csv.Set("klant", clientID)
		}
		p.CSVURL = "/ontbrekende-uren?" + csv.Encode()
		p.Total = len(rep.Rows)
		s.fillMissing(v, &p, rep)
		v.Data = p
		s.render(w, r, http.StatusOK, "missing", v)
	})
}

func (s *Server) fillMissing(v *view, p *missingPage, rep missing.Report) {
	i := 0
	for _, c := range rep.PerClient {
		g := missingGroup{Client: c.ClientName, Intermediary: c.IntermediaryName, Count: c.Missing, MostLate: lateLabel(v, c.MostLate)}
		if g.Client == "" {
			g.Client = c.ClientID
		}
		for ; i < len(rep.Rows) && rep.Rows[i].ClientID == c.ClientID; i++ {
			if p.Shown >= missingRowsShown {
				continue
			}
			row := rep.Rows[i]
			rv := missingRowView{Worker: row.WorkerName, Placement: row.PlacementID, Week: row.Week,
				Link: sheetURL(Ref{PlacementID: row.PlacementID, Week: row.Week}), Status: v.T("missing.status." + row.Status),
				Deadline: v.DateTime(row.EntryDeadline), Late: lateLabel(v, row.LateBy), IsLate: row.LateBy > 0}
			if rv.Worker == "" {
				rv.Worker = row.PlacementID
			}
			if row.EnteredBy != "" {
				rv.EnteredBy = v.Role(domain.Role(row.EnteredBy))
			}
			g.Rows = append(g.Rows, rv)
			p.Shown++
		}
		p.Groups = append(p.Groups, g)
	}
}

// lateLabel says how late: in hours up to two days, then in days.
func lateLabel(v *view, d time.Duration) string {
	h := int(d / time.Hour)
	switch {
	case d <= 0:
		return v.T("missing.not_late")
	case h < 48:
		return v.T("missing.late_hours", h)
	}
	return v.T("missing.late_days", h/24)
}

// homeMissing is the home page's summary of the overview for
// intermediaries and the back office.
type homeMissing struct {
	Count, Clients int
	Weeks          string
	MostLate       string
}

// homePage is the home page: the status counts and, for intermediaries and
// the back office, the missing hours.
type homePage struct {
	Overview
	Missing  *homeMissing
	ThisWeek *thisWeek // handle_home.go: the worker's "Deze week"
}

func (s *Server) homeMissing(r *http.Request, v *view) (*homeMissing, error) {
	a := actor(r)
	if !a.Is(domain.RoleIntermediary, domain.RoleBackoffice) {
		return nil, nil
	}
	now := s.Clock()
	weeks := defaultMissingWeeks(a, now)
	tot, err := s.Notify.MissingTotals(r.Context(), a, weeks)
	if err != nil {
		return nil, err
	}
	m := &homeMissing{Count: tot.Missing, Clients: tot.Clients}
	if len(weeks) == 1 {
		m.Weeks = v.WeekLabel(weeks[0])
	} else {
		m.Weeks = v.T("missing.last_weeks", len(weeks))
	}
	if tot.Missing > 0 {
		m.MostLate = lateLabel(v, now.Sub(timesheet.EntryDeadline(tot.Oldest)))
	}
	return m, nil
}
