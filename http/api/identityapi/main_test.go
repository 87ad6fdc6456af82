package identityapi_test

import (
	"testing"

	"backoffice/internal/pgtest"
)

// Every test starts its own application on its own database (newApp):
// they run in parallel, as much of their time goes to waiting for
// projectors and the mail queue.
func TestMain(m *testing.M) { pgtest.Main(m) }
