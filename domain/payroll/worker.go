package payroll

import (
	"fmt"
	"maps"
	"strings"

	"backoffice/domain"
	"backoffice/domain/account"
)

// Worker is a worker's personnel numbers per employer administration.
type Worker struct {
	numbers map[string]string // administration → persnr
}

// Apply folds one event; an event of another aggregate is an error.
func (w *Worker) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *PersonnelNumberSet:
		if w.numbers == nil {
			w.numbers = map[string]string{}
		}
		w.numbers[e.Administration] = e.PersonnelNumber
	default:
		return fmt.Errorf("payroll: worker: unexpected event %s", e.EventType())
	}
	return nil
}

// PersonnelNumber is the worker's persnr in an administration.
func (w *Worker) PersonnelNumber(administration string) (string, bool) {
	n, ok := w.numbers[administration]
	return n, ok
}

// PersonnelNumbers are all the worker's numbers by administration.
func (w *Worker) PersonnelNumbers() map[string]string { return maps.Clone(w.numbers) }

// SetPersonnelNumber records the worker's persnr in an administration:
// 1 to 20 letters, digits, - or _ (Loket and Nmbrs take numbers; Easyflex
// registration numbers). Back office only; the command checks the worker
// exists.
func (w *Worker) SetPersonnelNumber(actor domain.Actor, workerID, administration, persnr string) ([]domain.Event, error) {
	if !account.IsStaff(actor) {
		return nil, account.Forbidden
	}
	administration, persnr = strings.TrimSpace(administration), strings.TrimSpace(persnr)
	if !codeChars(administration, 20, false) {
		return nil, domain.Invalid("administration_invalid", "administration",
			"the administration is 1 to 20 letters, digits, - or _", "De administratie is 1 tot 20 letters, cijfers, - of _.")
	}
	if !codeChars(persnr, 20, false) {
		return nil, domain.Invalid("personnel_number_invalid", "personnel_number",
			"the personnel number is 1 to 20 letters, digits, - or _", "Het personeelsnummer is 1 tot 20 letters, cijfers, - of _.")
	}
	if cur, ok := w.PersonnelNumber(administration); ok && cur == persnr {
		return nil, nil
	}
	e := &PersonnelNumberSet{WorkerID: workerID, Administration: administration, PersonnelNumber: persnr}
	return []domain.Event{e}, w.Apply(e)
}
