package document

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// Signer is what the command layer found out about the account asked to
// sign (from the account's stream).
type Signer struct {
	AccountID string
	Role      domain.Role
	ClientID  string
	Enabled   bool
}

// RequestSignature asks signer to sign (back office only). Invoices and
// ID copies are not signed; a signed document is final; an open request must be decided,
// expire or be blocked (openBlocked: too many wrong TANs, which the command
// layer counts) before it is replaced.
func (d *Document) RequestSignature(actor domain.Actor, requestID string, signer Signer, openBlocked bool, now time.Time) ([]domain.Event, error) {
	if !isStaff(actor) {
		return nil, Forbidden
	}
	if err := d.mustExist(); err != nil {
		return nil, err
	}
	if err := validate.ID("request_id", requestID); err != nil {
		return nil, err
	}
	if d.kind == KindInvoice {
		return nil, domain.Rule("invoice_not_signable", "", "An invoice cannot be signed.", "Een factuur kan niet worden ondertekend.")
	}
	if d.category == CategoryIDCopy {
		// The signer (a client user) may not open an ID copy, yet would
		// have to confirm having read it.
		return nil, domain.Rule("id_copy_not_signable", "",
			"A copy of an ID cannot be signed: the client may not open it.",
			"Een kopie ID-bewijs kan niet worden ondertekend: de opdrachtgever mag het niet openen.")
	}
	switch {
	case requestID == d.request.ID:
		// The TAN and its mail are keyed by request: a second request under
		// the same ID would get neither.
		return nil, domain.Conflict("signature_request_id_used", "This signature request ID has been used already.",
			"Deze identificatie van een verzoek tot ondertekening is al gebruikt.")
	case d.request.Status == RequestSigned && d.request.Version == d.version:
		// A new version of a signed document needs a new signature.
		return nil, domain.Conflict("already_signed", "The document has been signed already.", "Het document is al ondertekend.")
	case d.request.OpenAt(now) && !openBlocked:
		return nil, domain.Conflict("signature_request_open", "A signature request is still open for this document.",
			"Er staat al een verzoek tot ondertekening open voor dit document.")
	}
	if signer.AccountID == "" || signer.Role != domain.RoleClient || signer.ClientID != d.clientID || !signer.Enabled {
		return nil, domain.Rule("signer_not_client_user", "signer_account_id",
			"The signer must be an active user of the document's client.",
			"De ondertekenaar moet een actieve gebruiker van de opdrachtgever van het document zijn.")
	}
	return []domain.Event{&SignatureRequested{DocumentID: d.id, RequestID: requestID, SignerAccountID: signer.AccountID,
		ExpiresAt: now.Add(SignatureTTL).UTC().Truncate(time.Second), Version: d.version, SHA256: d.sha256}}, nil
}

// Decision is the signing screen's answer (the TAN is checked before).
type Decision struct {
	Remark        string
	ReadConfirmed bool // "ik heb het document gelezen": required to sign
	// ConsentSHA256 is the hash of the consent text shown (ConsentSHA256),
	// Client the signer's connection sealed by the command layer; both
	// optional, recorded as evidence.
	ConsentSHA256 string
	Client        *Sealed
}

// Sign is "Akkoord" on the open request, by its signer.
func (d *Document) Sign(actor domain.Actor, in Decision, now time.Time) ([]domain.Event, error) {
	remark, err := d.decide(actor, in, now)
	if err != nil {
		return nil, err
	}
	if !in.ReadConfirmed {
		return nil, domain.Invalid("read_not_confirmed", "read", "Confirm that you have read the document.",
			"Vink aan dat u het document heeft gelezen.")
	}
	ev, err := d.evidence(in)
	if err != nil {
		return nil, err
	}
	return []domain.Event{&Signed{DocumentID: d.id, RequestID: d.request.ID, Remark: remark, SHA256: d.request.SHA256, Evidence: ev}}, nil
}

// evidence checks what the answer records besides the remark.
func (d *Document) evidence(in Decision) (Evidence, error) {
	if err := checkHash(in.ConsentSHA256); err != nil {
		return Evidence{}, err
	}
	if err := checkSealed(in.Client, d.request.Signer); err != nil {
		return Evidence{}, err
	}
	return Evidence{Version: d.request.Version, ConsentSHA256: in.ConsentSHA256, Client: in.Client}, nil
}

