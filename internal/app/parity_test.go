package app

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"backoffice/notify/mail"
)

// parityDoc holds the table of every portal route and its API route(s).
const parityDoc = "../../docs/admin.md"

// parityRow is one row of the table: a portal route, the API routes that
// do the same, or the reason the route is the portal's alone.
type parityRow struct {
	line       int
	portal     string
	api        []string
	portalOnly string
}

var routeInCell = regexp.MustCompile("`((?:GET|POST|PUT|DELETE|PATCH) /[^`]*)`")

// readParityTable reads the rows under "## Portal and API parity".
func readParityTable(t *testing.T) []parityRow {
	t.Helper()
	f, err := os.Open(parityDoc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []parityRow
	in := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## Portal and API parity"
			continue
		}
		if !in || !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Action ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("%s:%d: %d cells, want 3 (action, portal, API)", parityDoc, n, len(cells))
		}
		portal := routeInCell.FindAllStringSubmatch(cells[1], -1)
		if len(portal) != 1 {
			t.Fatalf("%s:%d: the portal cell must name one route: %q", parityDoc, n, cells[1])
		}
		row := parityRow{line: n, portal: portal[0][1]}
		apiCell := strings.TrimSpace(cells[2])
		if reason, ok := strings.CutPrefix(apiCell, "portal-only:"); ok {
			row.portalOnly = strings.TrimSpace(reason)
		} else {
			for _, m := range routeInCell.FindAllStringSubmatch(apiCell, -1) {
				row.api = append(row.api, m[1])
			}
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no table under \"## Portal and API parity\"", parityDoc)
	}
	return rows
}

// TestPortalAndAPIParity: every route of the portal is in the parity
// table of docs/admin.md with the API route(s) that do the same, each of
// which exists, or with the reason it is the portal's alone. A new portal
// form without its API route (or a reason) fails here; so does a table
// that names a route that is gone.
func TestPortalAndAPIParity(t *testing.T) {
	a, _, _ := runTestApp(t, "app_full", func(o *Options) {
		o.Demo = true // the demo's outbox page is a portal route too
		o.Outbox, _ = o.MailSender.(*mail.FileOutbox)
	})
	portal := a.Portal.Routes()
	apiRoutes := a.API.Routes()
	if len(portal) < 50 || len(apiRoutes) < 50 {
		t.Fatalf("%d portal and %d API routes listed: the route walk is broken", len(portal), len(apiRoutes))
	}
	rows := readParityTable(t)
	listed := map[string]parityRow{}
	for _, r := range rows {
		if prev, dup := listed[r.portal]; dup {
			t.Errorf("%s:%d: %s is listed on line %d already", parityDoc, r.line, r.portal, prev.line)
		}
		listed[r.portal] = r
		switch {
		case r.portalOnly == "" && len(r.api) == 0:
			t.Errorf("%s:%d: %s has no API route and no \"portal-only: reason\"", parityDoc, r.line, r.portal)
		case r.portalOnly != "" && len(strings.Fields(r.portalOnly)) < 3:
			t.Errorf("%s:%d: %s: the reason %q explains nothing", parityDoc, r.line, r.portal, r.portalOnly)
		}
		if !slices.Contains(portal, r.portal) {
			t.Errorf("%s:%d: the portal has no route %s", parityDoc, r.line, r.portal)
		}
		for _, api := range r.api {
			if !slices.Contains(apiRoutes, api) {
				t.Errorf("%s:%d: %s: the API has no route %s", parityDoc, r.line, r.portal, api)
			}
		}
	}
	for _, p := range portal {
		if strings.HasPrefix(p, "HEAD ") {
			continue // a GET's, without the body
		}
		if _, ok := listed[p]; !ok {
			t.Errorf("portal route %s is not in %s \"Portal and API parity\": add its API route (or a portal-only reason)", p, parityDoc)
		}
	}
}

// TestEveryAPIRouteDocumented: every route of the API is an operation of
// docs/openapi.yaml (its paths are relative to /api/v1), so an integrator
// finds what the portal can do (HEAD: its GET's).
func TestEveryAPIRouteDocumented(t *testing.T) {
	a, _, _ := runTestApp(t, "app_full", func(*Options) {})
	b, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range a.API.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if method == "HEAD" {
			continue
		}
		path = strings.TrimPrefix(path, "/api/v1")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("%s %s is not in docs/openapi.yaml", method, path)
		}
	}
}
