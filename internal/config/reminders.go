package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"backoffice/notify/schedule"
)

// reminderVars name the variable of each reminder kind (README: Reminders).
var reminderVars = map[string]string{
	schedule.KindEntry:    "BACKOFFICE_REMINDER_ENTRY",
	schedule.KindMissing:  "BACKOFFICE_REMINDER_MISSING",
	schedule.KindApproval: "BACKOFFICE_REMINDER_APPROVAL",
}

var weekdays = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
	"ma": time.Monday, "di": time.Tuesday, "wo": time.Wednesday, "do": time.Thursday,
	"vr": time.Friday, "za": time.Saturday, "zo": time.Sunday,
}

// loadReminders reads the reminder schedule: each variable is "off" or
// "<weekday> HH:MM" in Europe/Amsterdam ("mon 09:00", "di 09:30"); unset
// keeps the default (Monday 09:00, Tuesday 09:00, Wednesday 08:00).
// BACKOFFICE_REMINDERS=off switches all of them off.
func loadReminders(getenv func(string) string) (schedule.Plan, []error) {
	plan := schedule.DefaultPlan()
	var errs []error
	all := strings.ToLower(strings.TrimSpace(getenv("BACKOFFICE_REMINDERS")))
	switch all {
	case "", "on", "true":
	case "off", "false":
		for k, s := range plan {
			s.Enabled = false
			plan[k] = s
		}
		return plan, nil
	default:
		errs = append(errs, fmt.Errorf("BACKOFFICE_REMINDERS=%q: want on or off", all))
	}
	for _, kind := range schedule.Kinds {
		name := reminderVars[kind]
		v := strings.ToLower(strings.TrimSpace(getenv(name)))
		if v == "" {
			continue
		}
		slot, err := parseSlot(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", name, v, err))
			continue
		}
		plan[kind] = slot
	}
	return plan, errs
}

func parseSlot(v string) (schedule.Slot, error) {
	if v == "off" {
		return schedule.Slot{}, nil
	}
	day, hm, ok := strings.Cut(v, " ")
	wd, known := weekdays[day]
	if !ok || !known {
		return schedule.Slot{}, fmt.Errorf("want off or \"<weekday> HH:MM\" (mon..sun), e.g. \"mon 09:00\"")
	}
	hs, ms, ok := strings.Cut(strings.TrimSpace(hm), ":")
	h, herr := strconv.Atoi(hs)
	m, merr := strconv.Atoi(ms)
	if !ok || herr != nil || merr != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(ms) != 2 {
		return schedule.Slot{}, fmt.Errorf("want a time HH:MM between 00:00 and 23:59")
	}
	return schedule.Slot{Weekday: wd, Hour: h, Minute: m, Enabled: true}, nil
}
