package portal

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/notify/mail"
	"backoffice/notify/queue"
	"backoffice/readmodel/paging"
)

// "Mislukte berichten": the back office follows the mails and text
// messages that gave up (GET /api/v1/mail-deliveries/failed and
// /sms-deliveries/failed as a page) and queues a mail again (POST
// /api/v1/mail-deliveries/{id}/retry). Like the API it never shows a
// message's text: a mail may hold a single-use link, a text a TAN; a
// text's number is masked. Everyone else gets 404.

func init() { pageNames = append(pageNames, "deliveries") }

const deliveriesPath = "/berichten/mislukt"

// Deliveries are the queues the page lists: Mail always, SMS when a
// gateway is configured.
type Deliveries struct {
	Mail interface {
		FailedPage(ctx context.Context, page paging.Request) ([]queue.Delivery, string, error)
		Retry(ctx context.Context, eventID uuid.UUID) error
	}
	SMS interface {
		FailedPage(ctx context.Context, page paging.Request) ([]queue.Delivery, string, error)
	}
}

// deliveriesPageSize is how many of each list a page shows (the API's
// default page). Each list pages by its own cursor: the mails by
// "cursor", the texts by smsCursorParam.
const (
	deliveriesPageSize = paging.DefaultLimit
	smsCursorParam     = "sms_cursor"
)

type deliveriesPage struct {
	Mail, SMS           []deliveryRow
	HasSMS              bool
	MailPager, SMSPager pager
}

// deliveryRow is a delivery with its kind in words ("delivery_kind.<kind>"
// in the catalogue; an unknown kind shows as its code).
type deliveryRow struct {
	queue.Delivery
	KindLabel string
}

func deliveryRows(v *view, ds []queue.Delivery) []deliveryRow {
	out := make([]deliveryRow, 0, len(ds))
	for _, d := range ds {
		label, ok := lookup(v.Lang, "delivery_kind."+d.Kind)
		if !ok {
			label = d.Kind
		}
		out = append(out, deliveryRow{Delivery: d, KindLabel: label})
	}
	return out
}

func (s *Server) handleDeliveries() http.Handler {
	return s.page("admin", "deliveries.title", "deliveries", func(r *http.Request, v *view) error {
		if !actor(r).Is(domain.RoleBackoffice) {
			return errNoAdmin
		}
		var p deliveriesPage
		mailReq, err := pageRequest(r, deliveriesPageSize)
		if err != nil {
			return err
		}
		smsReq, err := pageRequestOf(r, smsCursorParam, deliveriesPageSize)
		if err != nil {
			return err
		}
		ds, next, err := s.Deliveries.Mail.FailedPage(r.Context(), mailReq)
		if err != nil {
			return err
		}
		p.Mail = deliveryRows(v, ds)
		p.MailPager = v.offsetPager(r, mailReq, next)
		p.MailPager.ID, p.MailPager.Label = "mail-", v.T("paging.label")+": "+v.T("deliveries.mail")
		if s.Deliveries.SMS != nil {
			p.HasSMS = true
			if ds, next, err = s.Deliveries.SMS.FailedPage(r.Context(), smsReq); err != nil {
				return err
			}
			p.SMS = deliveryRows(v, ds)
			p.SMSPager = v.offsetPagerOf(r, smsCursorParam, smsReq, next)
			p.SMSPager.ID, p.SMSPager.Label = "sms-", v.T("paging.label")+": "+v.T("deliveries.sms")
		}
		v.Data = p
		return nil
	})
}

func (s *Server) handleRetryDelivery() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !actor(r).Is(domain.RoleBackoffice) {
			s.fail(w, r, errNoAdmin)
			return
		}
		id, err := uuid.Parse(mux.Vars(r)["id"])
		if err != nil {
			s.fail(w, r, domain.NotFound("delivery_not_found", "There is no failed mail with this ID.", "Geen mislukte mail met dit kenmerk."))
			return
		}
		err = s.Deliveries.Mail.Retry(r.Context(), id)
		if errors.Is(err, mail.ErrNoSuchDelivery) {
			// A double click, or a colleague was first: not failed (any more).
			redirectAfter(w, r, deliveriesPath, eventstore.Start, "delivery_not_failed")
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		redirectAfter(w, r, deliveriesPath, eventstore.Start, "delivery_retried")
	})
}
