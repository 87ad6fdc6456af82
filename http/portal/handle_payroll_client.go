package portal

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"backoffice/commands"
	cmd "backoffice/commands/payroll"
	"backoffice/domain"
	pay "backoffice/domain/payroll"
	"backoffice/domain/timesheet"
	"backoffice/http/httpx"
	rmid "backoffice/readmodel/identity"
)

// A client's payroll settings, its mapping to payroll components and its
// workers' personnel numbers (back office): the API's PUT …/settings,
// …/mapping and …/personnel-numbers as three forms on one page, through the
// same commands.

func payrollClientURL(id string) string { return payrollPath + "/opdrachtgevers/" + url.PathEscape(id) }

// PayrollClientURL is a client's payroll settings page.
func (v *view) PayrollClientURL(id string) string { return payrollClientURL(id) }

// payrollClientPage is the page's data; the forms' values are in the
// view's Form.
type payrollClientPage struct {
	ClientID, ClientName string
	HasSettings          bool
	Kinds, Packages      []string
	Rows                 []mappingRow
	Mappings             []pay.MappingSet // every mapping set, oldest first
	Workers              []workerNumber
	Administration       string
	Batches              []PayrollBatch // the client's batches, newest first
}

// mappingRow is one source the client can have quantities of.
type mappingRow struct {
	Kind, Code, Label string
}

// Field names a row's input for a package.
func (r mappingRow) Field(target string) string { return "map." + r.Kind + "." + r.Code + "." + target }

type workerNumber struct {
	WorkerID, Name string
}

// Field names a worker's personnel number input.
func (w workerNumber) Field() string { return "persnr." + w.WorkerID }

var mappingTargets = []pay.Target{pay.TargetLoket, pay.TargetNmbrs, pay.TargetEasyflex, pay.TargetAFAS}

// Targets lists the payroll packages (mapping columns).
func (p payrollClientPage) Targets() []string {
	out := make([]string, len(mappingTargets))
	for i, t := range mappingTargets {
		out[i] = string(t)
	}
	return out
}

// payrollClientView reads the page and fills the forms with what is
// stored (fill false keeps a posted form).
func (s *Server) payrollClientView(r *http.Request, clientID string, fill bool) (*view, *payrollClientPage, error) {
	a := actor(r)
	v := s.newView(r, "payroll", "payroll.client.title")
	pc, err := s.Payroll.commands.Client(r.Context(), a, clientID)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Payroll.names.Client(r.Context(), a, clientID)
	if err != nil {
		return nil, nil, err
	}
	p := &payrollClientPage{ClientID: clientID, ClientName: c.Name, HasSettings: pc.Settings != nil, Mappings: pc.Mappings,
		Kinds: []string{string(pay.PeriodWeek), string(pay.Period4Weeks), string(pay.PeriodMonth)}}
	p.Packages = p.Targets()
	if c.Agreement != nil {
		for _, h := range c.Agreement.HourTypes {
			p.Rows = append(p.Rows, mappingRow{Kind: string(pay.SourceHours), Code: h.Code, Label: h.Code + " " + h.Name})
		}
	}
	for _, code := range []string{"travel_km", "parking", "other"} {
		p.Rows = append(p.Rows, mappingRow{Kind: string(pay.SourceExpense), Code: code, Label: v.ExpenseLabel(code)})
	}
	for _, code := range []string{"per_day", "per_hour"} {
		p.Rows = append(p.Rows, mappingRow{Kind: string(pay.SourceAllowance), Code: code, Label: v.ExpenseLabel(code)})
	}
	ps, err := s.Payroll.names.Placements(r.Context(), a, rmid.PlacementFilter{ClientID: clientID})
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for _, pl := range ps {
		if !seen[pl.WorkerID] {
			seen[pl.WorkerID] = true
			p.Workers = append(p.Workers, workerNumber{WorkerID: pl.WorkerID, Name: pl.WorkerName})
		}
	}
	slices.SortFunc(p.Workers, func(a, b workerNumber) int { return strings.Compare(a.Name, b.Name) })
	if pc.Settings != nil {
		p.Administration = pc.Settings.Administration
	}
	stamps, err := s.Payroll.stamps(r.Context(), a, pc.Batches)
	if err != nil {
		return nil, nil, err
	}
	for i := len(pc.Batches) - 1; i >= 0; i-- {
		p.Batches = append(p.Batches, batchOf(pc.Batches[i], c.Name, stamps))
	}
	if fill {
		if st := pc.Settings; st != nil {
			v.Form.Set("administratie", st.Administration)
			v.Form.Set("debiteur", st.DebtorNumber)
			v.Form.Set("relatie", st.Relation)
			v.Form.Set("periode", string(st.Period))
			v.Form.Set("pakket", string(st.Package))
		}
		today := timesheet.DateOf(s.Clock().In(timesheet.Location()))
		v.Form.Set("geldig_vanaf", today.String())
		if n := len(pc.Mappings); n > 0 {
			last := pc.Mappings[n-1]
			v.Form.Set("geldig_vanaf", last.ValidFrom)
			for _, m := range last.Entries {
				for _, t := range mappingTargets {
					v.Form.Set(mappingRow{Kind: string(m.Kind), Code: m.Code}.Field(string(t)), m.Component(t))
				}
			}
		}
		if p.Administration != "" {
			for _, w := range p.Workers {
				wv, err := s.Payroll.commands.Worker(r.Context(), a, w.WorkerID)
				if err != nil {
					return nil, nil, err
				}
				v.Form.Set(w.Field(), wv.PersonnelNumbers[p.Administration])
			}
		}
	}
	v.Data = p
	return v, p, nil
}

