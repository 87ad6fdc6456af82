package app

import (
	"net"
	"net/url"
	"strings"

	"backoffice/http/portal"
	"backoffice/notify/missing"
	"backoffice/notify/prefs"
	"backoffice/projections"
)

// portalDeps are the web portal's collaborators: the features' command
// handlers and read-model queries, the same the JSON API uses; the
// projections runtime is its Waiter (read-your-writes after every form).
func portalDeps(o Options, f *features, rt *projections.Runtime) portal.Deps {
	d := portal.Deps{
		Auth: f.authSvc, Identity: f.identity, LinkMails: f.linkMails, People: f.idQuery,
		Timesheets: f.tsCommands, Sheets: f.tsQueries, History: f.tsHistory, Ledger: o.Store,
		Documents: f.docCommands, DocumentQueries: f.docQueries, Evidence: f.evidence,
		Payroll: f.payCommands,
		Waiter:  rt, Cookies: cookiePolicy(o.PublicURL), Log: o.Log.With("component", "portal"), Clock: o.Clock,
		WaitTimeout: o.WaitTimeout,
		Prefs:       prefs.New(o.Pool, o.Clock), MissingHours: missing.NewOverview(o.Pool, o.Clock),
	}
	// "Mislukte berichten": the same queues the API's failed lists read.
	d.Deliveries = &portal.Deliveries{Mail: f.mailQueue}
	if f.smsQueue != nil {
		d.Deliveries.SMS = f.smsQueue
	}
	if o.Demo && o.Outbox != nil {
		d.Demo, d.Outbox, d.SMSOutbox = true, o.Outbox, o.SMSOutbox
	}
	return d
}

// cookiePolicy: Secure cookies, unless the portal's public address is
// plain http on localhost or a loopback address (development, tests).
func cookiePolicy(publicURL string) portal.CookiePolicy {
	u, err := url.Parse(publicURL)
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return portal.CookiesSecure
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return portal.CookiesPlain
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return portal.CookiesPlain
	}
	return portal.CookiesSecure
}
