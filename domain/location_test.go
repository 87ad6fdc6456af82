package domain_test

import (
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/timesheet"
)

// TestAmsterdam: one zone, loaded once; the timesheet rules use the same.
func TestAmsterdam(t *testing.T) {
	if domain.Amsterdam.String() != "Europe/Amsterdam" {
		t.Fatalf("zone %s", domain.Amsterdam)
	}
	if timesheet.Location() != domain.Amsterdam {
		t.Fatal("the timesheet rules load a zone of their own")
	}
	summer := time.Date(2026, 7, 1, 12, 0, 0, 0, domain.Amsterdam)
	if _, off := summer.Zone(); off != 2*3600 {
		t.Fatalf("summer offset %d, want CEST (+2h): not Amsterdam", off)
	}
}
