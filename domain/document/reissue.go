package document

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// MaxTANReissues is how many codes of one document may be blocked (5 wrong
// TANs each) and simply asked again. After that every new request needs a
// back-office decision with a reason, recorded in the event: 4 letters are
// only 23^4 codes, and an unlimited "ask again" would let whoever holds the
// signer's login guess on.
const MaxTANReissues = 3

// ErrTANReissueLimit refuses a new request without a reason once
// MaxTANReissues codes of the document were blocked.
var ErrTANReissueLimit = domain.Rule("tan_reissue_limit", "reason",
	"The verification code of this document was blocked 3 times already. A new signature request needs a reason (a back-office decision).",
	"De verificatiecode van dit document is al 3 keer geblokkeerd. Een nieuw verzoek tot ondertekening vraagt een reden (beslissing van de backoffice).")

// ReissueReason checks the reason of a new signature request given how many
// of the document's codes were blocked: none is needed (and none kept)
// before MaxTANReissues, one is required from then on.
func ReissueReason(blockedCodes int, reason string) (string, error) {
	if blockedCodes < MaxTANReissues {
		return "", nil
	}
	r, err := validate.OptionalText("reason", reason, 500)
	if err != nil {
		return "", err
	}
	if r == "" {
		return "", ErrTANReissueLimit
	}
	return r, nil
}

// RequestSignatureAfterBlocks is RequestSignature knowing how many of the
// document's codes were blocked (the command layer counts them): from
// MaxTANReissues on, reason is required and recorded in the event.
func (d *Document) RequestSignatureAfterBlocks(actor domain.Actor, requestID string, signer Signer, openBlocked bool,
	blockedCodes int, reason string, now time.Time) ([]domain.Event, error) {
	evs, err := d.RequestSignature(actor, requestID, signer, openBlocked, now)
	if err != nil {
		return nil, err
	}
	r, err := ReissueReason(blockedCodes, reason)
	if err != nil {
		return nil, err
	}
	evs[0].(*SignatureRequested).ReissueReason = r
	return evs, nil
}
