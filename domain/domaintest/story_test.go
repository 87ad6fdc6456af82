package domaintest_test

import (
	"testing"

	"backoffice/domain/domaintest"
)

// The default story succeeds and records every registered event type, so
// tests built on it cover the whole event catalogue.
func TestStoryCoversEveryEventType(t *testing.T) {
	s := domaintest.Run("1", nil, domaintest.Numbers{})
	if s.Err != nil {
		t.Fatalf("step %s: %v", s.Failed, s.Err)
	}
	seen := map[string]bool{}
	for _, e := range s.Events {
		seen[e.Event.EventType()] = true
	}
	for pkg, reg := range domaintest.Registries {
		for _, typ := range reg.Types() {
			if !seen[typ] {
				t.Errorf("%s: the story records no %s", pkg, typ)
			}
		}
	}
}
