package payroll_test

import (
	"errors"
	"strings"
	"testing"

	"backoffice/domain"
	"backoffice/domain/payroll"
	ts "backoffice/domain/timesheet"
)

var (
	backoffice = domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}
	payrollBot = domain.Actor{AccountID: "pay", Role: domain.RolePayroll}
	client1    = domain.Actor{AccountID: "c", Role: domain.RoleClient, ClientID: "c1"}
	// agreed are the hour types of the client's agreements (client.Client.HourTypeCodes).
	agreed = []string{"100", "125"}
)

func code(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct {
		in    string
		ok    bool
		weeks []string
	}{
		{"2026-W05", true, []string{"2026-W05"}},
		{"2026-P01", true, []string{"2026-W01", "2026-W02", "2026-W03", "2026-W04"}},
		{"2026-P13", true, []string{"2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"}}, // 2026 has 53 weeks
		// May 2026: Thursdays 7, 14, 21, 28 May; week 18 (27 Apr–3 May) has its Thursday on 30 April.
		{"2026-05", true, []string{"2026-W19", "2026-W20", "2026-W21", "2026-W22"}},
		{"2026-W54", false, nil}, {"2026-P14", false, nil}, {"2026-13", false, nil}, {"2026-00", false, nil},
		{"26-W05", false, nil}, {"2026-X05", false, nil}, {"", false, nil}, {"2026-W5", false, nil},
	} {
		p, err := payroll.ParsePeriod(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err %v", tc.in, err)
			continue
		}
		if !tc.ok {
			continue
		}
		if p.String() != tc.in {
			t.Errorf("%q: String %q", tc.in, p)
		}
		var got []string
		for _, w := range p.Weeks() {
			got = append(got, w.String())
		}
		if strings.Join(got, ",") != strings.Join(tc.weeks, ",") {
			t.Errorf("%q: weeks %v, want %v", tc.in, got, tc.weeks)
		}
	}
}

// Every week belongs to exactly one period of each kind.
func TestPeriodsPartitionWeeks(t *testing.T) {
	for _, kind := range []string{"W", "P", "M"} {
		seen := map[ts.ISOWeek]int{}
		for year := 2025; year <= 2027; year++ {
			n := map[string]int{"W": ts.WeeksInYear(year), "P": 13, "M": 12}[kind]
			for i := 1; i <= n; i++ {
				s := map[string]string{"W": "%04d-W%02d", "P": "%04d-P%02d", "M": "%04d-%02d"}[kind]
				p, err := payroll.ParsePeriod(sprintf(s, year, i))
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range p.Weeks() {
					seen[w]++
				}
			}
		}
		for w := (ts.ISOWeek{Year: 2025, Week: 2}); w.Year < 2027 || w.Week < 50; w = w.Next() {
			if seen[w] != 1 {
				t.Errorf("%s: week %s in %d periods", kind, w, seen[w])
			}
		}
	}
}

func TestSetMappingValidates(t *testing.T) {
	good := []payroll.Mapping{{Kind: payroll.SourceHours, Code: "100", Loket: "1", Nmbrs: "Uren 100", Easyflex: "U100"}}
	for _, tc := range []struct {
		name    string
		actor   domain.Actor
		from    string
		entries []payroll.Mapping
		code    string
	}{
		{"ok", backoffice, "2026-01-05", good, ""},
		{"client may not", client1, "2026-01-05", good, "forbidden"},
		{"payroll may not", payrollBot, "2026-01-05", good, "forbidden"},
		{"bad date", backoffice, "5-1-2026", good, "date_format"},
		{"empty", backoffice, "2026-01-05", nil, "mapping_required"},
		{"loket not numeric", backoffice, "2026-01-05", []payroll.Mapping{{Kind: payroll.SourceHours, Code: "100", Loket: "1a"}}, "component_invalid"},
		{"formula prefix", backoffice, "2026-01-05", []payroll.Mapping{{Kind: payroll.SourceHours, Code: "100", Nmbrs: "=SUM(A1)"}}, "component_invalid"},
		{"separator", backoffice, "2026-01-05", []payroll.Mapping{{Kind: payroll.SourceHours, Code: "100", Easyflex: "a;b"}}, "component_invalid"},
		{"control char", backoffice, "2026-01-05", []payroll.Mapping{{Kind: payroll.SourceHours, Code: "100", AFAS: "a\x00"}}, "component_invalid"},
		{"no component", backoffice, "2026-01-05", []payroll.Mapping{{Kind: payroll.SourceHours, Code: "100"}}, "component_required"},
		{"unknown expense", backoffice, "2026-01-05", []payroll.Mapping{{Kind: payroll.SourceExpense, Code: "taxi", Loket: "1"}}, "expense_type_invalid"},
		{"unknown kind", backoffice, "2026-01-05", []payroll.Mapping{{Kind: "bonus", Code: "x", Loket: "1"}}, "mapping_kind"},
		{"duplicate", backoffice, "2026-01-05", append(good, good[0]), "duplicate_mapping"},
		{"hour type in no agreement", backoffice, "2026-01-05", []payroll.Mapping{{Kind: payroll.SourceHours, Code: "zz", Loket: "1"}}, "hour_type_not_agreed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &payroll.Client{}
			evs, err := c.SetMapping(tc.actor, "c1", tc.from, tc.entries, agreed)
			if code(err) != tc.code {
				t.Fatalf("code %q, want %q", code(err), tc.code)
			}
			if err != nil && len(evs) != 0 {
				t.Fatal("events with an error")
			}
		})
	}
}

