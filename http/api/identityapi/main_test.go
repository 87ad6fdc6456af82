package identityapi_test

import (
	"testing"

	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
