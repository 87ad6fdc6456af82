package document

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// TANChannel is how a request's TAN reached the signer. Stored: never rename.
type TANChannel string

const (
	// ChannelSMS: by SMS to the signer's mobile number (manual §5.1).
	ChannelSMS TANChannel = "sms"
	// ChannelEmail: in the signing mail itself, as the manual allows.
	ChannelEmail TANChannel = "email"
)

// TypeTANIssued names TANIssued.
//
// WARNING: stored with every event forever; never rename.
const TypeTANIssued = "document.tan_issued"

// TANIssued: the TAN of request RequestID was sent (signing evidence,
// issue 14). The TAN itself never enters an event; the address only
// masked ("+31 6 ••• ••78", "j•••@example.nl"), so the event says where the
// code went without holding personal data. An event without Channel (none
// is written so) reads as ChannelEmail, the only channel before SMS.
type TANIssued struct {
	DocumentID    string     `json:"document_id"`
	RequestID     string     `json:"request_id"`
	Channel       TANChannel `json:"channel,omitempty"`
	MaskedAddress string     `json:"masked_address,omitempty"`
}

func (*TANIssued) EventType() string { return TypeTANIssued }

// IssueTAN records that the TAN of the latest request requestID went by
// channel to address (the full E.164 number or e-mail address, validated
// here; only its mask is recorded). The application issues it (system or
// staff), once per request. The request need not be open any more: the
// code was sent all the same (a new version, an expiry or an answer may
// come first when the mailer lags), and the evidence says so.
func (d *Document) IssueTAN(actor domain.Actor, requestID string, channel TANChannel, address string, now time.Time) ([]domain.Event, error) {
	if !isStaff(actor) {
		return nil, Forbidden
	}
	if err := d.mustExist(); err != nil {
		return nil, err
	}
	if requestID == "" || requestID != d.request.ID {
		return nil, ErrNoOpenRequest
	}
	if d.request.TANIssued {
		return nil, domain.Conflict("tan_issued", "The verification code of this request was issued already.",
			"De verificatiecode van dit verzoek is al verstuurd.")
	}
	var masked string
	switch channel {
	case ChannelSMS:
		n, err := validate.NormalizeMobile("address", address)
		if err != nil {
			return nil, err
		}
		masked = MaskMobile(n)
	case ChannelEmail:
		e, err := validate.NormalizeEmail("address", address)
		if err != nil {
			return nil, err
		}
		masked = MaskEmail(e)
	default:
		return nil, domain.Invalid("tan_channel", "channel", "The channel must be sms or email.", "Het kanaal moet sms of e-mail zijn.")
	}
	return []domain.Event{&TANIssued{DocumentID: d.id, RequestID: requestID, Channel: channel, MaskedAddress: masked}}, nil
}

// MaskMobile is validate.MaskMobile: "+31 6 ••• ••78".
func MaskMobile(e164 string) string { return validate.MaskMobile(e164) }

// MaskEmail is validate.MaskEmail: "j•••@example.nl".
func MaskEmail(addr string) string { return validate.MaskEmail(addr) }

func (d *Document) applyTANIssued(e *TANIssued) {
	if d.request.ID != e.RequestID {
		return
	}
	d.request.TANIssued, d.request.TANChannel = true, e.Channel
	if e.Channel == "" {
		d.request.TANChannel = ChannelEmail
	}
}
