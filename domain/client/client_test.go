package client_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/domaintest"
	"backoffice/domain/intermediary"
)

var day = domaintest.Day

var (
	now        = time.Date(2025, 3, 12, 9, 0, 0, 0, time.UTC) // Wednesday, week 11
	backoffice = domain.Actor{Role: domain.RoleBackoffice}
	inter, _   = domain.Replay[intermediary.Intermediary](&intermediary.Registered{IntermediaryID: "i-1", Name: "Flex",
		Contact: intermediary.Contact{Name: "A", Email: "a@flex.nl"}})

	agreement = client.Agreement{
		HourTypes: []client.HourType{
			{Code: "100", Name: "Normale uren", Percentage: 100},
			{Code: "125", Name: "Overuren 125%", Percentage: 125},
			{Code: "150", Name: "Overuren 150%", Percentage: 150},
			{Code: "NACHT", Name: "Nachttoeslag", Percentage: 20},
			{Code: "VAK", Name: "Vakantie-uren", Percentage: 100, Absence: true},
		},
		NormalHourType:   "100",
		EnteredBy:        domain.RoleWorker,
		ApprovalChain:    []domain.Role{domain.RoleClient, domain.RoleIntermediary},
		TimeRegistration: true,
		Allowances:       client.Allowances{PerDayCents: 250, PerHourCents: 19},
		BillingRates:     map[string]int64{"100": 3250, "125": 4060, "150": 4875},
	}
	registered = &client.Registered{
		ClientID: "c-1", IntermediaryID: "i-1", Name: "Bakkerij De Korenaar B.V.", KvK: "12345678",
		Address:       client.Address{Street: "Molenstraat", HouseNumber: "12", PostalCode: "3511 AB", City: "Utrecht", Country: "NL"},
		Contact:       client.Contact{Name: "Els Visser", Email: "els@korenaar.nl"},
		AgreementFrom: day("2025-01-01"), Agreement: agreement,
	}
)

var code = domaintest.Code

func registerCmd() client.Register {
	a := agreement.Clone()
	a.HourTypes[3].Code = "nacht"
	return client.Register{
		ClientID: "c-1", Name: "Bakkerij De Korenaar B.V.", KvK: "1234 5678",
		Address:         client.Address{Street: "Molenstraat", HouseNumber: "12", PostalCode: "3511ab", City: "Utrecht"},
		Contact:         client.Contact{Name: "Els Visser", Email: "Els@Korenaar.nl"},
		ContactPersonal: client.ContactPersonalData{Mobile: "06-12345678"},
		AgreementFrom:   time.Date(2025, 1, 1, 14, 0, 0, 0, time.UTC),
		Agreement:       a,
	}
}

func TestRegister(t *testing.T) {
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		inter   *intermediary.Intermediary
		edit    func(*client.Register)
		want    []domain.Event
		wantErr error
	}{
		{"register", nil, backoffice, inter, nil, []domain.Event{registered}, nil},
		{"twice", []domain.Event{registered}, backoffice, inter, nil, nil, code("client_exists")},
		{"by intermediary", nil, domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i-1"}, inter, nil, nil, account.Forbidden},
		{"unknown intermediary", nil, backoffice, &intermediary.Intermediary{}, nil, nil, code("intermediary_unknown")},
		{"nil intermediary", nil, backoffice, nil, nil, nil, code("intermediary_unknown")},
		{"bad kvk", nil, backoffice, inter, func(r *client.Register) { r.KvK = "1234" }, nil, code("kvk_format")},
		{"bad postal code", nil, backoffice, inter, func(r *client.Register) { r.Address.PostalCode = "35111" }, nil, code("postal_code_format")},
		{"bad contact email", nil, backoffice, inter, func(r *client.Register) { r.Contact.Email = "els" }, nil, code("email_format")},
		{"landline as mobile", nil, backoffice, inter, func(r *client.Register) { r.ContactPersonal.Mobile = "030-1234567" }, nil, code("mobile_format")},
		{"no agreement date", nil, backoffice, inter, func(r *client.Register) { r.AgreementFrom = time.Time{} }, nil, code("required")},
		{"bad agreement", nil, backoffice, inter, func(r *client.Register) { r.Agreement.NormalHourType = "200" }, nil, code("normal_hour_type")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := registerCmd()
			if tt.edit != nil {
				tt.edit(&cmd)
			}
			domaintest.DecidePersonal(t, tt.given, func(c *client.Client) ([]domain.Event, client.ContactPersonalData, error) {
				return c.Register(tt.actor, tt.inter, cmd, now)
			}, tt.want, tt.wantErr, client.ContactPersonalData{Mobile: "+31612345678"})
		})
	}
}

