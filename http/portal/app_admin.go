package portal

import (
	"context"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	rmid "backoffice/readmodel/identity"
	"backoffice/readmodel/paging"
)

// adminApp is the back office's management screens ("Beheer"):
// intermediaries, clients with their agreements and users, and the
// integration tokens. It calls the identity commands and read-model
// queries the JSON API calls (identityapi); every call checks the role
// again here, so a page that forgot its gate still shows nothing: the
// commands refuse anyone but the back office too.
type adminApp struct {
	registration *identity.Registration
	tenants      *identity.Tenants
	accounts     *identity.Accounts
	tokens       *identity.Tokens
	queries      *rmid.Queries
}

// errNoAdmin is what anyone but the back office gets: the screens do not
// exist for them.
var errNoAdmin = domain.NotFound("page_not_found", "This page does not exist.", "Deze pagina bestaat niet.")

// mayAdmin: the management screens are the back office's (RoleBackoffice;
// the system actor has no portal login).
func mayAdmin(a domain.Actor) bool { return a.Is(domain.RoleBackoffice) }

// Intermediaries lists every intermediary.
func (x *adminApp) Intermediaries(ctx context.Context, a domain.Actor) ([]rmid.Intermediary, error) {
	if !mayAdmin(a) {
		return nil, errNoAdmin
	}
	return x.queries.Intermediaries(ctx, a)
}

// IntermediariesPage is one page of the intermediaries, by name, and the
// next page's cursor.
func (x *adminApp) IntermediariesPage(ctx context.Context, a domain.Actor, page paging.Request) ([]rmid.Intermediary, string, error) {
	if !mayAdmin(a) {
		return nil, "", errNoAdmin
	}
	p, err := x.queries.IntermediariesPage(ctx, a, page)
	return p.Items, p.NextCursor, err
}

// Intermediary is one intermediary.
func (x *adminApp) Intermediary(ctx context.Context, a domain.Actor, id string) (rmid.Intermediary, error) {
	if !mayAdmin(a) {
		return rmid.Intermediary{}, errNoAdmin
	}
	return x.queries.Intermediary(ctx, a, id)
}

// IntermediaryInput is the intermediary form.
type IntermediaryInput struct {
	Name, KvK string
	Contact   intermediary.Contact
	Language  string
}

// RegisterIntermediary: identity.RegisterIntermediary (the contact's login
// and activation mail with it).
func (x *adminApp) RegisterIntermediary(ctx context.Context, m commands.Meta, in IntermediaryInput) (commands.Result, string, error) {
	res, reg, err := x.registration.RegisterIntermediary(ctx, m, identity.RegisterIntermediary{
		Name: in.Name, KvK: in.KvK, Contact: in.Contact, Language: in.Language,
	})
	return res, reg.ID, err
}

// ChangeIntermediaryContact: identity.ChangeIntermediaryContact.
func (x *adminApp) ChangeIntermediaryContact(ctx context.Context, m commands.Meta, id string, in IntermediaryInput) (commands.Result, error) {
	return x.registration.ChangeIntermediaryContact(ctx, m, id, in.Contact, in.Language)
}

// AdminClient is a client as the list shows it, with its intermediary's
// name.
type AdminClient struct {
	rmid.Client
	IntermediaryName string
}

// ClientsPage is one page of the clients, by name, each with its
// intermediary's name, and the next page's cursor.
func (x *adminApp) ClientsPage(ctx context.Context, a domain.Actor, page paging.Request) ([]AdminClient, string, error) {
	if !mayAdmin(a) {
		return nil, "", errNoAdmin
	}
	cs, err := x.queries.ClientsPage(ctx, a, page)
	if err != nil {
		return nil, "", err
	}
	names, err := x.intermediaryNames(ctx, a)
	if err != nil {
		return nil, "", err
	}
	out := make([]AdminClient, len(cs.Items))
	for i, c := range cs.Items {
		out[i] = AdminClient{Client: c, IntermediaryName: names[c.IntermediaryID]}
	}
	return out, cs.NextCursor, nil
}

func (x *adminApp) intermediaryNames(ctx context.Context, a domain.Actor) (map[string]string, error) {
	is, err := x.queries.Intermediaries(ctx, a)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(is))
	for _, i := range is {
		names[i.ID] = i.Name
	}
	return names, nil
}

// ClientDetail is the client's page: its data, every agreement version
// and every login.
type ClientDetail struct {
	AdminClient
	Versions []rmid.Agreement
	Users    []rmid.Account
}

