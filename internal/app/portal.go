package app

import (
	"net"
	"net/url"
	"strings"

	"backoffice/http/portal"
	"backoffice/internal/app/portalwire"
	"backoffice/projections"
)

// newPortal builds the web portal from the features' services through the
// portalwire adapters; the projections runtime is its Waiter
// (read-your-writes after every form).
func newPortal(o Options, f *features, rt *projections.Runtime) (*portal.Server, error) {
	id, err := portalwire.NewIdentity(f.authSvc, f.identity, f.idQuery, o.Clock)
	if err != nil {
		return nil, err
	}
	sheets, err := portalwire.NewTimesheets(portalwire.TimesheetDeps{
		Commands: f.tsCommands, Queries: f.tsQueries, History: f.tsHistory, Names: f.idQuery,
	})
	if err != nil {
		return nil, err
	}
	workers, err := portalwire.NewWorkers(f.identity, f.idQuery)
	if err != nil {
		return nil, err
	}
	reports, err := portalwire.NewReports(f.tsQueries)
	if err != nil {
		return nil, err
	}
	docs, err := portalwire.NewDocuments(f.docCommands, f.docQueries, f.idQuery)
	if err != nil {
		return nil, err
	}
	d := portal.Deps{
		Identity: id, Timesheets: sheets, Workers: workers, Waiter: rt,
		Cookies: cookiePolicy(o.PublicURL), Log: o.Log.With("component", "portal"), Clock: o.Clock,
		WaitTimeout: o.WaitTimeout,
	}
	d.Documents = docs
	d.Reports = reports
	if o.Demo && o.Outbox != nil {
		ob, err := portalwire.NewOutbox(o.Outbox)
		if err != nil {
			return nil, err
		}
		d.Demo, d.Outbox = true, ob
	}
	return portal.New(d)
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
