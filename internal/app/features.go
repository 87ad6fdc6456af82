package app

import (
	"context"
	"fmt"

	"backoffice/commands/auth"
	doccmd "backoffice/commands/document"
	"backoffice/commands/identity"
	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/eventstore/ledger"
	"backoffice/http/api"
	"backoffice/http/api/auditapi"
	"backoffice/http/api/documentapi"
	"backoffice/http/api/identityapi"
	"backoffice/http/api/payrollapi"
	"backoffice/http/api/reportapi"
	"backoffice/http/api/timesheetapi"
	"backoffice/internal/liveness"
	"backoffice/notify/linkmail"
	"backoffice/notify/mail"
	"backoffice/notify/queue"
	"backoffice/notify/reactors"
	"backoffice/notify/reminders"
	"backoffice/notify/sms"
	"backoffice/projections"
	rmdocuments "backoffice/readmodel/documents"
	"backoffice/readmodel/documents/evidence"
	rmidentity "backoffice/readmodel/identity"
	rmpayroll "backoffice/readmodel/payroll"
	rmtimesheets "backoffice/readmodel/timesheets"
)

// features collects what the product's features contribute: projectors,
// API slices, the authenticator and background loops, and the services the
// portal is built from (after the projections runtime, its Waiter).
type features struct {
	projectors []projections.Projector
	api        []api.Feature
	auth       api.Authenticator
	background []func(context.Context) error
	// live names this process in the API's claims and the queues' leases:
	// one liveness lock, on one connection, for all of them.
	live *liveness.Holder

	authSvc  *auth.Service
	identity *identity.Handlers
	idQuery  *rmidentity.Queries
	// linkMails mails activation and reset links on request.
	linkMails *linkmail.Requests

	tsCommands *tscmd.Handler
	tsQueries  *rmtimesheets.Queries
	tsHistory  *rmtimesheets.History

	docCommands *doccmd.Handler
	docQueries  *rmdocuments.Queries
	// vault seals and opens the signer's connection in the signing evidence.
	vault *identity.Vault
	// evidence is the "Bewijs van ondertekening" for the portal.
	evidence *evidence.Reader

	payCommands *paycmd.Handler // payroll exports (API and portal)

	smsQueue  *sms.Dispatcher  // the TAN text messages; nil without a gateway
	mailQueue *mail.Dispatcher // every mail (the portal's failed-mail list)
	// backlogs count the delivery queues by channel (App.Backlogs).
	backlogs map[string]func(context.Context) (queue.Backlog, error)
	// reminders read their read models through the projections runtime,
	// which is built after the features.
	reminders *reminders.Runner
}

func newFeatures(ctx context.Context, o Options) (*features, error) {
	wrap := func(err error) error { return fmt.Errorf("app: %w", err) }
	if o.MailSender == nil {
		return nil, wrap(fmt.Errorf("MailSender is required"))
	}
	// Every class whose rows name this process (idempotency claims,
	// delivery leases; docs/reliability.md): held until the pool closes.
	f := &features{live: liveness.Start(o.Pool, api.ClaimLockClass, queue.LeaseLockClass)}
	authCfg := o.Auth
	if authCfg.Now == nil {
		authCfg.Now = o.Clock
	}
	authSvc, err := auth.New(o.Pool, authCfg)
	if err != nil {
		return nil, wrap(err)
	}
	disp, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: o.Pool, Sender: o.MailSender, Now: o.Clock,
		Logger: o.Log.With("component", "mail"), Liveness: f.live})
	if err != nil {
		return nil, wrap(err)
	}
	// Mail for an account blocked (or moved) after it was queued stays home.
	disp.CheckRecipients(authSvc.TakesMail)
	f.mailQueue = disp
	vault, err := identity.NewVault(o.Pool, o.MasterKey)
	if err != nil {
		return nil, wrap(err)
	}
	f.vault = vault
	// Workers registered before the BSN index existed (docs/identity.md).
	if _, _, err := vault.BackfillBSNIndex(ctx, o.Log.With("component", "identity")); err != nil {
		return nil, wrap(err)
	}
	svc, err := identity.New(identity.Config{Store: o.Store, Pool: o.Pool, Auth: authSvc, Vault: vault,
		Clock: o.Clock, Log: o.Log.With("component", "identity")})
	if err != nil {
		return nil, wrap(err)
	}
	links := linkmail.PortalLinks(o.PublicURL)
	linkMails, err := linkmail.New(linkmail.Config{Pool: o.Pool, Auth: authSvc, Mail: disp, Links: links, Names: reactors.RecipientName,
		Clock: o.Clock, Log: o.Log.With("component", "linkmail")})
	if err != nil {
		return nil, wrap(err)
	}
	mailer, err := reactors.NewActivationMailer(authSvc, o.Pool, disp, links, o.Clock, o.Log.With("component", "identity.mail"))
	if err != nil {
		return nil, wrap(err)
	}
	authn, err := identityapi.NewAuthenticator(authSvc, o.Clock)
	if err != nil {
		return nil, wrap(err)
	}
	f.idQuery = rmidentity.NewQueries(o.Pool, o.Clock)
	feature, err := identityapi.New(identityapi.Deps{Identity: svc, LinkMails: linkMails, Auth: authSvc, Queries: f.idQuery, Ledger: o.Store, Clock: o.Clock})
	if err != nil {
		return nil, wrap(err)
	}
	f.auth, f.identity, f.authSvc, f.linkMails = authn, svc, authSvc, linkMails
	f.projectors = append(f.projectors, rmidentity.Projectors()...)
	f.projectors = append(f.projectors, mailer)
	f.api = append(f.api, feature)
	// disp.Run sends the mails; linkMails.Run finishes the link requests a
	// killed process stored but never handled;
	// svc.Tokens.RunTokenSweep revokes the tokens a killed process left
	// pending (token.created, never made live) past their bound.
	f.background = append(f.background, disp.Run, linkMails.Run, svc.Tokens.RunTokenSweep)
	f.backlogs = map[string]func(context.Context) (queue.Backlog, error){"mail": disp.Backlog}

	if err := f.addTimesheets(o); err != nil {
		return nil, wrap(err)
	}
	if err := f.addPayroll(o); err != nil {
		return nil, wrap(err)
	}
	if err := f.addDocuments(o, disp); err != nil {
		return nil, wrap(err)
	}
	if err := f.addAudit(o); err != nil {
		return nil, wrap(err)
	}
	if err := f.addNotify(o, disp); err != nil {
		return nil, wrap(err)
	}
	f.background = append(f.background, housekeeping(o.Pool, authSvc, f.docCommands, o.Clock, o.Log.With("component", "housekeeping")))
	return f, nil
}

