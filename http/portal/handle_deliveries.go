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
		Failed(ctx context.Context, limit int) ([]queue.Delivery, error)
		Retry(ctx context.Context, eventID uuid.UUID) error
	}
	SMS interface {
		Failed(ctx context.Context, limit int) ([]queue.Delivery, error)
	}
}

// deliveriesLimit is how many of each the page shows (the API's 200).
const deliveriesLimit = 200

type deliveriesPage struct {
	Mail, SMS []deliveryRow
	HasSMS    bool
	// MoreMail, MoreSMS: more failed than the page shows (the newest
	// deliveriesLimit); Limit is that number, for the notice.
	MoreMail, MoreSMS bool
	Limit             int
}

// newest is the first deliveriesLimit of ds (read with one more) and
// whether there were more.
func newest(ds []queue.Delivery) ([]queue.Delivery, bool) {
	if len(ds) > deliveriesLimit {
		return ds[:deliveriesLimit], true
	}
	return ds, false
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
		p := deliveriesPage{Limit: deliveriesLimit}
		ds, err := s.Deliveries.Mail.Failed(r.Context(), deliveriesLimit+1)
		if err != nil {
			return err
		}
		ds, p.MoreMail = newest(ds)
		p.Mail = deliveryRows(v, ds)
		if s.Deliveries.SMS != nil {
			p.HasSMS = true
			if ds, err = s.Deliveries.SMS.Failed(r.Context(), deliveriesLimit+1); err != nil {
				return err
			}
			ds, p.MoreSMS = newest(ds)
			p.SMS = deliveryRows(v, ds)
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
