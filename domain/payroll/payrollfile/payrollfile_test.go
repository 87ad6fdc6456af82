package payrollfile_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"backoffice/domain"
	"backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	ts "backoffice/domain/timesheet"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// mapping is in the order SetMapping stores it (kind, code): the order of
// the file columns.
var mapping = []payroll.Mapping{
	{Kind: payroll.SourceAllowance, Code: "per_day", Loket: "30", Nmbrs: "Dagvergoeding", Easyflex: "DAG"},
	{Kind: payroll.SourceExpense, Code: "parking", Loket: "21", Nmbrs: "Parkeren", Easyflex: "PARK"},
	{Kind: payroll.SourceExpense, Code: "travel_km", Loket: "20", Nmbrs: "KM", Easyflex: "KM"},
	{Kind: payroll.SourceHours, Code: "100", Loket: "1", Nmbrs: "Uren 100", Easyflex: "U100", AFAS: "U100"},
	{Kind: payroll.SourceHours, Code: "125", Loket: "2", Nmbrs: "Uren 125", Easyflex: "U125", AFAS: "U125"},
}

// sample is a batch of week 2026-W05 as CreateBatch leaves it: two
// timesheets of worker 10 (two placements), one of worker 20 with
// overtime, kilometres, parking and a day allowance, and a correction of
// worker 20's timesheet of the included batch; 20 minutes is 0,33 hour.
func sample() *payroll.Batch {
	w5 := ts.ISOWeek{Year: 2026, Week: 5}
	return &payroll.Batch{
		Created: payroll.BatchCreated{BatchID: "c1_2026-W05_2", ClientID: "c1",
			Period:   payroll.Period{Kind: payroll.PeriodWeek, Year: 2026, Number: 5},
			Settings: payroll.Settings{Administration: "1001", DebtorNumber: "D42", Relation: "R7", Period: payroll.PeriodWeek, Package: payroll.TargetLoket},
			Mapping:  mapping, Items: 4, Includes: []string{"c1_2026-W05_1"},
			Sources: []string{"allowance:per_day", "expense:parking", "expense:travel_km", "hours:100", "hours:125"}},
		Status: payroll.StatusOpen,
		Items: []payroll.Item{
			{Placement: "p1", Week: w5, WorkerID: "w1", PersonnelNumber: "10", Name: "Jan Jansen", Hash: "aa", Round: 1,
				Lines: []payroll.ItemLine{{HourType: "100", Minutes: [7]int{480, 450, 0, 0, 20}}}},
			{Placement: "p9", Week: w5, WorkerID: "w1", PersonnelNumber: "10", Name: "Jan Jansen", Hash: "bb", Round: 2,
				Lines: []payroll.ItemLine{{HourType: "100", Minutes: [7]int{0, 0, 0, 0, 0, 240}}}},
			{Placement: "p2", Week: w5, WorkerID: "w2", PersonnelNumber: "20", Name: "Anna de Vries", Hash: "cc", Round: 1,
				Lines: []payroll.ItemLine{
					{HourType: "100", Minutes: [7]int{480, 480, 480, 480, 480}},
					{HourType: "125", Minutes: [7]int{0, 0, 90}}},
				Expenses: []payroll.ItemExpense{
					{Type: "travel_km", Date: ts.NewDate(2026, 1, 26), Kilometres: 42},
					{Type: "parking", Date: ts.NewDate(2026, 1, 28), AmountCents: 750}},
				Allowances: payroll.ItemAllowances{PerDayCents: 1250}},
			// A correction of p7 (imported in the included batch): an hour
			// less on Saturday, half an hour on Sunday.
			{Placement: "p7", Week: w5, WorkerID: "w2", PersonnelNumber: "20", Name: "Anna de Vries", Hash: "ee", Round: 2,
				Lines:      []payroll.ItemLine{{HourType: "100", Minutes: [7]int{0, 0, 0, 0, 0, -60, 30}}},
				Correction: &payroll.Correction{OriginalBatch: "c1_2026-W05_1", OriginalRound: 1}},
		},
	}
}