// Client reads a client's page.
func (x *adminApp) Client(ctx context.Context, a domain.Actor, id string) (ClientDetail, error) {
	if !mayAdmin(a) {
		return ClientDetail{}, errNoAdmin
	}
	c, err := x.queries.Client(ctx, a, id)
	if err != nil {
		return ClientDetail{}, err
	}
	d := ClientDetail{AdminClient: AdminClient{Client: c}}
	if i, err := x.queries.Intermediary(ctx, a, c.IntermediaryID); err == nil {
		d.IntermediaryName = i.Name
	}
	if d.Versions, err = x.queries.AgreementVersions(ctx, a, id); err != nil {
		return ClientDetail{}, err
	}
	if d.Users, err = x.queries.ClientAccounts(ctx, a, id); err != nil {
		return ClientDetail{}, err
	}
	return d, nil
}

// ClientInput is the new-client form.
type ClientInput struct {
	IntermediaryID string
	Name, KvK      string
	Address        client.Address
	Contact        client.Contact
	Mobile         string
	Language       string
	From           time.Time
	Agreement      client.Agreement
}

// RegisterClient: identity.RegisterClient.
func (x *adminApp) RegisterClient(ctx context.Context, m commands.Meta, in ClientInput) (commands.Result, string, error) {
	res, reg, err := x.registration.RegisterClient(ctx, m, identity.RegisterClient{
		IntermediaryID: in.IntermediaryID, Name: in.Name, KvK: in.KvK, Address: in.Address,
		Contact: in.Contact, ContactPersonal: client.ContactPersonalData{Mobile: in.Mobile},
		AgreementFrom: in.From, Agreement: in.Agreement, Language: in.Language,
	})
	return res, reg.ID, err
}

// ChangeAgreement: identity.ChangeAgreement (a new version from a Monday).
func (x *adminApp) ChangeAgreement(ctx context.Context, m commands.Meta, clientID string, from time.Time, ag client.Agreement) (commands.Result, error) {
	return x.tenants.ChangeAgreement(ctx, m, clientID, from, ag)
}

// InviteClientUser: identity.InviteClientUser (the activation mail as for
// every new login).
func (x *adminApp) InviteClientUser(ctx context.Context, m commands.Meta, clientID, email, lang string) (commands.Result, error) {
	res, _, err := x.registration.InviteClientUser(ctx, m, identity.InviteClientUser{ClientID: clientID, Email: email, Language: lang})
	return res, err
}

// DisableClientUser: identity.DisableAccount, for a login of this client
// only.
func (x *adminApp) DisableClientUser(ctx context.Context, m commands.Meta, clientID, accountID string) (commands.Result, error) {
	return x.accounts.DisableAccount(ctx, m, identity.DisableAccount{AccountID: accountID, ClientID: clientID})
}

// Tokens lists the integration tokens (never their secrets).
func (x *adminApp) Tokens(ctx context.Context, a domain.Actor) ([]auth.APIToken, error) {
	if !mayAdmin(a) {
		return nil, errNoAdmin
	}
	return x.tokens.Tokens(ctx, a)
}

// CreateToken: identity.CreateToken; the secret is in the answer, once.
func (x *adminApp) CreateToken(ctx context.Context, m commands.Meta, role domain.Role, label string) (commands.Result, identity.TokenCreated, error) {
	if !account.IsStaff(m.Actor) {
		return commands.Result{}, identity.TokenCreated{}, errNoAdmin
	}
	return x.tokens.CreateToken(ctx, m, role, label)
}

// RevokeToken: identity.RevokeToken.
func (x *adminApp) RevokeToken(ctx context.Context, m commands.Meta, id string) (commands.Result, error) {
	return x.tokens.RevokeToken(ctx, m, id)
}

// ChangeClientDetails: identity.ChangeClientDetails (name, KvK number,
// address, contact person).
func (x *adminApp) ChangeClientDetails(ctx context.Context, m commands.Meta, clientID string, in ClientInput) (commands.Result, error) {
	return x.registration.ChangeClientDetails(ctx, m, clientID,
		client.Details{Name: in.Name, KvK: in.KvK, Address: in.Address, Contact: in.Contact}, in.Language)
}

// EnableClientUser: identity.EnableAccount, for a login of this client
// only.
func (x *adminApp) EnableClientUser(ctx context.Context, m commands.Meta, clientID, accountID string) (commands.Result, error) {
	return x.accounts.EnableAccount(ctx, m, identity.DisableAccount{AccountID: accountID, ClientID: clientID})
}
