package domain

import (
	"time"
	_ "time/tzdata" // Europe/Amsterdam must resolve on machines without zoneinfo
)

// Amsterdam is Europe/Amsterdam, the bureau's time zone: deadlines,
// fillable weeks, "today" and the times in mails are all reckoned in it.
// It is loaded once, here; a missing zone fails the start, never falls back
// to UTC.
var Amsterdam = mustLoad("Europe/Amsterdam")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("domain: time zone " + name + ": " + err.Error())
	}
	return loc
}