func TestMappingOnValidFrom(t *testing.T) {
	c := &payroll.Client{}
	m := func(loket string) []payroll.Mapping {
		return []payroll.Mapping{{Kind: payroll.SourceHours, Code: "100", Loket: loket}}
	}
	if _, err := c.SetMapping(backoffice, "c1", "2026-01-05", m("1"), agreed); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetMapping(backoffice, "c1", "2026-07-01", m("2"), agreed); err != nil {
		t.Fatal(err)
	}
	// the same mapping again records nothing
	if evs, err := c.SetMapping(backoffice, "c1", "2026-07-01", m("2"), agreed); err != nil || len(evs) != 0 {
		t.Fatalf("repeat: %v %v", evs, err)
	}
	for day, want := range map[string]string{"2026-01-04": "", "2026-01-05": "1", "2026-06-30": "1", "2026-07-01": "2", "2027-01-01": "2"} {
		d, _ := ts.ParseDate(day)
		got, ok := c.MappingOn(d)
		if want == "" {
			if ok {
				t.Errorf("%s: mapping %v before the first", day, got)
			}
			continue
		}
		if !ok || got[0].Loket != want {
			t.Errorf("%s: %v, want loket %s", day, got, want)
		}
	}
}

func TestSetPersonnelNumber(t *testing.T) {
	w := &payroll.Worker{}
	if _, err := w.SetPersonnelNumber(client1, "w1", "A1", "123"); code(err) != "forbidden" {
		t.Fatalf("client: %v", err)
	}
	for _, bad := range []string{"", "12 3", "1;2", "=1", strings.Repeat("1", 21), "1\n2"} {
		if _, err := w.SetPersonnelNumber(backoffice, "w1", "A1", bad); code(err) != "personnel_number_invalid" {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := w.SetPersonnelNumber(backoffice, "w1", "A 1", "1"); code(err) != "administration_invalid" {
		t.Errorf("administration: %v", err)
	}
	evs, err := w.SetPersonnelNumber(backoffice, "w1", "A1", " 123 ")
	if err != nil || len(evs) != 1 {
		t.Fatal(evs, err)
	}
	if n, _ := w.PersonnelNumber("A1"); n != "123" {
		t.Fatalf("persnr %q", n)
	}
	if evs, _ := w.SetPersonnelNumber(backoffice, "w1", "A1", "123"); len(evs) != 0 {
		t.Fatal("repeat recorded")
	}
	if _, ok := w.PersonnelNumber("B2"); ok {
		t.Fatal("number in another administration")
	}
}

func TestBatchID(t *testing.T) {
	p, _ := payroll.ParsePeriod("2026-W05")
	for _, client := range []string{"c1", "my_client", "a-b_c-2026-W05_1"} {
		id := payroll.BatchID(client, p, 12)
		got, ok := payroll.ParseBatchID(id)
		if !ok || got != client {
			t.Errorf("%s: %q %v", id, got, ok)
		}
	}
	for _, bad := range []string{"", "c1", "c1_2026-W05", "c1_2026-W05_x", "c1_bad_1", "_2026-W05_1", "c/1_2026-W05_1", "c 1_2026-W05_1"} {
		if _, ok := payroll.ParseBatchID(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestMappingOfAnUnknownHourTypeStillFolds: a mapping stored before hour
// types were checked against the agreements folds as it was (events are
// forever); only a new decision is refused.
func TestMappingOfAnUnknownHourTypeStillFolds(t *testing.T) {
	c := &payroll.Client{}
	old := &payroll.MappingSet{ClientID: "c1", ValidFrom: "2026-01-05", Entries: []payroll.Mapping{{Kind: payroll.SourceHours, Code: "ZZ", Loket: "1"}}}
	if err := c.Apply(old); err != nil {
		t.Fatal(err)
	}
	got, ok := c.MappingOn(ts.NewDate(2026, 2, 2))
	if !ok || len(got) != 1 || got[0].Code != "ZZ" {
		t.Fatalf("mapping %v %v", got, ok)
	}
	if _, err := c.SetMapping(backoffice, "c1", "2026-01-05", old.Entries, agreed); code(err) != "hour_type_not_agreed" {
		t.Fatalf("code %q", code(err))
	}
}