// addTimesheets wires the timesheets: the commands and queries (for the
// portal), their two projectors and the API slices (timesheets, hours report).
func (f *features) addTimesheets(o Options) error {
	var err error
	if f.tsCommands, err = tscmd.New(o.Store, o.Clock); err != nil {
		return err
	}
	if f.tsQueries, err = rmtimesheets.NewQueries(o.Pool, o.Clock); err != nil {
		return err
	}
	if f.tsHistory, err = rmtimesheets.NewHistory(o.Store); err != nil {
		return err
	}
	feature, err := timesheetapi.New(timesheetapi.Deps{Commands: f.tsCommands, Queries: f.tsQueries, History: f.tsHistory, Clock: o.Clock, Names: f.idQuery})
	if err != nil {
		return err
	}
	report, err := reportapi.New(reportapi.Deps{Pool: o.Pool, Clock: o.Clock}) // the hours report reads these read models
	if err != nil {
		return err
	}
	f.projectors = append(f.projectors, rmtimesheets.Projectors()...)
	f.api = append(f.api, feature, report)
	return nil
}

// addPayroll wires the payroll feed: its projector and the API slice, on
// the timesheet commands of addTimesheets.
func (f *features) addPayroll(o Options) error {
	queries, err := rmpayroll.NewQueries(o.Pool)
	if err != nil {
		return err
	}
	ledger, err := rmpayroll.NewLedger(o.Store)
	if err != nil {
		return err
	}
	feature, err := payrollapi.New(payrollapi.Deps{Commands: f.tsCommands, Queries: queries, Ledger: ledger, Replay: o.Store})
	if err != nil {
		return err
	}
	payCommands, exports, err := newPayrollExports(o, f.tsCommands)
	if err != nil {
		return err
	}
	f.payCommands = payCommands
	f.projectors = append(f.projectors, rmpayroll.Projectors()...)
	f.api = append(f.api, feature, exports)
	return nil
}

// addDocuments wires documents, invoices and signing: the commands and
// queries (for the portal), the read-model projector, the TAN and mail
// projector and the API slice.
func (f *features) addDocuments(o Options, disp *mail.Dispatcher) error {
	var err error
	log := o.Log.With("component", "documents")
	if f.docCommands, err = doccmd.New(doccmd.Config{Store: o.Store, Pool: o.Pool, MasterKey: o.MasterKey, Clock: o.Clock, Log: log,
		Sealer: f.vault}); err != nil {
		return err
	}
	if f.docQueries, err = rmdocuments.NewQueries(o.Pool, o.Clock, doccmd.Stored{}); err != nil {
		return err
	}
	if f.evidence, err = evidence.New(o.Store, o.Pool, f.vault); err != nil {
		return err
	}
	mailer, err := reactors.NewSignMailer(o.Store, disp, doccmd.PortalLinks(o.PublicURL), o.MasterKey, o.Clock, log)
	if err != nil {
		return err
	}
	if o.SMSSender != nil {
		// The TAN by SMS to signers with a mobile number (manual §5.1),
		// sent by the SMS queue after the projector's commit.
		smsQueue, err := sms.NewDispatcher(sms.DispatcherConfig{Pool: o.Pool, Sender: o.SMSSender, Now: o.Clock,
			Logger: o.Log.With("component", "sms"), Liveness: f.live})
		if err != nil {
			return err
		}
		if err := mailer.UseSMS(smsQueue, f.identity.Profile.MobileOf); err != nil {
			return err
		}
		f.background = append(f.background, smsQueue.Run)
		f.smsQueue = smsQueue
		f.backlogs["sms"] = smsQueue.Backlog
	}
	feature, err := documentapi.New(documentapi.Deps{Commands: f.docCommands, Queries: f.docQueries, Ledger: o.Store})
	if err != nil {
		return err
	}
	f.projectors = append(f.projectors, rmdocuments.Projectors()...)
	f.projectors = append(f.projectors, mailer)
	// The ledger's TAN records, appended after the mailer's commits.
	f.background = append(f.background, mailer.Run)
	f.api = append(f.api, feature)
	return nil
}

// addAudit wires the auditors' API and the global digest job (one instance
// runs it: ledger.Digester holds an advisory lock).
func (f *features) addAudit(o Options) error {
	feature, err := auditapi.New(auditapi.Deps{Store: o.Store, Pool: o.Pool, Unsealer: f.vault, Names: f.idQuery})
	if err != nil {
		return err
	}
	f.api = append(f.api, feature)
	d := &ledger.Digester{Store: o.Store, Pool: o.Pool, Log: o.Log.With("component", "ledger")}
	f.background = append(f.background, d.Run)
	return nil
}
