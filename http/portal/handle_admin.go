package portal

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"backoffice/domain"
	"backoffice/domain/intermediary"
	"backoffice/domain/timesheet"
	rmid "backoffice/readmodel/identity"
	"backoffice/readmodel/paging"
)

// The back office's management screens ("Beheer"): what the JSON API's
// identity slice offers, as forms. Only the back office sees the menu
// entry; everyone else gets 404 from every /beheer page (adminOnly), and
// the commands and queries behind them refuse anyone else as well.

func init() {
	pageNames = append(pageNames, "admin", "admin_intermediaries", "admin_intermediary",
		"admin_clients", "admin_client", "admin_client_edit", "admin_agreement", "admin_tokens")
}

// adminRoutes registers the "Beheer" screens on the logged-in router.
func (s *Server) adminRoutes(in *mux.Router) {
	const id = "{id:[0-9A-Za-z_-]{1,64}}"
	h := func(path string, handler http.Handler, method string) {
		in.Handle(path, s.adminOnly(handler)).Methods(method)
	}
	h("/beheer", s.handleAdmin(), http.MethodGet)
	h("/beheer/intermediairs", s.handleAdminIntermediaries(), http.MethodGet)
	h("/beheer/intermediairs/nieuw", s.handleAdminIntermediaryPage(false), http.MethodGet)
	h("/beheer/intermediairs/nieuw", s.handleAdminIntermediarySave(false), http.MethodPost)
	h("/beheer/intermediairs/"+id, s.handleAdminIntermediaryPage(true), http.MethodGet)
	h("/beheer/intermediairs/"+id, s.handleAdminIntermediarySave(true), http.MethodPost)
	iuser := "/beheer/intermediairs/" + id + "/gebruikers/{account:[0-9A-Za-z_-]{1,64}}"
	h(iuser+"/blokkeren", s.handleIntermediaryUser(false), http.MethodPost) // handle_admin_intermediary_users.go
	h(iuser+"/deblokkeren", s.handleIntermediaryUser(true), http.MethodPost)
	h("/beheer/opdrachtgevers", s.handleAdminClients(), http.MethodGet)
	h("/beheer/opdrachtgevers/nieuw", s.handleAgreementPage(false), http.MethodGet)
	h("/beheer/opdrachtgevers/nieuw", s.handleRegisterClient(), http.MethodPost)
	h("/beheer/opdrachtgevers/"+id, s.handleAdminClient(), http.MethodGet)
	h("/beheer/opdrachtgevers/"+id+"/wijzigen", s.handleClientEditPage(), http.MethodGet)
	h("/beheer/opdrachtgevers/"+id+"/wijzigen", s.handleClientEdit(), http.MethodPost)
	h("/beheer/opdrachtgevers/"+id+"/afspraken/nieuw", s.handleAgreementPage(true), http.MethodGet)
	h("/beheer/opdrachtgevers/"+id+"/afspraken/nieuw", s.handleChangeAgreement(), http.MethodPost)
	h("/beheer/opdrachtgevers/"+id+"/gebruikers", s.handleInviteClientUser(), http.MethodPost)
	user := "/beheer/opdrachtgevers/" + id + "/gebruikers/{account:[0-9A-Za-z_-]{1,64}}"
	h(user+"/blokkeren", s.handleDisableClientUser(false), http.MethodPost)
	h(user+"/deblokkeren", s.handleDisableClientUser(true), http.MethodPost)
	h("/beheer/sleutels", s.handleTokens(), http.MethodGet)
	h("/beheer/sleutels", s.handleCreateToken(), http.MethodPost)
	h("/beheer/sleutels/{id:[0-9A-Za-z_-]{1,64}}/intrekken", s.handleRevokeToken(), http.MethodPost)
}

// adminOnly answers 404 to everyone but the back office: for them these
// pages do not exist.
func (s *Server) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !mayAdmin(actor(r)) {
			s.fail(w, r, errNoAdmin)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Admin reports whether the menu shows "Beheer".
func (v *view) Admin() bool { return v.User != nil && mayAdmin(v.User.Actor) }

// formValues copies the submitted fields into the view, to show the form
// again with what the user typed.
func formValues(r *http.Request, v *view, fields ...string) func(string) string {
	for _, k := range fields {
		v.Form.Set(k, r.PostForm.Get(k))
	}
	return func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
}

// fieldsOf maps domain error fields to form fields of the same name.
func fieldsOf(names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = n
	}
	return m
}

