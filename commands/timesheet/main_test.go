package timesheet_test

import (
	"testing"

	"backoffice/internal/pgtest"
)

// The PostgreSQL cluster starts only for the tests that ask for a database.
func TestMain(m *testing.M) { pgtest.Main(m) }