func TestRegisteredEventHasNoMobile(t *testing.T) {
	c, _ := domain.Replay[client.Client]()
	evs, _, err := c.Register(backoffice, inter, registerCmd(), now)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := domain.Encode(evs[0])
	for _, s := range []string{"612345678", "mobile"} {
		if strings.Contains(string(b), s) {
			t.Fatalf("event contains %q: %s", s, b)
		}
	}
}

func TestAgreementNormalize(t *testing.T) {
	tests := []struct {
		name string
		edit func(*client.Agreement)
		code string
	}{
		{"ok", func(*client.Agreement) {}, ""},
		{"client enters, worker then intermediary", func(a *client.Agreement) {
			a.EnteredBy = domain.RoleClient
			a.ApprovalChain = []domain.Role{domain.RoleWorker, domain.RoleIntermediary}
		}, ""},
		{"client enters, intermediary only", func(a *client.Agreement) {
			a.EnteredBy = domain.RoleClient
			a.ApprovalChain = []domain.Role{domain.RoleIntermediary}
		}, ""},
		{"worker enters, client only", func(a *client.Agreement) { a.ApprovalChain = []domain.Role{domain.RoleClient} }, ""},
		{"no billing rates", func(a *client.Agreement) { a.BillingRates = nil }, ""},
		{"no hour types", func(a *client.Agreement) { a.HourTypes = nil }, "hour_types_required"},
		{"duplicate code", func(a *client.Agreement) { a.HourTypes[1].Code = " 100" }, "duplicate_hour_type"},
		{"duplicate code by case", func(a *client.Agreement) { a.HourTypes[1].Code = "nacht" }, "duplicate_hour_type"},
		{"bad code", func(a *client.Agreement) { a.HourTypes[1].Code = "OVER UREN" }, "hour_type_code"},
		{"empty code", func(a *client.Agreement) { a.HourTypes[1].Code = "" }, "required"},
		{"no name", func(a *client.Agreement) { a.HourTypes[1].Name = " " }, "required"},
		{"negative percentage", func(a *client.Agreement) { a.HourTypes[1].Percentage = -1 }, "percentage_range"},
		{"huge percentage", func(a *client.Agreement) { a.HourTypes[1].Percentage = 501 }, "percentage_range"},
		{"normal missing", func(a *client.Agreement) { a.NormalHourType = "" }, "normal_hour_type"},
		{"entered by intermediary", func(a *client.Agreement) { a.EnteredBy = domain.RoleIntermediary }, "entered_by"},
		{"empty chain", func(a *client.Agreement) { a.ApprovalChain = nil }, "approval_chain_length"},
		{"enterer approves", func(a *client.Agreement) { a.ApprovalChain = []domain.Role{domain.RoleWorker} }, "approval_chain_self"},
		{"enterer approves too", func(a *client.Agreement) {
			a.ApprovalChain = []domain.Role{domain.RoleClient, domain.RoleWorker}
		}, "approval_chain_self"},
		{"duplicate step", func(a *client.Agreement) {
			a.ApprovalChain = []domain.Role{domain.RoleClient, domain.RoleClient}
		}, "approval_chain_duplicate"},
		{"backoffice step", func(a *client.Agreement) { a.ApprovalChain = []domain.Role{domain.RoleBackoffice} }, "approval_chain_role"},
		{"intermediary first", func(a *client.Agreement) {
			a.ApprovalChain = []domain.Role{domain.RoleIntermediary, domain.RoleClient}
		}, "approval_chain_order"},
		{"negative allowance", func(a *client.Agreement) { a.Allowances.PerDayCents = -1 }, "allowance_range"},
		{"rate for unknown type", func(a *client.Agreement) { a.BillingRates = map[string]int64{"200": 1} }, "billing_rate_hour_type"},
		{"two rates for one type", func(a *client.Agreement) { a.BillingRates = map[string]int64{"nacht": 1, "NACHT": 2} }, "duplicate_hour_type"},
		{"negative rate", func(a *client.Agreement) { a.BillingRates = map[string]int64{"100": -5} }, "billing_rate_range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := agreement.Clone()
			tt.edit(&a)
			_, err := a.Normalize()
			var want *domain.Error
			if tt.code != "" {
				want = &domain.Error{Code: tt.code, Kind: domain.KindInvalid}
			}
			domaintest.WantError(t, err, want)
		})
	}
}