func (s *Server) handlePayrollClient() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _, err := s.payrollClientView(r, mux.Vars(r)["client"], true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "payroll_client", v)
	})
}

// payrollClientForm runs one of the page's forms: on success back to the
// page (waiting for the write), else the page with the posted values and
// the error at its field.
func (s *Server) payrollClientForm(fields map[string]string, flash string, run func(r *http.Request, clientID string, p *payrollClientPage) (commands.Result, string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clientID := mux.Vars(r)["client"]
		v, p, err := s.payrollClientView(r, clientID, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for k, vals := range r.PostForm {
			if k != "csrf" && k != "sleutel" {
				v.Form[k] = vals
			}
		}
		res, field, err := run(r, clientID, p)
		if err == nil {
			redirectAfter(w, r, payrollClientURL(clientID), res.Position, flash)
			return
		}
		if field != "" {
			v.formErrorAt(err, field)
		} else if !v.formError(err, fields) {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, httpx.Status(err), "payroll_client", v)
	})
}

func (s *Server) handlePayrollSettings() http.Handler {
	fields := map[string]string{"administration": "administratie", "debtor_number": "debiteur", "relation": "relatie",
		"period": "periode", "package": "pakket"}
	return s.payrollClientForm(fields, "payroll_settings_saved", func(r *http.Request, clientID string, _ *payrollClientPage) (commands.Result, string, error) {
		f := r.PostForm
		res, err := s.Payroll.commands.SetSettings(r.Context(), meta(r), cmd.SetSettings{ClientID: clientID, Settings: pay.Settings{
			Administration: strings.TrimSpace(f.Get("administratie")), DebtorNumber: strings.TrimSpace(f.Get("debiteur")),
			Relation: strings.TrimSpace(f.Get("relatie")), Period: pay.PeriodKind(f.Get("periode")), Package: pay.Target(f.Get("pakket"))}})
		return res, "", err
	})
}

func (s *Server) handlePayrollMapping() http.Handler {
	return s.payrollClientForm(map[string]string{"valid_from": "geldig_vanaf"}, "payroll_mapping_saved",
		func(r *http.Request, clientID string, p *payrollClientPage) (commands.Result, string, error) {
			var entries []pay.Mapping
			for _, row := range p.Rows {
				m := pay.Mapping{Kind: pay.SourceKind(row.Kind), Code: row.Code,
					Loket: strings.TrimSpace(r.PostForm.Get(row.Field("loket"))), Nmbrs: strings.TrimSpace(r.PostForm.Get(row.Field("nmbrs"))),
					Easyflex: strings.TrimSpace(r.PostForm.Get(row.Field("easyflex"))), AFAS: strings.TrimSpace(r.PostForm.Get(row.Field("afas")))}
				if m.Loket+m.Nmbrs+m.Easyflex+m.AFAS != "" {
					entries = append(entries, m)
				}
			}
			res, err := s.Payroll.commands.SetMapping(r.Context(), meta(r), cmd.SetMapping{ClientID: clientID,
				ValidFrom: strings.TrimSpace(r.PostForm.Get("geldig_vanaf")), Entries: entries})
			// "entries[3].loket" is the input of the fourth entry's row.
			var de *domain.Error
			if errors.As(err, &de) {
				if m := entryField.FindStringSubmatch(de.Field); m != nil {
					if i, _ := strconv.Atoi(m[1]); i < len(entries) {
						e := entries[i]
						return res, mappingRow{Kind: string(e.Kind), Code: e.Code}.Field(m[2]), err
					}
				}
			}
			return res, "", err
		})
}

var entryField = regexp.MustCompile(`^entries\[([0-9]+)\]\.(loket|nmbrs|easyflex|afas)$`)

// handlePersonnelNumbers sets the numbers that changed, one command per
// worker; the first refusal is shown at its worker (those before it are
// saved).
func (s *Server) handlePersonnelNumbers() http.Handler {
	return s.payrollClientForm(nil, "payroll_numbers_saved",
		func(r *http.Request, clientID string, p *payrollClientPage) (commands.Result, string, error) {
			var last commands.Result
			if p.Administration == "" {
				return last, "", errNoAdministration
			}
			for _, w := range p.Workers {
				wv, err := s.Payroll.commands.Worker(r.Context(), actor(r), w.WorkerID)
				if err != nil {
					return last, "", err
				}
				n := strings.TrimSpace(r.PostForm.Get(w.Field()))
				if n == "" || n == wv.PersonnelNumbers[p.Administration] {
					continue
				}
				res, err := s.Payroll.commands.SetPersonnelNumber(r.Context(), meta(r), cmd.SetPersonnelNumber{
					WorkerID: w.WorkerID, Administration: p.Administration, PersonnelNumber: n})
				if err != nil {
					return last, w.Field(), err
				}
				last = res
			}
			return last, "", nil
		})
}

var errNoAdministration = domain.Rule("payroll_settings_missing", "",
	"Save the payroll settings first: personnel numbers belong to an administration.",
	"Sla eerst de salarisinstellingen op: personeelsnummers horen bij een administratie.")
