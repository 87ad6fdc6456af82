package config_test

import (
	"strings"
	"testing"
	"time"

	"backoffice/internal/config"
	"backoffice/notify/schedule"
)

func TestRemindersDefaultAndOverrides(t *testing.T) {
	c := load(t, nil)
	if got := c.Reminders[schedule.KindApproval]; got != (schedule.Slot{Weekday: time.Wednesday, Hour: 8, Enabled: true}) {
		t.Errorf("default approval slot %+v", got)
	}
	c = load(t, map[string]string{"BACKOFFICE_REMINDER_ENTRY": "di 07:30", "BACKOFFICE_REMINDER_MISSING": "off"})
	if got := c.Reminders[schedule.KindEntry]; got != (schedule.Slot{Weekday: time.Tuesday, Hour: 7, Minute: 30, Enabled: true}) {
		t.Errorf("entry slot %+v", got)
	}
	if c.Reminders[schedule.KindMissing].Enabled {
		t.Error("missing reminder still on")
	}
	c = load(t, map[string]string{"BACKOFFICE_REMINDERS": "off"})
	for k, s := range c.Reminders {
		if s.Enabled {
			t.Errorf("%s on with BACKOFFICE_REMINDERS=off", k)
		}
	}
}

func TestRemindersRejectBadValuesAllAtOnce(t *testing.T) {
	_, err := config.Load(nil, env(map[string]string{"BACKOFFICE_REMINDER_ENTRY": "monday 9", "BACKOFFICE_REMINDER_APPROVAL": "wed 25:00", "BACKOFFICE_REMINDERS": "sometimes"}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range []string{"BACKOFFICE_REMINDER_ENTRY", "BACKOFFICE_REMINDER_APPROVAL", "BACKOFFICE_REMINDERS"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error does not name %s: %v", s, err)
		}
	}
}
