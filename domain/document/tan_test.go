package document_test

import (
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/document"
	"backoffice/domain/domaintest"
)

func TestIssueTAN(t *testing.T) {
	req := requested("r1", now.Add(document.SignatureTTL))
	issue := func(actor domain.Actor, requestID string, ch document.TANChannel, addr string) func(*document.Document) ([]domain.Event, error) {
		return func(d *document.Document) ([]domain.Event, error) { return d.IssueTAN(actor, requestID, ch, addr, now) }
	}
	sms := func(masked string) []domain.Event {
		return []domain.Event{&document.TANIssued{DocumentID: "d1", RequestID: "r1", Channel: document.ChannelSMS, MaskedAddress: masked}}
	}
	for _, tt := range []struct {
		name    string
		given   []domain.Event
		when    func(*document.Document) ([]domain.Event, error)
		want    []domain.Event
		wantErr error
	}{
		{"by sms, number normalised and masked", []domain.Event{uploaded, req}, issue(system, "r1", document.ChannelSMS, "06-12345678"), sms("+31 6 ••• ••78"), nil},
		{"a foreign mobile number", []domain.Event{uploaded, req}, issue(system, "r1", document.ChannelSMS, "+32 470 12 34 56"), sms("+32 ••• ••56"), nil},
		{"by mail, address masked", []domain.Event{uploaded, req}, issue(system, "r1", document.ChannelEmail, " Jan@Example.NL "),
			[]domain.Event{&document.TANIssued{DocumentID: "d1", RequestID: "r1", Channel: document.ChannelEmail, MaskedAddress: "j•••@example.nl"}}, nil},
		{"a landline is no mobile number", []domain.Event{uploaded, req}, issue(system, "r1", document.ChannelSMS, "020-1234567"), nil, code("mobile_format")},
		{"garbage number", []domain.Event{uploaded, req}, issue(system, "r1", document.ChannelSMS, "06\x0012345678"), nil, code("phone_format")},
		{"garbage address", []domain.Event{uploaded, req}, issue(system, "r1", document.ChannelEmail, "jan\u202e@example.nl"), nil, code("text_encoding")},
		{"unknown channel", []domain.Event{uploaded, req}, issue(system, "r1", "fax", "06-12345678"), nil, code("tan_channel")},
		{"only the application issues", []domain.Event{uploaded, req}, issue(client1, "r1", document.ChannelSMS, "06-12345678"), nil, document.Forbidden},
		{"not the open request", []domain.Event{uploaded, req}, issue(system, "r0", document.ChannelSMS, "06-12345678"), nil, document.ErrNoOpenRequest},
		{"no request", []domain.Event{uploaded}, issue(system, "r1", document.ChannelSMS, "06-12345678"), nil, document.ErrNoOpenRequest},
		{"expired meanwhile: sent all the same", []domain.Event{uploaded, requested("r1", now.Add(-time.Hour))}, issue(system, "r1", document.ChannelSMS, "06-12345678"), sms("+31 6 ••• ••78"), nil},
		{"replaced by a newer request", []domain.Event{uploaded, req, requested("r2", now.Add(time.Hour))}, issue(system, "r1", document.ChannelSMS, "06-12345678"), nil, document.ErrNoOpenRequest},
		{"once per request", []domain.Event{uploaded, req, sms("+31 6 ••• ••78")[0]}, issue(system, "r1", document.ChannelEmail, "jan@example.nl"), nil, code("tan_issued")},
	} {
		t.Run(tt.name, func(t *testing.T) { domaintest.Decide(t, tt.given, tt.when, tt.want, tt.wantErr) })
	}
}

// An event without a channel (none is written so) reads as a TAN in the mail.
func TestTANIssuedWithoutChannelDecodes(t *testing.T) {
	ev, err := document.Events.Decode(document.TypeTANIssued, []byte(`{"document_id":"d1","request_id":"r1"}`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := domain.Replay[document.Document](uploaded, requested("r1", now.Add(time.Hour)), ev)
	if err != nil {
		t.Fatal(err)
	}
	if r := d.Request(); !r.TANIssued || r.TANChannel != document.ChannelEmail {
		t.Fatalf("request %+v", r)
	}
}

func TestMasks(t *testing.T) {
	for in, want := range map[string]string{
		"+31612345678": "+31 6 ••• ••78", "+4915112345678": "+49 ••• ••78", "+3247012345": "+32 ••• ••45", "0612": "•••",
	} {
		if got := document.MaskMobile(in); got != want {
			t.Errorf("MaskMobile(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"jan@example.nl": "j•••@example.nl", "émile@x.fr": "é•••@x.fr", "@x": "•••", "x": "•••"} {
		if got := document.MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
	if m := document.MaskMobile("+31612345678"); strings.Contains(m, "123456") {
		t.Errorf("mask %q shows the number", m)
	}
}
