package memory_test

import (
	"testing"

	"backoffice/eventstore"
	"backoffice/eventstore/eventstoretest"
	"backoffice/eventstore/memory"
)

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventstore.Store {
		s := memory.New()
		t.Cleanup(func() { s.Close() })
		return s
	})
}