// included is the confirmed batch of the same week the sample includes:
// worker 20 had 2 hours approved in it already.
func included() *payroll.Batch {
	return &payroll.Batch{Status: payroll.StatusConfirmed, Items: []payroll.Item{
		{Placement: "p7", Week: ts.ISOWeek{Year: 2026, Week: 5}, WorkerID: "w2", PersonnelNumber: "20", Name: "Anna de Vries",
			Hash: "dd", Round: 1, Lines: []payroll.ItemLine{{HourType: "100", Minutes: [7]int{0, 0, 0, 0, 0, 120}}}}}}
}

func write(t *testing.T, f payrollfile.Format, src payrollfile.Source) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := payrollfile.Write(&buf, f, src); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestGoldenText(t *testing.T) {
	src := payrollfile.Of(sample(), included())
	golden(t, "loket.csv", write(t, payrollfile.Loket, src))
	golden(t, "easyflex.csv", write(t, payrollfile.Easyflex, src))
	golden(t, "export.jsonl", write(t, payrollfile.JSONL, src))
}

// The xlsx is read back with excelize: the sheet, header and values.
func TestNmbrsReadBack(t *testing.T) {
	src := payrollfile.Of(sample())
	b := write(t, payrollfile.Nmbrs, src)
	golden(t, "nmbrs.xlsx", b)
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(payrollfile.NmbrsSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Debiteurnr", "Bedrijfnr", "Persnr", "Naam", "Periode", "Dagvergoeding", "Parkeren", "KM", "Uren 100", "Uren 125"},
		{"D42", "1001", "10", "Jan Jansen", "2026-05", "", "", "", "19.83"},
		{"D42", "1001", "20", "Anna de Vries", "2026-05", "12.5", "7.5", "42", "39.5", "1.5"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if len(rows[i]) != len(want[i]) {
			t.Fatalf("row %d: %q, want %q", i, rows[i], want[i])
		}
		for j := range want[i] {
			if rows[i][j] != want[i][j] {
				t.Errorf("row %d col %d: %q, want %q", i, j, rows[i][j], want[i][j])
			}
		}
	}
	// Numbers are numeric cells, not text.
	if typ, _ := f.GetCellType(payrollfile.NmbrsSheet, "I2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("hours stored as text (%v)", typ)
	}
}

// Writing the same batch twice gives the same bytes in every format.
func TestDeterministic(t *testing.T) {
	src := payrollfile.Of(sample(), included())
	for _, f := range payrollfile.Formats {
		if !bytes.Equal(write(t, f, src), write(t, f, src)) {
			t.Errorf("%s: two writes differ", f)
		}
	}
}

func TestDecimal(t *testing.T) {
	for _, tc := range []struct {
		unit string
		v    int64
		want string
	}{
		{"minutes", 0, "0,00"}, {"minutes", 1, "0,02"}, {"minutes", 20, "0,33"}, {"minutes", 30, "0,50"},
		{"minutes", 40, "0,67"}, {"minutes", 450, "7,50"}, {"minutes", -20, "-0,33"}, {"minutes", 1190, "19,83"},
		{"cents", 750, "7,50"}, {"cents", 5, "0,05"}, {"cents", -1250, "-12,50"}, {"km", 42, "42"}, {"km", -3, "-3"},
	} {
		if got := payrollfile.Decimal(tc.unit, tc.v, ','); got != tc.want {
			t.Errorf("%s %d: %q, want %q", tc.unit, tc.v, got, tc.want)
		}
	}
}

// Hours are exact for every whole number of minutes: hundredths of an hour
// rounded half up, computed without floating point.
func TestDecimalMinutesProperty(t *testing.T) {
	for m := int64(0); m <= 24*60*7; m++ {
		got := payrollfile.Decimal("minutes", m, '.')
		want := (m*100*2 + 60) / 120
		if got != sprintf("%d.%02d", want/100, want%100) {
			t.Fatalf("%d minutes: %s", m, got)
		}
	}
}

func TestFormatRefusesUnmapped(t *testing.T) {
	b := sample()
	b.Created.Mapping = mapping[3:] // no expense or allowance components
	var buf bytes.Buffer
	err := payrollfile.Write(&buf, payrollfile.Easyflex, payrollfile.Of(b))
	if de, ok := err.(*domain.Error); !ok || de.Code != "mapping_incomplete" {
		t.Fatalf("err %v", err)
	}
	if err := payrollfile.Write(&buf, payrollfile.JSONL, payrollfile.Of(b)); err != nil {
		t.Fatalf("jsonl needs no mapping: %v", err)
	}
}

func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }
