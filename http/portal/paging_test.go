package portal_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"backoffice/http/portal"
	"backoffice/notify/sms"
)

var (
	sheetLinkRE = regexp.MustCompile(`href="/plaatsingen/([^/"]+)/weken/(\d{4}-W\d{2})"`)
	nextRE      = regexp.MustCompile(`href="([^"]+)" rel="next"`)
	weeksLinkRE = regexp.MustCompile(`href="/plaatsingen/([^/"]+)/weken">`)
)

// walk follows a list's "Volgende pagina" from path and returns the rows
// of every page (by the row pattern's first two groups), checking that
// every page keeps the filter keep.
func walk(h *harness, path string, row *regexp.Regexp, keep string) (pages [][]string) {
	h.t.Helper()
	return walkBy(h, path, row, keep, nextRE)
}

// walkBy is walk by the link next finds (a page with two lists).
func walkBy(h *harness, path string, row *regexp.Regexp, keep string, next *regexp.Regexp) (pages [][]string) {
	h.t.Helper()
	for path != "" {
		res, body := h.get(path)
		if res.StatusCode != http.StatusOK {
			h.t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		var rows []string
		for _, m := range row.FindAllStringSubmatch(body, -1) {
			rows = append(rows, strings.Join(m[1:], " "))
		}
		pages = append(pages, rows)
		path = ""
		if m := next.FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1])
			if !strings.Contains(path, keep) {
				h.t.Fatalf("next page %s lost the filter %s", path, keep)
			}
		}
		if len(pages) > 50 {
			h.t.Fatal("more than 50 pages")
		}
	}
	return pages
}

// TestListsArePaged: with 250 more workers at Bakkerij Bol, the timesheet
// list shows pages of 50 whose "Volgende pagina" keeps the status filter
// and which together hold every timesheet of the filter exactly once (no
// other client's); Werknemers shows pages of 100 and finds a worker by
// name; "new timesheet" no longer lists 250 placements but points to
// Werknemers; a cursor the portal did not make is 400.
func TestListsArePaged(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	seedScale(t, h.Pool, 250, 2, 0)
	ctx := context.Background()

	rows, err := h.Pool.Query(ctx, `SELECT placement_id||' '||to_char(week_start, 'IYYY"-W"IW') FROM ts_timesheets
		WHERE client_id = 'bol' AND status = 'open' ORDER BY week_start DESC, placement_id DESC`)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 150 {
		t.Fatalf("only %d open timesheets seeded", len(want))
	}
	pages := walk(h, "/urenbriefjes?status=open", sheetLinkRE, "status=open")
	for i, p := range pages {
		if i < len(pages)-1 && len(p) != 50 || len(p) == 0 || len(p) > 50 {
			t.Fatalf("page %d has %d rows", i+1, len(p))
		}
	}
	if got := slices.Concat(pages...); !slices.Equal(got, want) {
		t.Fatalf("the pages hold %d rows, want the %d open timesheets of Bakkerij Bol in order:\n%v\n%v", len(got), len(want), got, want)
	}
	_, body := h.get("/urenbriefjes")
	if strings.Contains(body, `id="plaatsing"`) || !strings.Contains(body, `id="choose-via-workers"`) {
		t.Error("the list still offers every placement in a choice list")
	}
	if _, body := h.get("/urenbriefjes?status=open&cursor=" + "x"); !strings.Contains(body, "cursor") && !strings.Contains(body, "ongeldig") {
		t.Error("a bad cursor is not refused")
	}
	if res, _ := h.get("/urenbriefjes?status=open&cursor=x"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad cursor: %d, want 400", res.StatusCode)
	}

	workerPages := walk(h, "/werknemers", weeksLinkRE, "cursor=")
	active := 0
	for _, p := range workerPages {
		active += len(p)
	}
	// 250 seeded, one in ten ended; Jan de Vries and Piet Jansen.
	if len(workerPages) != 3 || len(workerPages[0]) != 100 || active != 225+2 {
		t.Fatalf("werknemers: %d pages, %d placements", len(workerPages), active)
	}
	if all := slices.Concat(workerPages...); len(slices.Compact(slices.Sorted(slices.Values(all)))) != len(all) {
		t.Error("a placement on two pages")
	}
	_, body = h.get("/werknemers?cursor=" + strings.TrimPrefix(nextRE.FindStringSubmatch(h.mustGet("/werknemers"))[1], "/werknemers?cursor="))
	if !strings.Contains(body, `rel="prev"`) || !strings.Contains(body, "Pagina 2") {
		t.Error("page 2 of Werknemers has no way back or no number")
	}
	_, body = h.get("/werknemers?zoek=zijlstra00017")
	if got := weeksLinkRE.FindAllStringSubmatch(body, -1); len(got) != 1 || got[0][1] != "sp00017" {
		t.Errorf("search zijlstra00017: %v", got)
	}
	if _, body := h.get("/werknemers?zoek=%25"); strings.Contains(body, "sp00017") {
		t.Error("% in a search matches everything")
	}
	if _, body := h.get("/werknemers?zoek=Yilmaz"); strings.Contains(body, "Yilmaz") && strings.Contains(body, `href="/plaatsingen/p2/`) {
		t.Error("another client's worker found")
	}
}