func TestAgreementHelpers(t *testing.T) {
	if h, ok := agreement.HourType("125"); !ok || h.Percentage != 125 {
		t.Error("HourType")
	}
	if next, ok := agreement.NextApprover(""); !ok || next != domain.RoleClient {
		t.Error("first approver")
	}
	if next, ok := agreement.NextApprover(domain.RoleClient); !ok || next != domain.RoleIntermediary {
		t.Error("second approver")
	}
	if _, ok := agreement.NextApprover(domain.RoleIntermediary); ok {
		t.Error("after last")
	}
	if _, ok := (client.Agreement{}).NextApprover(""); ok {
		t.Error("empty chain")
	}
	if !agreement.Approves(domain.RoleClient) || agreement.Approves(domain.RoleWorker) {
		t.Error("Approves")
	}
}

func TestChangeAgreement(t *testing.T) {
	changed := agreement.Clone()
	changed.ApprovalChain = []domain.Role{domain.RoleClient}
	changed.BillingRates["100"] = 3400
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		from    string
		a       client.Agreement
		want    []domain.Event
		wantErr error
	}{
		{"this week's monday", []domain.Event{registered}, backoffice, "2025-03-10", changed,
			[]domain.Event{&client.AgreementChanged{ClientID: "c-1", EffectiveFrom: day("2025-03-10"), Agreement: changed}}, nil},
		{"future monday", []domain.Event{registered}, backoffice, "2025-06-02", changed,
			[]domain.Event{&client.AgreementChanged{ClientID: "c-1", EffectiveFrom: day("2025-06-02"), Agreement: changed}}, nil},
		{"unchanged records nothing", []domain.Event{registered}, backoffice, "2025-03-17", agreement, nil, nil},
		{"not a monday", []domain.Event{registered}, backoffice, "2025-03-18", changed, nil, code("effective_from_monday")},
		{"last week", []domain.Event{registered}, backoffice, "2025-03-03", changed, nil, code("effective_from_past")},
		{"not after first agreement", []domain.Event{func() domain.Event {
			r := *registered
			r.AgreementFrom = day("2025-03-17")
			return &r
		}()}, backoffice, "2025-03-17", changed, nil, code("effective_from_before_start")},
		{"invalid agreement", []domain.Event{registered}, backoffice, "2025-03-17", client.Agreement{}, nil, code("hour_types_required")},
		{"by client", []domain.Event{registered}, domain.Actor{Role: domain.RoleClient, ClientID: "c-1"}, "2025-03-17", changed, nil, account.Forbidden},
		{"unknown client", nil, backoffice, "2025-03-17", changed, nil, domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			domaintest.Decide(t, tt.given, func(c *client.Client) ([]domain.Event, error) {
				return c.ChangeAgreement(tt.actor, day(tt.from), tt.a, now)
			}, tt.want, tt.wantErr)
		})
	}
}

