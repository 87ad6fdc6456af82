package placement

import (
	"time"

	"backoffice/domain"
)

// Sibling is another placement of the same worker, as its stream holds it.
type Sibling struct {
	ID       string
	ClientID string
	Period   Period
	// Revision is the stream's revision it was read at (Roster.Claim).
	Revision uint64
}

// SiblingOf returns what CheckNoOverlap needs of a loaded placement.
func SiblingOf(p *Placement) Sibling {
	return Sibling{ID: p.id, ClientID: p.clientID, Period: p.period}
}

// CheckNoOverlap refuses a placement (new, or with a corrected start) at
// clientID for period while the worker has another placement there that
// shares a date with it. Two placements at one client in the same week
// would give the worker two timesheets for one job, each offered, approved
// and paid on its own: hours booked twice. A change of function at the
// same client is a new placement after the old one ends. Placements at
// different clients may overlap (a worker can work part-time at two).
func CheckNoOverlap(id, clientID string, period Period, siblings []Sibling) error {
	return checkNoOverlap("start", id, clientID, period, siblings)
}

// checkNoOverlap is CheckNoOverlap naming field (the input that gave the
// dates: start, or end when ending later).
func checkNoOverlap(field, id, clientID string, period Period, siblings []Sibling) error {
	for _, o := range siblings {
		if o.ID == id || o.ClientID != clientID || !overlap(period, o.Period) {
			continue
		}
		return domain.Rule("placement_overlaps", field,
			"The worker already has a placement at this client in this period (from "+o.Period.Start.Format(time.DateOnly)+
				ending(o.Period, " to ", time.DateOnly)+"); end that placement first or choose a later start date.",
			"De werknemer heeft bij deze opdrachtgever al een plaatsing in deze periode (vanaf "+o.Period.Start.Format("2-1-2006")+
				ending(o.Period, " tot en met ", "2-1-2006")+"); beëindig die plaatsing eerst of kies een latere begindatum.")
	}
	return nil
}

func ending(p Period, word, layout string) string {
	if p.Open() {
		return ""
	}
	return word + p.End.Format(layout)
}

// overlap reports whether two periods share a date (a zero End is open).
func overlap(a, b Period) bool {
	return (b.Open() || !a.Start.After(b.End)) && (a.Open() || !b.Start.After(a.End))
}