// Decline is "Niet akkoord" on the open request, by its signer.
func (d *Document) Decline(actor domain.Actor, in Decision, now time.Time) ([]domain.Event, error) {
	remark, err := d.decide(actor, in, now)
	if err != nil {
		return nil, err
	}
	ev, err := d.evidence(in)
	if err != nil {
		return nil, err
	}
	return []domain.Event{&SignatureDeclined{DocumentID: d.id, RequestID: d.request.ID, Remark: remark, SHA256: d.request.SHA256, Evidence: ev}}, nil
}

// ErrNoOpenRequest: nothing to sign (never asked, decided, or expired).
var ErrNoOpenRequest = domain.Rule("no_open_signature_request", "",
	"There is no open signature request for this document.",
	"Er staat geen verzoek tot ondertekening open voor dit document.")

// ErrRequestSuperseded: a new version was offered after the request.
var ErrRequestSuperseded = domain.Rule("signature_request_superseded", "",
	"A new version of the document was offered; this request no longer applies. Backofficebureau asks again for the new version.",
	"Er is een nieuwe versie van het document aangeboden; dit verzoek geldt niet meer. Backofficebureau vraagt opnieuw om ondertekening van de nieuwe versie.")

// OpenSigning records that the signer opened the signing screen of the
// open request. Nothing is recorded (and no error returned) when the actor
// may not answer it now or MaxOpenings were recorded: the screen explains
// itself, the evidence only counts real openings.
func (d *Document) OpenSigning(actor domain.Actor, client *Sealed, now time.Time) ([]domain.Event, error) {
	if d.CanDecide(actor, now) != nil || d.request.Openings >= MaxOpenings {
		return nil, nil
	}
	if err := checkSealed(client, d.request.Signer); err != nil {
		return nil, err
	}
	return []domain.Event{&SigningOpened{DocumentID: d.id, RequestID: d.request.ID, Version: d.request.Version, Client: client}}, nil
}

// RejectTAN records a wrong TAN on request requestID (counted by the
// command layer: attempt is the count, blocked whether it blocked the
// request). Only the request's signer, and only the latest request.
func (d *Document) RejectTAN(actor domain.Actor, requestID string, attempt int, blocked bool, client *Sealed) ([]domain.Event, error) {
	if err := d.mustExist(); err != nil {
		return nil, err
	}
	if requestID == "" || requestID != d.request.ID {
		return nil, ErrNoOpenRequest
	}
	if actor.AccountID == "" || actor.AccountID != d.request.Signer {
		return nil, Forbidden
	}
	if attempt < 1 || attempt > 1000 {
		return nil, errEvidenceInvalid
	}
	if err := checkSealed(client, d.request.Signer); err != nil {
		return nil, err
	}
	return []domain.Event{&TANRejected{DocumentID: d.id, RequestID: requestID, Attempt: attempt, Blocked: blocked, Client: client}}, nil
}

// CanDecide reports whether actor may sign or decline now: the check
// Sign and Decline start with, without the form.
func (d *Document) CanDecide(actor domain.Actor, now time.Time) error {
	if err := d.mustExist(); err != nil {
		return err
	}
	switch {
	case d.request.ID == "":
		return ErrNoOpenRequest
	case actor.AccountID == "" || actor.AccountID != d.request.Signer:
		return Forbidden
	case d.request.Status == RequestSuperseded:
		return ErrRequestSuperseded
	case d.request.Status != RequestOpen:
		return ErrNoOpenRequest
	}
	if !d.request.OpenAt(now) {
		return domain.Rule("signature_request_expired", "", "The signature request has expired; ask the back office for a new one.",
			"Het verzoek tot ondertekening is verlopen; vraag Backofficebureau om een nieuw verzoek.")
	}
	return nil
}

func (d *Document) decide(actor domain.Actor, in Decision, now time.Time) (string, error) {
	if err := d.CanDecide(actor, now); err != nil {
		return "", err
	}
	return validate.OptionalText("remark", in.Remark, MaxRemark)
}
