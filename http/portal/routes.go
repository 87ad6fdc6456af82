package portal

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"backoffice/domain"
	"backoffice/http/httpx"
)

// routes lists every route of the portal.
func (s *Server) routes() {
	r := s.router
	r.Use(securityHeaders)
	r.PathPrefix("/static/").Handler(handleStatic()).Methods(http.MethodGet, http.MethodHead)

	app := r.NewRoute().Subrouter()
	app.Use(s.session, s.checkCSRF)

	// Anonymous pages.
	app.Handle("/inloggen", s.handleLoginPage()).Methods(http.MethodGet)
	app.Handle("/inloggen", s.handleLogin()).Methods(http.MethodPost)
	app.Handle("/activeren", s.handleActivatePage()).Methods(http.MethodGet)
	app.Handle("/activeren", s.handleActivate()).Methods(http.MethodPost)
	app.Handle("/wachtwoord-vergeten", s.handleForgotPage()).Methods(http.MethodGet)
	app.Handle("/wachtwoord-vergeten", s.handleForgot()).Methods(http.MethodPost)
	app.Handle("/wachtwoord-herstellen", s.handleResetPage()).Methods(http.MethodGet)
	app.Handle("/wachtwoord-herstellen", s.handleReset()).Methods(http.MethodPost)
	app.Handle("/taal", s.handleLanguage()).Methods(http.MethodPost)
	app.Handle("/uitloggen", s.handleLogout()).Methods(http.MethodPost)

	// Pages behind the login.
	in := app.NewRoute().Subrouter()
	in.Use(requireLogin)
	in.Handle("/", s.handleHome()).Methods(http.MethodGet)
	in.Handle("/urenbriefjes", s.handleTimesheets()).Methods(http.MethodGet)
	in.Handle("/urenbriefjes/nieuw", s.handleNewTimesheet()).Methods(http.MethodGet)
	in.Handle("/urenbriefjes/accorderen", s.handleBulkApprove()).Methods(http.MethodPost)
	in.Handle("/plaatsingen/{placement}/weken", s.handleWeeks()).Methods(http.MethodGet)

	sheet := "/plaatsingen/{placement}/weken/{week:[0-9]{4}-W[0-9]{2}}"
	in.Handle(sheet, s.handleSheet()).Methods(http.MethodGet)
	in.Handle(sheet+"/geschiedenis", s.handleHistory()).Methods(http.MethodGet)
	in.Handle(sheet+"/regels", s.handleSetLines()).Methods(http.MethodPost)
	in.Handle(sheet+"/regels/toevoegen", s.handleAddLine()).Methods(http.MethodPost)
	in.Handle(sheet+"/regels/wissen", s.handleWipeLine()).Methods(http.MethodPost)
	in.Handle(sheet+"/tijden", s.handleAddEntry()).Methods(http.MethodPost)
	in.Handle(sheet+"/tijden/{id:[0-9]+}", s.handleChangeEntry()).Methods(http.MethodPost)
	in.Handle(sheet+"/tijden/{id:[0-9]+}/verwijderen", s.handleRemoveEntry()).Methods(http.MethodPost)
	in.Handle(sheet+"/onkosten", s.handleAddExpense()).Methods(http.MethodPost)
	in.Handle(sheet+"/onkosten/{id:[0-9]+}/verwijderen", s.handleRemoveExpense()).Methods(http.MethodPost)
	in.Handle(sheet+"/opmerkingen", s.handleAddRemark()).Methods(http.MethodPost)
	in.Handle(sheet+"/aanbieden", s.handleOffer()).Methods(http.MethodPost)
	in.Handle(sheet+"/aanbieden/intrekken", s.handleWithdrawOffer()).Methods(http.MethodPost)
	in.Handle(sheet+"/accorderen", s.handleApprove()).Methods(http.MethodPost)
	in.Handle(sheet+"/afkeuren", s.handleReject()).Methods(http.MethodPost)
	in.Handle(sheet+"/heropenen", s.handleReopen()).Methods(http.MethodPost) // back office, after the import

	in.Handle(profilePath, s.handleProfilePage()).Methods(http.MethodGet)
	in.Handle(profilePath, s.handleProfile()).Methods(http.MethodPost)

	in.Handle("/werknemers", s.handleWorkers()).Methods(http.MethodGet)
	in.Handle("/werknemers/nieuw", s.handleRegisterPage()).Methods(http.MethodGet)
	in.Handle("/werknemers/nieuw", s.handleRegister()).Methods(http.MethodPost)
	in.Handle("/plaatsingen/{placement}/beeindigen", s.handlePlacementEndPage()).Methods(http.MethodGet) // handle_placement_end.go
	in.Handle("/plaatsingen/{placement}/beeindigen", s.handlePlacementEnd()).Methods(http.MethodPost)
	in.Handle("/plaatsingen/{placement}/nieuwe-plaatsing", s.handlePlacementNewPage()).Methods(http.MethodGet) // handle_placement_change.go
	in.Handle("/plaatsingen/{placement}/nieuwe-plaatsing", s.handlePlacementNew()).Methods(http.MethodPost)
	in.Handle("/plaatsingen/{placement}/corrigeren", s.handlePlacementCorrectPage()).Methods(http.MethodGet)
	in.Handle("/plaatsingen/{placement}/corrigeren", s.handlePlacementCorrect()).Methods(http.MethodPost)
	in.Handle("/plaatsingen/{placement}/inloggen/{account}/blokkeren", s.handleWorkerLogin(false)).Methods(http.MethodPost)
	in.Handle("/plaatsingen/{placement}/inloggen/{account}/deblokkeren", s.handleWorkerLogin(true)).Methods(http.MethodPost)

	// The tab "Overige": only the parts whose port is set.
	if s.Documents != nil || s.Reports != nil {
		in.Handle("/overige", s.handleOther()).Methods(http.MethodGet)
	}
	if s.Documents != nil {
		doc := "/overige/documenten/{id:[0-9A-Za-z_-]{1,64}}"
		in.Handle("/overige/facturen", s.handleInvoices()).Methods(http.MethodGet)
		in.Handle("/overige/documenten", s.handleDocuments()).Methods(http.MethodGet)
		in.Handle(uploadPath, s.handleUpload()).Methods(http.MethodPost)
		in.Handle("/overige/documenten/nieuw", s.handleUploadPage()).Methods(http.MethodGet)
		in.Handle(doc, s.handleDocument()).Methods(http.MethodGet)
		in.Handle(doc+"/bestand", s.handleFile()).Methods(http.MethodGet, http.MethodHead)
		in.Handle(doc+"/handtekening", s.handleRequestSignature()).Methods(http.MethodPost)
		// Versions and the signing evidence (docs/documents.md).
		in.Handle(doc+"/versies", s.handleAddVersion()).Methods(http.MethodPost)
		in.Handle(doc+"/versies/{n:[0-9]{1,4}}/bestand", s.handleFile()).Methods(http.MethodGet, http.MethodHead)
		in.Handle(doc+"/bewijs.pdf", s.handleEvidence()).Methods(http.MethodGet, http.MethodHead)
		// The unique link in the signing e-mail (manual §5.1); after the
		// login the user comes back here. Without the token the page only
		// says to use the mail's link.
		sign := "/documenten/{id:[0-9A-Za-z_-]{1,64}}/ondertekenen"
		in.Handle(sign, s.handleSignPage()).Methods(http.MethodGet)
		in.Handle(sign+"/{token}", s.handleSignLinkPage()).Methods(http.MethodGet)
		in.Handle(sign+"/{token}", s.handleSignLink()).Methods(http.MethodPost)
	}
	if s.Reports != nil {
		in.Handle("/overige/urenrapport", s.handleReport()).Methods(http.MethodGet)
	}
	// notify/: each user's mail settings, the missing-hours overview.
	in.Handle("/instellingen", s.handleSettingsPage()).Methods(http.MethodGet)
	in.Handle("/instellingen", s.handleSettings()).Methods(http.MethodPost)
	in.Handle(passwordPath, s.handleChangePassword()).Methods(http.MethodPost) // handle_password.go
	in.Handle("/ontbrekende-uren", s.handleMissingHours()).Methods(http.MethodGet)

	s.adminRoutes(in)        // handle_admin.go: the back office's "Beheer"
	if s.Deliveries != nil { // handle_deliveries.go: mails and texts that gave up
		in.Handle(deliveriesPath, s.handleDeliveries()).Methods(http.MethodGet)
		in.Handle(deliveriesPath+"/{id:[0-9a-f-]{36}}/opnieuw", s.handleRetryDelivery()).Methods(http.MethodPost)
	}
	// Salarisverwerking (back office; docs/payroll.md).
	if s.Payroll != nil {
		batch := payrollPath + "/batches/{batch:[0-9A-Za-z_-]{1,200}}"
		in.Handle(payrollPath, s.handlePayroll()).Methods(http.MethodGet)
		in.Handle(payrollPath+"/exports", s.handleCreateExport()).Methods(http.MethodPost)
		in.Handle(batch, s.handleBatch()).Methods(http.MethodGet)
		in.Handle(batch+"/bestanden/{format}", s.handleBatchFile()).Methods(http.MethodGet, http.MethodHead)
		in.Handle(batch+"/bevestigen", s.handleConfirmBatch()).Methods(http.MethodPost)
		in.Handle(batch+"/annuleren", s.handleCancelBatch()).Methods(http.MethodPost)
		client := payrollPath + "/opdrachtgevers/{client:[0-9A-Za-z_-]{1,64}}"
		in.Handle(client, s.handlePayrollClient()).Methods(http.MethodGet)
		in.Handle(client+"/instellingen", s.handlePayrollSettings()).Methods(http.MethodPost)
		in.Handle(client+"/koppeling", s.handlePayrollMapping()).Methods(http.MethodPost)
		in.Handle(client+"/personeelsnummers", s.handlePersonnelNumbers()).Methods(http.MethodPost)
	}
	if s.Demo {
		in.Handle("/demo/berichten", s.handleOutbox()).Methods(http.MethodGet)
	}

	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, domain.NotFound("page_not_found", "This page does not exist.", "Deze pagina bestaat niet."))
	})
	r.NotFoundHandler = securityHeaders(s.session(notFound))
	methodNotAllowed := securityHeaders(s.session(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(s.allowed(r), ", "))
		v := s.newView(r, "", "error.title")
		v.Data = v.T("error.method_not_allowed")
		s.render(w, r, http.StatusMethodNotAllowed, "error", v)
	})))
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// HEAD is GET without the body (net/http drops it).
		if r.Method == http.MethodHead && slices.Contains(s.allowed(r), http.MethodGet) {
			get := r.Clone(r.Context())
			get.Method = http.MethodGet
			s.router.ServeHTTP(w, get)
			return
		}
		methodNotAllowed.ServeHTTP(w, r)
	})
}

// allowed lists the methods the route of r's path answers.
func (s *Server) allowed(r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if s.router.Match(probe, &match) && match.MatchErr == nil {
			out = append(out, m)
		}
	}
	if slices.Contains(out, http.MethodGet) && !slices.Contains(out, http.MethodHead) {
		out = append(out, http.MethodHead)
	}
	return out
}

// Routes lists the portal's routes as "METHOD /path/{var}" (httpx.Routes):
// the API parity test checks each against docs/admin.md.
func (s *Server) Routes() []string { return httpx.Routes(s.router) }