// mustGet is GET path's body (200 required).
func (h *harness) mustGet(path string) string {
	h.t.Helper()
	res, body := h.get(path)
	if res.StatusCode != http.StatusOK {
		h.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return body
}

var clientLinkRE = regexp.MustCompile(`href="/beheer/opdrachtgevers/([^/"]+)">`)

// TestAdminClientsArePaged: the back office's client list shows pages of
// 100 by name; the pages hold every client once.
func TestAdminClientsArePaged(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	if _, err := h.Pool.Exec(context.Background(), `INSERT INTO clients (client_id, intermediary_id, name, kvk, address, contact_name, contact_email, registered_at)
		SELECT 'sc'||lpad(i::text, 3, '0'), 'flex', 'Zuivel '||lpad(i::text, 3, '0'), '12345678', '{}', 'Contact', 'c'||i||'@example.nl', now()
		FROM generate_series(0, 149) i`); err != nil {
		t.Fatal(err)
	}
	pages := walk(h, "/beheer/opdrachtgevers", clientLinkRE, "cursor=")
	if len(pages) != 2 || len(pages[0]) != 100 || len(pages[1]) != 54 { // 150 and the fixture's four
		t.Fatalf("%d pages: %d, %d rows", len(pages), len(pages[0]), len(pages[len(pages)-1]))
	}
	all := slices.Concat(pages...)
	if pages[0][0] != "acme" || all[len(all)-1] != "sc149" || len(slices.Compact(slices.Sorted(slices.Values(all)))) != 154 {
		t.Errorf("clients out of order or twice: first %s, last %s", pages[0][0], all[len(all)-1])
	}
}

var (
	reportRowRE   = regexp.MustCompile(`<tr><th scope="row">`)
	reportTotalRE = regexp.MustCompile(`id="report-total"><strong>([^<]+)<`)
)

// TestHoursReportIsPaged: an hours report of 540 timesheets shows its
// table in pages of 500 (the pager keeps the weeks), and every page shows
// the whole report's totals; the CSV holds every row.
func TestHoursReportIsPaged(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	seedScale(t, h.Pool, 300, 4, 0) // 270 active placements: W03 imported, W04 approved
	path := "/overige/urenrapport?van=2026-W03&tot=2026-W04"
	body := h.mustGet(path)
	total := reportTotalRE.FindStringSubmatch(body)
	if n := len(reportRowRE.FindAllString(body, -1)); n != 500 || total == nil {
		t.Fatalf("page 1: %d rows, total %v", n, total)
	}
	next := nextRE.FindStringSubmatch(body)
	if next == nil || !strings.Contains(next[1], "van=2026-W03") || !strings.Contains(next[1], "tot=2026-W04") {
		t.Fatalf("page 1 has no next page keeping the weeks: %v", next)
	}
	body = h.mustGet(html.UnescapeString(next[1]))
	if n := len(reportRowRE.FindAllString(body, -1)); n != 40 || nextRE.MatchString(body) {
		t.Errorf("page 2: %d rows", n)
	}
	if t2 := reportTotalRE.FindStringSubmatch(body); t2 == nil || t2[1] != total[1] {
		t.Errorf("page 2 total %v, page 1 %s", t2, total[1])
	}
	csv := h.mustGet(path + "&formaat=csv")
	if lines := strings.Count(strings.TrimSpace(csv), "\n"); lines != 540 { // a header and 540 rows
		t.Errorf("CSV has %d rows", lines)
	}
}

var (
	failedMailRE = regexp.MustCompile(`<tr><td>(w\d+@example\.nl)</td>`)
	failedSMSRE  = regexp.MustCompile(`<tr><td>(nr\d+)</td>`)
	smsNextRE    = regexp.MustCompile(`href="([^"]+)" rel="next" id="sms-page-next"`)
	mailNextRE   = regexp.MustCompile(`href="([^"]+)" rel="next" id="mail-page-next"`)
)

const failedPath = "/berichten/mislukt"

var retryFormRE = regexp.MustCompile(`action="/berichten/mislukt/[0-9a-f-]{36}/opnieuw"`)

// TestFailedMessagesArePaged: with 250 failed mails among 5,000 sent ones
// and 150 failed texts among 1,500, Mislukte berichten shows each list in
// pages of 100, newest first, each failed message once; the texts page by
// their own cursor, which keeps the mails' page; a cursor the portal did
// not make is 400.
func TestFailedMessagesArePaged(t *testing.T) {
	h := newHarness(t)
	texts, err := sms.NewDispatcher(sms.DispatcherConfig{Pool: h.Pool, Sender: sms.SenderFunc(func(context.Context, sms.Message) error { return nil })})
	if err != nil {
		t.Fatal(err)
	}
	h = newHarnessWith(t, h.fixture, func(d *portal.Deps) { d.Deliveries = &portal.Deliveries{Mail: d.Deliveries.Mail, SMS: texts} })
	h.loginAs(boEmail, "nl")
	ctx := context.Background()
	if _, err := h.Pool.Exec(ctx, `INSERT INTO mail_deliveries (event_id, recipient, kind, status, attempts,
			last_error, next_attempt_at, created_at, payload)
		SELECT gen_random_uuid(), 'w'||i||'@example.nl', 'reminder', CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'sent' END, 5,
			'550 mailbox unavailable', now(), now() - i * interval '1 minute', '{}'
		FROM generate_series(1, 5000) i`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Pool.Exec(ctx, `INSERT INTO sms_deliveries (event_id, kind, recipient, masked_recipient, body,
			status, attempts, last_error, next_attempt_at, created_at)
		SELECT gen_random_uuid(), 'sign_tan', '', 'nr'||i, '', CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'sent' END, 4,
			'HTTP 422', now(), now() - i * interval '1 minute'
		FROM generate_series(1, 1500) i`); err != nil {
		t.Fatal(err)
	}
	pages := walkBy(h, failedPath, failedMailRE, "cursor=", mailNextRE)
	all := slices.Concat(pages...)
	if len(pages) != 3 || len(pages[0]) != 100 || len(pages[2]) != 50 || all[0] != "w20@example.nl" ||
		all[len(all)-1] != "w5000@example.nl" || len(slices.Compact(slices.Sorted(slices.Values(all)))) != 250 {
		t.Fatalf("mail pages %d, first %s, last %s, %d distinct", len(pages), all[0], all[len(all)-1], len(all))
	}
	if n := len(retryFormRE.FindAllString(h.mustGet(failedPath), -1)); n != 100 {
		t.Errorf("page 1 has %d retry forms, want 100", n)
	}
	// The texts, from the mails' second page: each next keeps that page.
	mail2 := html.UnescapeString(mailNextRE.FindStringSubmatch(h.mustGet(failedPath))[1])
	var smsRows []string
	for path, n := mail2, 0; path != ""; n++ {
		body := h.mustGet(path)
		if got := failedMailRE.FindStringSubmatch(body); got == nil || got[1] != pages[1][0] {
			t.Fatalf("%s lost the mails' page: first mail %v", path, got)
		}
		for _, m := range failedSMSRE.FindAllStringSubmatch(body, -1) {
			smsRows = append(smsRows, m[1])
		}
		path = ""
		if m := smsNextRE.FindStringSubmatch(body); m != nil && n < 5 {
			path = html.UnescapeString(m[1])
		}
	}
	if len(smsRows) != 150 || smsRows[0] != "nr10" || smsRows[149] != "nr1500" || len(slices.Compact(slices.Sorted(slices.Values(smsRows)))) != 150 {
		t.Fatalf("texts: %d rows, each once: first %v", len(smsRows), smsRows[:min(1, len(smsRows))])
	}
	for _, q := range []string{"?cursor=bm9wZQ", "?sms_cursor=bm9wZQ"} {
		if res, _ := h.get(failedPath + q); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, res.StatusCode)
		}
	}
}