func TestAgreementOn(t *testing.T) {
	v2 := agreement.Clone()
	v2.TimeRegistration = false
	v3 := agreement.Clone()
	v3.Allowances.PerDayCents = 300
	v3b := agreement.Clone()
	v3b.Allowances.PerDayCents = 350
	c, err := domain.Replay[client.Client](registered,
		&client.AgreementChanged{ClientID: "c-1", EffectiveFrom: day("2025-06-02"), Agreement: v3},
		&client.AgreementChanged{ClientID: "c-1", EffectiveFrom: day("2025-03-10"), Agreement: v2},
		&client.AgreementChanged{ClientID: "c-1", EffectiveFrom: day("2025-06-02"), Agreement: v3b}, // replaces v3
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		on   string
		want *client.Agreement
	}{
		{"2024-12-31", nil},
		{"2025-01-01", &agreement},
		{"2025-03-09", &agreement},
		{"2025-03-10", &v2},
		{"2025-06-01", &v2},
		{"2025-06-02", &v3b},
		{"2030-01-01", &v3b},
	}
	for _, tt := range tests {
		got, ok := c.AgreementOn(day(tt.on))
		if tt.want == nil {
			if ok {
				t.Errorf("%s: agreement found before the first", tt.on)
			}
			continue
		}
		if !ok || !reflect.DeepEqual(got, *tt.want) {
			t.Errorf("%s: got %+v", tt.on, got)
		}
	}
	// A time of day does not matter, and the result is a copy.
	got, _ := c.AgreementOn(time.Date(2025, 3, 10, 23, 59, 0, 0, time.UTC))
	got.BillingRates["100"] = 1
	got.HourTypes[0].Name = "x"
	again, _ := c.AgreementOn(day("2025-03-10"))
	if !reflect.DeepEqual(again, v2) {
		t.Error("AgreementOn leaks state")
	}
	if n := len(c.AgreementsFrom()); n != 3 {
		t.Errorf("AgreementsFrom has %d dates", n)
	}
	if !c.Exists() || c.IntermediaryID() != "i-1" || c.Name() == "" || c.KvK() != "12345678" ||
		c.Contact().Email != "els@korenaar.nl" || c.Address().City != "Utrecht" || client.Stream("c-1") != "client-c-1" {
		t.Error("state")
	}
	if _, err := domain.Replay[client.Client](&intermediary.Registered{}); err == nil {
		t.Error("foreign event applied")
	}
}

func TestEventsRoundTrip(t *testing.T) {
	samples := []domain.Event{registered, &client.AgreementChanged{ClientID: "c-1", EffectiveFrom: day("2025-03-10"), Agreement: agreement},
		detailsChanged}
	domaintest.RoundTrip(t, client.Events, samples...)
}

// TestChangeAgreementJudgesTheWeekInAmsterdam: shortly after Monday midnight
// in Amsterdam the UTC date is still Sunday; last week is closed all the same.
func TestChangeAgreementJudgesTheWeekInAmsterdam(t *testing.T) {
	c, err := domain.Replay[client.Client](registered)
	if err != nil {
		t.Fatal(err)
	}
	changed := agreement.Clone()
	changed.ApprovalChain = []domain.Role{domain.RoleClient}
	mondayNight := time.Date(2025, 3, 9, 23, 30, 0, 0, time.UTC) // Monday 10 March 00:30 in Amsterdam
	if _, err := c.ChangeAgreement(backoffice, day("2025-03-03"), changed, mondayNight); !errors.Is(err, code("effective_from_past")) {
		t.Fatalf("changing last week's agreement at Monday 00:30 Amsterdam: %v, want effective_from_past", err)
	}
}
