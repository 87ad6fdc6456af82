package missing

import (
	"context"
	"strconv"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/timesheet"
)

// DefaultWeeks is how many past weeks the overview shows without a week filter.
const DefaultWeeks = 8

// maxClientID bounds the client filter (it is a query parameter).
const maxClientID = 200

// ScopeFor is the overview's scope: back office all, an intermediary its
// clients, a client its own placements; workers, integrations and
// half-filled actors are refused (403).
func ScopeFor(a domain.Actor) (account.Scope, error) {
	sc := account.ScopeOf(a)
	switch {
	case a.Role == domain.RoleBackoffice && sc.Kind == account.ScopeAll,
		a.Role == domain.RoleIntermediary && sc.Kind == account.ScopeIntermediary,
		a.Role == domain.RoleClient && sc.Kind == account.ScopeClient:
		return sc, nil
	}
	return sc, ErrForbidden
}

// ErrForbidden: the overview is not for this role.
var ErrForbidden = domain.Forbidden("forbidden_role", "the missing-hours overview is for the back office, intermediaries and clients",
	"Het overzicht ontbrekende uren is er voor het backofficebureau, intermediairs en opdrachtgevers.")

// ErrClientTooLong: the client filter is longer than any client ID.
var ErrClientTooLong = domain.Invalid("client_invalid", "client", "client is too long", "client is te lang.")

// Overview answers the missing-hours overview for the API and the portal
// alike: the caller's scope, the weeks (default: the DefaultWeeks before
// the current one), an optional client, and counts per client.
type Overview struct {
	q   Querier
	now func() time.Time
}

// NewOverview returns the overview on q (a pool); clock defaults to time.Now.
func NewOverview(q Querier, clock func() time.Time) *Overview {
	if clock == nil {
		clock = time.Now
	}
	return &Overview{q: q, now: clock}
}

// Report is one answer of the overview.
type Report struct {
	Weeks     []timesheet.ISOWeek
	Rows      []Row
	PerClient []ClientSummary
}

// ClientSummary counts the missing weeks of one client.
type ClientSummary struct {
	ClientID         string `json:"client_id"`
	ClientName       string `json:"client_name"`
	IntermediaryID   string `json:"intermediary_id"`
	IntermediaryName string `json:"intermediary_name"`
	Missing          int    `json:"missing"`
	// MostLate is the longest any of them is past its entry deadline.
	MostLate time.Duration `json:"-"`
}

// For returns the overview for a: the given weeks (nil for the default)
// and client ("" for all in scope).
func (o *Overview) For(ctx context.Context, a domain.Actor, weeks []timesheet.ISOWeek, clientID string) (Report, error) {
	sc, err := ScopeFor(a)
	if err != nil {
		return Report{}, err
	}
	if len(clientID) > maxClientID {
		return Report{}, ErrClientTooLong
	}
	now := o.now()
	if len(weeks) == 0 {
		weeks = PastWeeks(now, DefaultWeeks)
	}
	rows, err := Query(ctx, o.q, Filter{Scope: sc, Weeks: weeks, ClientID: clientID}, now)
	if err != nil {
		return Report{}, err
	}
	return Report{Weeks: weeks, Rows: rows, PerClient: PerClient(rows)}, nil
}

// TotalsFor counts the overview for a (the weeks given, all clients in
// scope) without reading the rows: the home page's summary.
func (o *Overview) TotalsFor(ctx context.Context, a domain.Actor, weeks []timesheet.ISOWeek) (Totals, error) {
	sc, err := ScopeFor(a)
	if err != nil {
		return Totals{}, err
	}
	return Count(ctx, o.q, Filter{Scope: sc, Weeks: weeks})
}

// PerClient counts rows (ordered by client, as Query returns them) per client.
func PerClient(rows []Row) []ClientSummary {
	out := []ClientSummary{}
	for _, r := range rows {
		if n := len(out); n == 0 || out[n-1].ClientID != r.ClientID {
			out = append(out, ClientSummary{ClientID: r.ClientID, ClientName: r.ClientName,
				IntermediaryID: r.IntermediaryID, IntermediaryName: r.IntermediaryName})
		}
		c := &out[len(out)-1]
		c.Missing++
		c.MostLate = max(c.MostLate, r.LateBy)
	}
	return out
}

// CSVHeader and CSVRecords are the overview as a spreadsheet (Dutch
// headers; deadlines in Amsterdam time), for the API and the portal.
var CSVHeader = []string{"Opdrachtgever", "Intermediair", "Werknemer", "Plaatsing", "Week", "Status", "Deadline", "Uren te laat"}

// CSVRecords are the rows under CSVHeader.
func CSVRecords(rows []Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		inter := r.IntermediaryName
		if inter == "" {
			inter = r.IntermediaryID
		}
		out[i] = []string{r.ClientName, inter, r.WorkerName, r.PlacementID, r.Week.String(), r.Status,
			r.EntryDeadline.In(timesheet.Location()).Format("2006-01-02 15:04"), strconv.Itoa(r.LateHours())}
	}
	return out
}
