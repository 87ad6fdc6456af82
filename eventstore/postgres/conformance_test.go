package postgres_test

import (
	"testing"

	"backoffice/eventstore"
	"backoffice/eventstore/eventstoretest"
	"backoffice/eventstore/postgres"
)

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventstore.Store {
		s, _ := newStore(t, postgres.Options{})
		return s
	})
}