func (s *Server) handleAdmin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "admin", "admin.title")
		v.Data = s.Deliveries != nil // the card "Mislukte berichten"
		s.render(w, r, http.StatusOK, "admin", v)
	})
}

// --- intermediaries ---

func (s *Server) handleAdminIntermediaries() http.Handler {
	return adminList(s, "intermediaries", "admin.intermediaries", "admin_intermediaries", s.Admin.IntermediariesPage)
}

// adminListPageSize is the rows of one page of an admin list.
const adminListPageSize = 100

// adminListPage is an admin list's data: one page of rows and the pages.
type adminListPage[T any] struct {
	Rows  []T
	Pager pager
}

// adminList is an admin list page: one page of what list returns,
// rendered by page, under the admin menu's item sub.
func adminList[T any](s *Server, sub, title, page string, list func(context.Context, domain.Actor, paging.Request) ([]T, string, error)) http.Handler {
	return s.page("admin", title, page, func(r *http.Request, v *view) error {
		v.Sub = sub
		req, err := pageRequest(r, adminListPageSize)
		if err != nil {
			return err
		}
		rows, next, err := list(r.Context(), actor(r), req)
		v.Data = adminListPage[T]{Rows: rows, Pager: v.offsetPager(r, req, next)}
		return err
	})
}

type intermediaryPage struct {
	Edit  bool
	Item  rmid.Intermediary
	Users []rmid.Account // its logins, to block a former contact's
}

var intermediaryFields = []string{"name", "kvk", "contact.name", "contact.email", "language"}

func (s *Server) intermediaryView(w http.ResponseWriter, r *http.Request, edit bool) (*view, bool) {
	title := "admin.intermediary_new"
	if edit {
		title = "admin.intermediary_edit"
	}
	v := s.newView(r, "admin", title)
	v.Sub = "intermediaries"
	page := intermediaryPage{Edit: edit}
	if edit {
		item, err := s.Admin.Intermediary(r.Context(), actor(r), mux.Vars(r)["id"])
		if err != nil {
			s.fail(w, r, err)
			return nil, false
		}
		page.Item = item
		if page.Users, err = s.Admin.IntermediaryUsers(r.Context(), actor(r), item.ID); err != nil {
			s.fail(w, r, err)
			return nil, false
		}
	}
	v.Data = page
	return v, true
}

func (s *Server) handleAdminIntermediaryPage(edit bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := s.intermediaryView(w, r, edit)
		if !ok {
			return
		}
		if edit {
			it := v.Data.(intermediaryPage).Item
			v.Form.Set("contact.name", it.Contact.Name)
			v.Form.Set("contact.email", it.Contact.Email)
		}
		s.render(w, r, http.StatusOK, "admin_intermediary", v)
	})
}

func (s *Server) handleAdminIntermediarySave(edit bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := s.intermediaryView(w, r, edit)
		if !ok {
			return
		}
		f := formValues(r, v, intermediaryFields...)
		in := IntermediaryInput{Name: f("name"), KvK: f("kvk"), Language: formLanguage(f("language")),
			Contact: intermediary.Contact{Name: f("contact.name"), Email: f("contact.email")}}
		var err error
		if edit {
			res, err2 := s.Admin.ChangeIntermediaryContact(r.Context(), meta(r), mux.Vars(r)["id"], in)
			if err = err2; err == nil {
				redirectAfter(w, r, "/beheer/intermediairs", res.Position, "admin_intermediary_saved")
				return
			}
		} else {
			res, _, err2 := s.Admin.RegisterIntermediary(r.Context(), meta(r), in)
			if err = err2; err == nil {
				redirectAfter(w, r, "/beheer/intermediairs", res.Position, "admin_intermediary_registered")
				return
			}
		}
		s.showFormError(w, r, v, "admin_intermediary", err, fieldsOf(intermediaryFields...))
	})
}

// formLanguage is the mail language chosen in a form: "en" or Dutch.
func formLanguage(s string) string {
	if s == "en" {
		return "en"
	}
	return "nl"
}

