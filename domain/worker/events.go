package worker

import "backoffice/domain"

// Stored event type names.
//
// WARNING: these strings are stored with every event forever. Never rename
// one; add a new event type instead.
const (
	TypeRegistered = "worker.registered"
)

// Events is the registry of this package's event payloads.
var Events = domain.NewRegistry(&Registered{})

// Name is a Dutch-style person name: "Jan", "van der", "Berg".
type Name struct {
	First string `json:"first"`
	Infix string `json:"infix,omitempty"` // tussenvoegsel
	Last  string `json:"last"`
}

// Full returns "Jan van der Berg".
func (n Name) Full() string {
	s := n.First
	for _, p := range []string{n.Infix, n.Last} {
		if p != "" {
			if s != "" {
				s += " "
			}
			s += p
		}
	}
	return s
}

// Registered: a worker was registered by (or for) a client. It carries no
// personal data beyond name and e-mail (see the package doc); the worker ID
// is the key of the personal-data record.
type Registered struct {
	WorkerID string `json:"worker_id"`
	ClientID string `json:"client_id"` // the client that registered the worker
	Name     Name   `json:"name"`
	Email    string `json:"email"`
	Function string `json:"function"`
}

func (*Registered) EventType() string { return TypeRegistered }
