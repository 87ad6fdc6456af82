package worker

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/validate"
)

// Register is the command behind "nieuwe werknemer inschrijven".
type Register struct {
	WorkerID     string
	Name         Name
	Email        string
	Function     string
	PersonalData PersonalData
	// Start is the first working day: the minimum age applies on it.
	Start time.Time
}

// Register records a new worker for a client (loaded by the caller) and
// returns the normalized personal data for the personal-data table; the
// event does not contain it.
//
// Who: a client user for their own company, or the back office. Another
// client's user gets not-found; intermediaries, workers and tokens are
// forbidden (the portal's registration is the client's screen).
//
// Rules: a name (first and last), a valid e-mail, a function; valid personal
// data (see PersonalData.Normalize); the worker is at least MinimumAge on
// Start.
func (w *Worker) Register(actor domain.Actor, c *client.Client, cmd Register, now time.Time) ([]domain.Event, PersonalData, error) {
	var none PersonalData
	switch {
	case account.IsStaff(actor):
		if c == nil || !c.Exists() {
			return nil, none, domain.ErrNotFound
		}
	case actor.Role == domain.RoleClient:
		if c == nil || !c.Exists() || actor.ClientID == "" || actor.ClientID != c.ID() {
			return nil, none, domain.ErrNotFound
		}
	default:
		return nil, none, account.Forbidden
	}
	if err := validate.NewID("worker_id", cmd.WorkerID, w.registered, errExists); err != nil {
		return nil, none, err
	}
	name, email, function, personal, err := cmd.check(validate.Today(now))
	if err != nil {
		return nil, none, err
	}
	return []domain.Event{&Registered{
		WorkerID: cmd.WorkerID,
		ClientID: c.ID(),
		Name:     name,
		Email:    email,
		Function: function,
	}}, personal, nil
}

var errExists = domain.Conflict("worker_exists",
	"The worker is already registered.",
	"De werknemer is al ingeschreven.")

// Check reports every wrong field of the command at once (nil when all are
// right): what Register refuses before it looks at who asks and what
// exists, so a form can show each error at its input in one go. today is
// validate.Today(now).
func (cmd Register) Check(today time.Time) error {
	_, _, _, _, err := cmd.check(today)
	return err
}

// check validates and normalizes every field; the error holds one
// *domain.Error per wrong field (errors.Join when more than one).
func (cmd Register) check(today time.Time) (name Name, email, function string, personal PersonalData, err error) {
	var errs fieldErrors
	name.First, err = validate.Text("name.first", cmd.Name.First, 60)
	errs.add(err)
	name.Infix, err = validate.OptionalText("name.infix", cmd.Name.Infix, 20)
	errs.add(err)
	name.Last, err = validate.Text("name.last", cmd.Name.Last, 80)
	errs.add(err)
	email, err = validate.NormalizeEmail("email", cmd.Email)
	errs.add(err)
	function, err = validate.Text("function", cmd.Function, 80)
	errs.add(err)
	// The order of the checks is the order of the API's first error (its
	// code and field), as before every field was reported.
	personal, perr := cmd.PersonalData.Normalize(today)
	errs.add(perr)
	start, err := validate.Date("start", cmd.Start)
	errs.add(err)
	if perr == nil && err == nil && validate.YearsBetween(personal.DateOfBirth, start) < MinimumAge {
		errs.add(domain.Rule("worker_too_young", "date_of_birth",
			"The worker must be at least 15 years old on the first working day.",
			"De werknemer moet op de eerste werkdag minstens 15 jaar oud zijn."))
	}
	return name, email, function, personal, errs.err()
}
