// Package demo seeds the demo data `make run` shows: a back-office user, an
// intermediary, two clients with different agreements (one with time
// registration and a two-step approval chain) and ten workers, each with a
// login whose password is set directly (demo only) and printed.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	"backoffice/domain/validate"
	"backoffice/domain/worker"
)

// Password is the password of every demo account. DEMO ONLY.
const Password = "demo-wachtwoord"

// Login is one demo account.
type Login struct {
	Role, Name, Email, Password string
}

// Fixed IDs make seeding idempotent: a second run finds everything and
// changes nothing.
const (
	IntermediaryID = "demo-flexwerk"
	ClientBakery   = "demo-korenschoof" // time registration, worker enters, client then intermediary approve
	ClientGarden   = "demo-groeneblad"  // client enters, intermediary approves
	BackofficeMail = "beheer@backoffice.example.nl"
)

type demoWorker struct {
	first, infix, last, function string
	clientID                     string
}

var workers = []demoWorker{
	{"Jan", "van der", "Berg", "Bakker", ClientBakery},
	{"Fatima", "", "El Amrani", "Banketbakker", ClientBakery},
	{"Pieter", "de", "Jong", "Broodbakker", ClientBakery},
	{"Sanne", "", "Visser", "Verkoopmedewerker", ClientBakery},
	{"Mehmet", "", "Yılmaz", "Chauffeur", ClientBakery},
	{"Lotte", "", "Smit", "Inpakker", ClientBakery},
	{"Daan", "", "Mulder", "Hovenier", ClientGarden},
	{"Eva", "van", "Dijk", "Kassamedewerker", ClientGarden},
	{"Kofi", "", "Mensah", "Magazijnmedewerker", ClientGarden},
	{"Iris", "", "Bos", "Plantenverzorger", ClientGarden},
}

