package worker_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/domaintest"
	"backoffice/domain/worker"
)

var day = domaintest.Day

var (
	now        = time.Date(2025, 3, 12, 9, 0, 0, 0, time.UTC)
	backoffice = domain.Actor{Role: domain.RoleBackoffice}
	clientUser = domain.Actor{AccountID: "acc-c1", Role: domain.RoleClient, ClientID: "c-1"}
	otherUser  = domain.Actor{Role: domain.RoleClient, ClientID: "c-2"}
	interUser  = domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i-1"}
	theClient  = domaintest.ClientC1()
	personal   = worker.PersonalData{
		BSN: "111222333", IBAN: "NL91 ABNA 0417 1643 00", DateOfBirth: day("1990-05-17"),
		Address: worker.Address{Street: "Dorpsstraat", HouseNumber: "7", PostalCode: "1234ab", City: "Ergens"},
		Mobile:  "06-12345678",
	}
	normalized = worker.PersonalData{
		BSN: "111222333", IBAN: "NL91ABNA0417164300", DateOfBirth: day("1990-05-17"),
		Address: worker.Address{Street: "Dorpsstraat", HouseNumber: "7", PostalCode: "1234 AB", City: "Ergens", Country: "NL"},
		Mobile:  "+31612345678",
	}
	registered = &worker.Registered{WorkerID: "w-1", ClientID: "c-1",
		Name: worker.Name{First: "Jan", Infix: "van der", Last: "Berg"}, Email: "jan@example.nl", Function: "Bakker"}
)

var code = domaintest.Code

func cmd() worker.Register {
	return worker.Register{WorkerID: "w-1", Name: worker.Name{First: " Jan", Infix: "van der", Last: "Berg "},
		Email: "Jan@Example.nl", Function: "Bakker", PersonalData: personal, Start: day("2025-03-17")}
}

func TestRegister(t *testing.T) {
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		client  *client.Client
		edit    func(*worker.Register)
		wantErr error
	}{
		{"client user for own company", nil, clientUser, theClient, nil, nil},
		{"backoffice", nil, backoffice, theClient, nil, nil},
		{"client user for another company", nil, otherUser, theClient, nil, domain.ErrNotFound},
		{"client user without tenant", nil, domain.Actor{Role: domain.RoleClient}, theClient, nil, domain.ErrNotFound},
		{"unknown client", nil, backoffice, domaintest.Replay[client.Client](), nil, domain.ErrNotFound},
		{"intermediary", nil, interUser, theClient, nil, account.Forbidden},
		{"worker", nil, domain.Actor{Role: domain.RoleWorker, WorkerID: "w-9"}, theClient, nil, account.Forbidden},
		{"twice", []domain.Event{registered}, clientUser, theClient, nil, code("worker_exists")},
		{"bad id", nil, clientUser, theClient, func(r *worker.Register) { r.WorkerID = "" }, code("required")},
		{"no last name", nil, clientUser, theClient, func(r *worker.Register) { r.Name.Last = "" }, code("required")},
		{"bad email", nil, clientUser, theClient, func(r *worker.Register) { r.Email = "jan@" }, code("email_format")},
		{"no function", nil, clientUser, theClient, func(r *worker.Register) { r.Function = "" }, code("required")},
		{"bsn 11-proef", nil, clientUser, theClient, func(r *worker.Register) { r.PersonalData.BSN = "111222334" }, code("bsn_checksum")},
		{"bsn zeros", nil, clientUser, theClient, func(r *worker.Register) { r.PersonalData.BSN = "000000000" }, code("bsn_zero")},
		{"iban", nil, clientUser, theClient, func(r *worker.Register) { r.PersonalData.IBAN = "NL91ABNA0417164301" }, code("iban_checksum")},
		{"no date of birth", nil, clientUser, theClient, func(r *worker.Register) { r.PersonalData.DateOfBirth = time.Time{} }, code("required")},
		{"born today", nil, clientUser, theClient, func(r *worker.Register) { r.PersonalData.DateOfBirth = day("2025-03-12") }, code("date_of_birth_future")},
		{"born 1900", nil, clientUser, theClient, func(r *worker.Register) { r.PersonalData.DateOfBirth = day("1900-01-01") }, code("date_of_birth_implausible")},
		{"14 on first day", nil, clientUser, theClient, func(r *worker.Register) { r.PersonalData.DateOfBirth = day("2010-03-18") }, code("worker_too_young")},
		{"15 on first day", nil, clientUser, theClient, func(r *worker.Register) { r.PersonalData.DateOfBirth = day("2010-03-17") }, nil},
		{"no address", nil, clientUser, theClient, func(r *worker.Register) { r.PersonalData.Address = worker.Address{} }, code("required")},
		{"landline", nil, clientUser, theClient, func(r *worker.Register) { r.PersonalData.Mobile = "020-1234567" }, code("mobile_format")},
		{"no start", nil, clientUser, theClient, func(r *worker.Register) { r.Start = time.Time{} }, code("required")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cmd()
			if tt.edit != nil {
				tt.edit(&c)
			}
			wantPersonal := normalized
			wantPersonal.DateOfBirth = c.PersonalData.DateOfBirth
			domaintest.DecidePersonal(t, tt.given, func(w *worker.Worker) ([]domain.Event, worker.PersonalData, error) {
				return w.Register(tt.actor, tt.client, c, now)
			}, []domain.Event{registered}, tt.wantErr, wantPersonal)
		})
	}
}

// The binding rule: no personal data in any event.
func TestRegisteredCarriesNoPersonalData(t *testing.T) {
	got, _, err := (&worker.Worker{}).Register(clientUser, theClient, cmd(), now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := domain.Encode(got[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"111222333", "NL91", "0417164300", "1990", "Dorpsstraat", "1234", "612345678", "bsn", "iban", "birth", "mobile", "address"} {
		if strings.Contains(strings.ToLower(string(b)), strings.ToLower(s)) {
			t.Errorf("event contains %q: %s", s, b)
		}
	}
}

func TestPersonalDataDoesNotPrint(t *testing.T) {
	for _, s := range []string{fmt.Sprint(personal), fmt.Sprintf("%v %+v %#v %s", personal, personal, personal, personal)} {
		if strings.Contains(s, "111222333") || strings.Contains(s, "NL91") {
			t.Fatalf("printed: %s", s)
		}
	}
}

func TestState(t *testing.T) {
	w, err := domain.Replay[worker.Worker](registered)
	if err != nil {
		t.Fatal(err)
	}
	if !w.Exists() || w.ID() != "w-1" || w.ClientID() != "c-1" || w.Email() != "jan@example.nl" ||
		w.Function() != "Bakker" || w.Name().Full() != "Jan van der Berg" || worker.Stream("w-1") != "worker-w-1" {
		t.Fatal("state")
	}
	if (worker.Name{First: "Ali", Last: "Yilmaz"}).Full() != "Ali Yilmaz" {
		t.Fatal("Full without infix")
	}
	if _, err := domain.Replay[worker.Worker](&client.AgreementChanged{}); err == nil {
		t.Fatal("foreign event applied")
	}
}

func TestEventsRoundTrip(t *testing.T) {
	samples := []domain.Event{registered}
	domaintest.RoundTrip(t, worker.Events, samples...)
}
