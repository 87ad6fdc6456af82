package account

import (
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// TypeMobileChanged names MobileChanged.
//
// WARNING: stored with every event forever; never rename.
const TypeMobileChanged = "account.mobile_changed"

// MobileChanged: the mobile number the account's signing codes go to by SMS
// was set (MaskedMobile, "+31 6 ••• ••78") or removed (empty). The number
// itself is personal data, kept encrypted outside the ledger; the event is
// the audit trail of who redirected the codes, and when.
type MobileChanged struct {
	AccountID    string `json:"account_id"`
	MaskedMobile string `json:"masked_mobile,omitempty"`
}

func (*MobileChanged) EventType() string { return TypeMobileChanged }

// ChangeMobile validates a new mobile number for the account (the account
// itself or staff; "" removes it) and returns the event and the number in
// E.164 for the command layer to store encrypted.
func (a *Account) ChangeMobile(actor domain.Actor, mobile string, now time.Time) ([]domain.Event, string, error) {
	if err := a.mustExist(); err != nil {
		return nil, "", err
	}
	if !IsStaff(actor) && (actor.AccountID == "" || actor.AccountID != a.id) {
		return nil, "", Forbidden
	}
	if strings.TrimSpace(mobile) == "" {
		return []domain.Event{&MobileChanged{AccountID: a.id}}, "", nil
	}
	n, err := validate.NormalizeMobile("mobile", mobile)
	if err != nil {
		return nil, "", err
	}
	return []domain.Event{&MobileChanged{AccountID: a.id, MaskedMobile: validate.MaskMobile(n)}}, n, nil
}