// Seed registers the demo data through the normal commands (as the system
// actor), sets the demo passwords and prints the logins to out. Running it
// again changes nothing.
func Seed(ctx context.Context, svc *identity.Handlers, now time.Time, out io.Writer) ([]Login, error) {
	meta := commands.Meta{Actor: identity.System, CorrelationID: "demo-seed", IdempotencyKey: "demo-seed"}
	var logins []Login
	if _, _, err := svc.Activation.BootstrapBackoffice(ctx, BackofficeMail, Password); err != nil {
		return nil, fmt.Errorf("demo: back-office user: %w", err)
	}
	logins = append(logins, Login{"backoffice", "Beheerder", BackofficeMail, Password})

	const interMail = "anna@flexwerk.example.nl"
	_, _, err := svc.Registration.RegisterIntermediary(ctx, meta, identity.RegisterIntermediary{
		ID: IntermediaryID, Name: "Flexwerk Uitzendbureau B.V.", KvK: "12345678",
		Contact: intermediary.Contact{Name: "Anna de Vries", Email: interMail},
	})
	if err := skipExisting(err); err != nil {
		return nil, fmt.Errorf("demo: intermediary: %w", err)
	}
	logins = append(logins, Login{"intermediary", "Anna de Vries (Flexwerk)", interMail, Password})

	hourTypes := []client.HourType{
		{Code: "100", Name: "Normale uren", Percentage: 100},
		{Code: "125", Name: "Overuren 125%", Percentage: 125},
		{Code: "150", Name: "Overuren 150%", Percentage: 150},
		{Code: "VAK", Name: "Vakantie-uren", Percentage: 100, Absence: true},
	}
	agreementFrom := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	clients := []struct {
		id, name, kvk, contact, email string
		addr                          client.Address
		agreement                     client.Agreement
	}{
		{ClientBakery, "Bakkerij De Korenschoof B.V.", "23456789", "Kees Bakker", "kees@korenschoof.example.nl",
			client.Address{Street: "Molenstraat", HouseNumber: "4", PostalCode: "3512 AB", City: "Utrecht"},
			client.Agreement{HourTypes: hourTypes, NormalHourType: "100", EnteredBy: domain.RoleWorker,
				ApprovalChain:    []domain.Role{domain.RoleClient, domain.RoleIntermediary},
				TimeRegistration: true, Allowances: client.Allowances{PerDayCents: 350},
				BillingRates: map[string]int64{"100": 3250, "125": 4065, "150": 4875}}},
		{ClientGarden, "Tuincentrum Het Groene Blad", "34567890", "Marieke Groen", "marieke@groeneblad.example.nl",
			client.Address{Street: "Kwekerijweg", HouseNumber: "17", PostalCode: "2675 KL", City: "Honselersdijk"},
			client.Agreement{HourTypes: hourTypes[:2], NormalHourType: "100", EnteredBy: domain.RoleClient,
				ApprovalChain: []domain.Role{domain.RoleIntermediary},
				Allowances:    client.Allowances{PerHourCents: 15}}},
	}
	for i, c := range clients {
		_, _, err := svc.Registration.RegisterClient(ctx, meta, identity.RegisterClient{
			ID: c.id, IntermediaryID: IntermediaryID, Name: c.name, KvK: c.kvk, Address: c.addr,
			Contact:         client.Contact{Name: c.contact, Email: c.email},
			ContactPersonal: client.ContactPersonalData{Mobile: "06" + strconv.Itoa(20000001+i)},
			AgreementFrom:   agreementFrom, Agreement: c.agreement,
		})
		if err := skipExisting(err); err != nil {
			return nil, fmt.Errorf("demo: client %s: %w", c.id, err)
		}
		logins = append(logins, Login{"client", c.contact + " (" + c.name + ")", c.email, Password})
	}

	// Workers start on a Monday some weeks back, so there are weeks to fill in.
	today := validate.Today(now)
	monday := today.AddDate(0, 0, -((int(today.Weekday())+6)%7)-7*8)
	for i, w := range workers {
		n := i + 1
		email := workerEmail(w)
		_, _, err := svc.Registration.RegisterWorker(ctx, meta, identity.RegisterWorker{
			ClientID: w.clientID, WorkerID: workerID(n), PlacementID: placementID(n),
			Name:  worker.Name{First: w.first, Infix: w.infix, Last: w.last},
			Email: email, Function: w.function,
			PersonalData: worker.PersonalData{
				BSN: bsn(n), IBAN: ibanNL("INGB", fmt.Sprintf("%010d", 6543210+n*1111)),
				DateOfBirth: time.Date(1975+2*n, time.Month(1+n%12), 1+n, 0, 0, 0, 0, time.UTC),
				Address:     worker.Address{Street: "Kerkstraat", HouseNumber: strconv.Itoa(n), PostalCode: "3511 AB", City: "Utrecht"},
				Mobile:      "06" + strconv.Itoa(30000000+n),
			},
			Start: monday.AddDate(0, 0, 7*(i%3)),
		})
		if err := skipExisting(err); err != nil {
			return nil, fmt.Errorf("demo: worker %d: %w", n, err)
		}
		logins = append(logins, Login{"worker", worker.Name{First: w.first, Infix: w.infix, Last: w.last}.Full(), email, Password})
	}

	for _, l := range logins {
		acc, err := svc.Auth.AccountByEmail(ctx, l.Email)
		if err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", l.Email, err)
		}
		if err := svc.Activation.DemoSetPassword(ctx, acc.AccountID, l.Password); err != nil {
			return nil, fmt.Errorf("demo: password of %s: %w", l.Email, err)
		}
	}
	if out != nil {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "Demo logins (DEMO ONLY):")
		fmt.Fprintln(tw, "ROLE\tNAME\tE-MAIL\tPASSWORD")
		for _, l := range logins {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Role, l.Name, l.Email, l.Password)
		}
		if err := tw.Flush(); err != nil {
			return nil, err
		}
	}
	return logins, nil
}

// workerID and placementID are demo worker n's (1..10) fixed IDs.
func workerID(n int) string    { return fmt.Sprintf("demo-worker-%02d", n) }
func placementID(n int) string { return fmt.Sprintf("demo-placement-%02d", n) }

// workerEmail is a demo worker's login.
func workerEmail(w demoWorker) string {
	return fmt.Sprintf("%s.%s@example.nl", lowerASCII(w.first), lowerASCII(w.last))
}

// skipExisting treats "already registered" as success: the seed ran before.
func skipExisting(err error) error {
	for _, code := range []string{"intermediary_exists", "client_exists", "worker_exists"} {
		if errors.Is(err, &domain.Error{Code: code}) {
			return nil
		}
	}
	return err
}

// bsn returns the n-th valid (11-proef) BSN of a fixed demo range.
func bsn(n int) string {
	for c := 900000000 + n*1000; ; c++ {
		s := strconv.Itoa(c)
		if validate.BSN(s) == nil {
			return s
		}
	}
}

// ibanNL builds a valid Dutch IBAN from a bank code and 10 digits.
func ibanNL(bank, account string) string {
	bban := bank + account
	// Move "NL00" to the end, letters to numbers, and compute 98 - mod 97.
	rearranged := bban + "NL00"
	r := 0
	for i := 0; i < len(rearranged); i++ {
		c := rearranged[i]
		if c >= '0' && c <= '9' {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A'+10)) % 97
		}
	}
	return fmt.Sprintf("NL%02d%s", 98-r, bban)
}

func lowerASCII(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			b = append(b, byte(r-'A'+'a'))
		case r >= 'a' && r <= 'z':
			b = append(b, byte(r))
		case r == 'ı':
			b = append(b, 'i')
		}
	}
	return string(b)
}