// --- integration tokens ---

type tokensPage struct {
	Tokens []tokenRow
	// New is the secret of the token just created: shown on this answer
	// only, never stored or shown again.
	New      string
	NewLabel string
}

type tokenRow struct {
	ID, Label string
	Role      domain.Role
	Created   string
	Revoked   string
	LastUsed  string // empty: never used
}

func (s *Server) tokensView(w http.ResponseWriter, r *http.Request) (*view, *tokensPage, bool) {
	v := s.newView(r, "admin", "admin.tokens")
	v.Sub = "tokens"
	ts, err := s.Admin.Tokens(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	page := &tokensPage{}
	for _, t := range ts {
		row := tokenRow{ID: t.ID, Label: t.Label, Role: t.Role, Created: v.DateTime(t.CreatedAt)}
		if t.RevokedAt != nil {
			row.Revoked = v.DateTime(*t.RevokedAt)
		}
		if t.LastUsedAt != nil {
			row.LastUsed = v.DateTime(*t.LastUsedAt)
		}
		page.Tokens = append(page.Tokens, row)
	}
	v.Data = page
	return v, page, true
}

func (s *Server) handleTokens() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _, ok := s.tokensView(w, r)
		if !ok {
			return
		}
		v.Form.Set("role", string(domain.RolePayroll))
		s.render(w, r, http.StatusOK, "admin_tokens", v)
	})
}

// handleCreateToken creates the token and answers with the list and the
// secret at once (no redirect: the secret must not travel in a URL nor be
// kept for a later page).
func (s *Server) handleCreateToken() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, created, err := s.Admin.CreateToken(r.Context(), meta(r), domain.Role(strings.TrimSpace(r.PostForm.Get("role"))),
			strings.TrimSpace(r.PostForm.Get("label")))
		v, page, ok := s.tokensView(w, r)
		if !ok {
			return
		}
		if err != nil {
			formValues(r, v, "role", "label")
			s.showFormError(w, r, v, "admin_tokens", err, fieldsOf("role", "label"))
			return
		}
		page.New, page.NewLabel = created.Secret, created.Label
		v.Flash = v.T("flash.admin_token_created")
		v.Form.Set("role", string(domain.RolePayroll))
		s.render(w, r, http.StatusOK, "admin_tokens", v)
	})
}

func (s *Server) handleRevokeToken() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := s.Admin.RevokeToken(r.Context(), meta(r), mux.Vars(r)["id"])
		if err != nil {
			s.fail(w, r, err)
			return
		}
		redirectAfter(w, r, "/beheer/sleutels", res.Position, "admin_token_revoked")
	})
}

// --- template helpers of the admin pages ---

// Inc is i+1 (row and step numbers for people).
func (v *view) Inc(i int) int { return i + 1 }

// RoleName names a role given as text (read models keep roles as strings).
func (v *view) RoleName(r string) string { return v.Role(domain.Role(r)) }

// Chain is an approval chain for people: "opdrachtgever → intermediair".
func (v *view) Chain(roles []string) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = v.RoleName(r)
	}
	return strings.Join(names, " → ")
}

// ChainSteps are the inputs of the approval chain's steps.
func (v *view) ChainSteps() []string { return []string{"chain.1", "chain.2", "chain.3"} }

// ChainRoles are the roles that can approve.
func (v *view) ChainRoles() []string {
	return []string{string(domain.RoleClient), string(domain.RoleWorker), string(domain.RoleIntermediary)}
}

// Rate is the billing rate of an hour type, or a dash when it is not
// invoiced.
func (v *view) Rate(a rmid.Agreement, code string) string {
	if c, ok := a.BillingRates[code]; ok {
		return v.Euro(c)
	}
	return "–"
}

// ISODay formats an ISO date ("2026-02-16") as the pages show dates.
func (v *view) ISODay(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return v.Date(timesheet.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()})
}

// Upcoming reports whether an ISO date is after today.
func (v *view) Upcoming(iso string) bool {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return false
	}
	today := timesheet.DateOf(v.now)
	return t.After(time.Date(today.Year, today.Month, today.Day, 0, 0, 0, 0, time.UTC))
}
