package eventstore_test

import (
	"math"
	"strings"
	"testing"

	"backoffice/eventstore"
)

func TestPositionStringRoundTrips(t *testing.T) {
	for _, p := range []eventstore.Position{
		eventstore.Start,
		{Commit: 1, Prepare: 1},
		{Commit: 12, Prepare: 7},
		{Commit: 0, Prepare: 5},
		{Commit: math.MaxUint64, Prepare: math.MaxUint64},
	} {
		s := p.String()
		got, err := eventstore.ParsePosition(s)
		if err != nil {
			t.Fatalf("ParsePosition(%q): %v", s, err)
		}
		if got != p {
			t.Fatalf("ParsePosition(%q) = %+v, want %+v", s, got, p)
		}
	}
	if s := (eventstore.Position{Commit: 83630, Prepare: 55}).String(); s != "83630-55" {
		t.Fatalf("String() = %q, want 83630-55", s)
	}
	if s := eventstore.Start.String(); s != "0-0" {
		t.Fatalf("Start.String() = %q, want 0-0", s)
	}
}

func TestParsePositionRefusesGarbage(t *testing.T) {
	for _, s := range []string{
		"", "-", "1", "1-", "-1", "-1-2", "1--2", "1-2-3", "a-b", "1-b", "a-1",
		" 1-2", "1-2 ", "+1-2", "1-+2", "1.0-2", "0x1-2", "1_000-2",
		"18446744073709551616-0", "0-18446744073709551616",
	} {
		p, err := eventstore.ParsePosition(s)
		if err == nil {
			t.Errorf("ParsePosition(%q) = %+v, want an error", s, p)
			continue
		}
		// The message names the form people must type, not strconv's words.
		if msg := err.Error(); !strings.Contains(msg, "COMMIT-PREPARE") || strings.Contains(msg, "strconv") {
			t.Errorf("ParsePosition(%q): %q", s, msg)
		}
	}
}

func TestPositionCompare(t *testing.T) {
	// Ordered strictly ascending: Commit first, then Prepare.
	ordered := []eventstore.Position{
		eventstore.Start,
		{Commit: 0, Prepare: 1},
		{Commit: 1, Prepare: 0},
		{Commit: 1, Prepare: 1},
		{Commit: 1, Prepare: math.MaxUint64},
		{Commit: 2, Prepare: 0},
		{Commit: 10, Prepare: 3}, // not 2 < 10 as strings
		{Commit: math.MaxUint64, Prepare: 0},
		{Commit: math.MaxUint64, Prepare: math.MaxUint64},
	}
	for i, p := range ordered {
		for j, q := range ordered {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := p.Compare(q); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", p, q, got, want)
			}
			if got := p.Before(q); got != (want < 0) {
				t.Errorf("%s.Before(%s) = %t", p, q, got)
			}
			if got := p.After(q); got != (want > 0) {
				t.Errorf("%s.After(%s) = %t", p, q, got)
			}
		}
	}
}

func TestPositionIsStart(t *testing.T) {
	if !eventstore.Start.IsStart() || !(eventstore.Position{}).IsStart() {
		t.Fatal("Start is not IsStart")
	}
	for _, p := range []eventstore.Position{{Commit: 1}, {Prepare: 1}} {
		if p.IsStart() {
			t.Errorf("%s.IsStart() = true", p)
		}
		if !p.After(eventstore.Start) {
			t.Errorf("%s is not after Start", p)
		}
	}
}

func FuzzParsePosition(f *testing.F) {
	for _, s := range []string{"0-0", "83630-55", "18446744073709551615-1", "1-", "-", "a-b", "1-2-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := eventstore.ParsePosition(s)
		if err != nil {
			return
		}
		// Whatever parses prints in the canonical form, which parses back
		// to the same position.
		again, err := eventstore.ParsePosition(p.String())
		if err != nil || again != p {
			t.Fatalf("ParsePosition(%q) = %s, which reparses as %+v, %v", s, p, again, err)
		}
		if p.Compare(again) != 0 {
			t.Fatalf("%s does not compare equal to itself", p)
		}
	})
}
