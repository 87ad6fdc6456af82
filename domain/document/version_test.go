package document_test

import (
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/document"
	"backoffice/domain/domaintest"
)

var (
	sum2   = strings.Repeat("cd", 32)
	sealed = &document.Sealed{Subject: "account-acc-c1", Ciphertext: "AAECAwQFBgcICQ=="}
	v2File = document.NewVersion{FileName: "overeenkomst-v2.pdf", ContentType: "application/pdf", Size: 2000, SHA256: sum2}
	v2     = &document.VersionAdded{DocumentID: "d1", Version: 2, FileName: "overeenkomst-v2.pdf", ContentType: "application/pdf",
		Size: 2000, SHA256: sum2}
)

func TestAddVersion(t *testing.T) {
	open := requested("r1", now.Add(time.Hour))
	expired := requested("r1", now.Add(-time.Hour))
	signed := &document.Signed{DocumentID: "d1", RequestID: "r1", SHA256: sum, Evidence: document.Evidence{Version: 1}}
	supersedes := *v2
	supersedes.SupersededRequestID = "r1"
	invoice := *uploaded
	invoice.Kind = document.KindInvoice
	v3 := &document.VersionAdded{DocumentID: "d1", Version: 3, FileName: "overeenkomst-v2.pdf", ContentType: "application/pdf",
		Size: 2000, SHA256: sum}
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		in      document.NewVersion
		want    []domain.Event
		wantErr error
	}{
		{"by the client", []domain.Event{uploaded}, client1, v2File, []domain.Event{v2}, nil},
		{"by the back office", []domain.Event{uploaded}, backoffice, v2File, []domain.Event{v2}, nil},
		{"an open request is superseded", []domain.Event{uploaded, open}, client1, v2File, []domain.Event{&supersedes}, nil},
		{"an expired open request too", []domain.Event{uploaded, expired}, client1, v2File, []domain.Event{&supersedes}, nil},
		{"a signed one stays signed (on version 1)", []domain.Event{uploaded, open, signed}, client1, v2File, []domain.Event{v2}, nil},
		{"back to version 1's content is version 3", []domain.Event{uploaded, v2}, client1,
			document.NewVersion{FileName: "overeenkomst-v2.pdf", ContentType: "application/pdf", Size: 2000, SHA256: sum}, []domain.Event{v3}, nil},
		{"the same file again", []domain.Event{uploaded}, client1, document.NewVersion{FileName: "x.pdf", ContentType: "application/pdf",
			Size: 5, SHA256: sum}, nil, document.ErrVersionUnchanged},
		{"another client", []domain.Event{uploaded}, client2, v2File, nil, document.Forbidden},
		{"an intermediary", []domain.Event{uploaded}, inter1, v2File, nil, document.Forbidden},
		{"a worker", []domain.Event{uploaded}, worker1, v2File, nil, document.Forbidden},
		{"an invoice", []domain.Event{&invoice}, backoffice, v2File, nil, document.ErrInvoiceVersion},
		{"no document", nil, backoffice, v2File, nil, domain.ErrNotFound},
		{"empty", []domain.Event{uploaded}, client1, document.NewVersion{FileName: "x.pdf", ContentType: "application/pdf", SHA256: sum2},
			nil, document.ErrFileEmpty},
		{"too large", []domain.Event{uploaded}, client1, document.NewVersion{FileName: "x.pdf", ContentType: "application/pdf",
			Size: document.MaxSize + 1, SHA256: sum2}, nil, document.ErrFileTooLarge},
		{"HTML", []domain.Event{uploaded}, client1, document.NewVersion{FileName: "x.html", ContentType: "text/html; charset=utf-8",
			Size: 5, SHA256: sum2}, nil, document.ErrFileType},
		{"active name", []domain.Event{uploaded}, client1, document.NewVersion{FileName: "x.exe", ContentType: "application/pdf",
			Size: 5, SHA256: sum2}, nil, document.ErrFileType},
		{"bad checksum", []domain.Event{uploaded}, client1, document.NewVersion{FileName: "x.pdf", ContentType: "application/pdf",
			Size: 5, SHA256: "zz"}, nil, code("sha256_invalid")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			domaintest.Decide(t, tt.given, func(d *document.Document) ([]domain.Event, error) {
				return d.AddVersion(tt.actor, tt.in, now)
			}, tt.want, tt.wantErr)
		})
	}
}

// TestNewVersionNeedsNewSignature: a signature names its version; after a
// new version the document may (and must) be signed again, and an open
// request on the old version can no longer be answered.
func TestNewVersionNeedsNewSignature(t *testing.T) {
	signed := &document.Signed{DocumentID: "d1", RequestID: "r1", SHA256: sum, Evidence: document.Evidence{Version: 1}}
	d, err := domain.Replay[document.Document](uploaded, requested("r1", now.Add(time.Hour)), signed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.RequestSignature(backoffice, "r2", signer1, false, now); !domainCode(err, "already_signed") {
		t.Fatalf("signed v1: error %v, want already_signed", err)
	}
	if err := d.Apply(v2); err != nil {
		t.Fatal(err)
	}
	evs, err := d.RequestSignature(backoffice, "r2", signer1, false, now)
	if err != nil {
		t.Fatalf("v2 of a signed document: %v", err)
	}
	req := evs[0].(*document.SignatureRequested)
	if req.Version != 2 || req.SHA256 != sum2 {
		t.Fatalf("the request names version %d %s, want 2 %s", req.Version, req.SHA256, sum2)
	}
	if err := d.Apply(req); err != nil {
		t.Fatal(err)
	}
	// A third version supersedes the open request on version 2.
	v3 := document.NewVersion{FileName: "v3.pdf", ContentType: "application/pdf", Size: 3, SHA256: strings.Repeat("ef", 32)}
	evs, err = d.AddVersion(client1, v3, now)
	if err != nil || evs[0].(*document.VersionAdded).SupersededRequestID != "r2" {
		t.Fatalf("v3: %v %#v", err, evs)
	}
	if err := d.Apply(evs[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Sign(client1, document.Decision{ReadConfirmed: true}, now); err != document.ErrRequestSuperseded {
		t.Fatalf("signing a superseded request: %v", err)
	}
	if d.Request().Status != document.RequestSuperseded || d.Version() != 3 {
		t.Fatalf("state %+v version %d", d.Request(), d.Version())
	}
	// The signature on v2's request names v2.
	d2, _ := domain.Replay[document.Document](uploaded, v2, req)
	evs, err = d2.Sign(client1, document.Decision{ReadConfirmed: true, ConsentSHA256: document.ConsentSHA256("nl"), Client: sealed}, now)
	if err != nil {
		t.Fatal(err)
	}
	s := evs[0].(*document.Signed)
	if s.Version != 2 || s.SHA256 != sum2 || s.ConsentSHA256 != document.ConsentSHA256("nl") || s.Client != sealed {
		t.Fatalf("signed %#v", s)
	}
}

func domainCode(err error, c string) bool {
	e, ok := err.(*domain.Error)
	return ok && e.Code == c
}

func TestSigningEvidenceEvents(t *testing.T) {
	open := []domain.Event{uploaded, requested("r1", now.Add(time.Hour))}
	t.Run("opened by the signer", func(t *testing.T) {
		domaintest.Decide(t, open, func(d *document.Document) ([]domain.Event, error) { return d.OpenSigning(client1, sealed, now) },
			[]domain.Event{&document.SigningOpened{DocumentID: "d1", RequestID: "r1", Version: 1, Client: sealed}}, nil)
	})
	t.Run("opened by someone else: nothing", func(t *testing.T) {
		domaintest.Decide(t, open, func(d *document.Document) ([]domain.Event, error) { return d.OpenSigning(client1b, nil, now) }, nil, nil)
	})
	t.Run("openings are capped", func(t *testing.T) {
		given := append([]domain.Event{}, open...)
		for range document.MaxOpenings {
			given = append(given, &document.SigningOpened{DocumentID: "d1", RequestID: "r1", Version: 1})
		}
		domaintest.Decide(t, given, func(d *document.Document) ([]domain.Event, error) { return d.OpenSigning(client1, nil, now) }, nil, nil)
	})
	t.Run("a sealed connection of another subject", func(t *testing.T) {
		domaintest.Decide(t, open, func(d *document.Document) ([]domain.Event, error) {
			return d.OpenSigning(client1, &document.Sealed{Subject: "account-acc-c2", Ciphertext: "AAAA"}, now)
		}, nil, code("evidence_invalid"))
	})
	t.Run("not base64", func(t *testing.T) {
		domaintest.Decide(t, open, func(d *document.Document) ([]domain.Event, error) {
			return d.OpenSigning(client1, &document.Sealed{Subject: "account-acc-c1", Ciphertext: "<script>"}, now)
		}, nil, code("evidence_invalid"))
	})
	t.Run("wrong TAN", func(t *testing.T) {
		domaintest.Decide(t, open, func(d *document.Document) ([]domain.Event, error) { return d.RejectTAN(client1, "r1", 5, true, sealed) },
			[]domain.Event{&document.TANRejected{DocumentID: "d1", RequestID: "r1", Attempt: 5, Blocked: true, Client: sealed}}, nil)
	})
	t.Run("wrong TAN of an older request", func(t *testing.T) {
		domaintest.Decide(t, open, func(d *document.Document) ([]domain.Event, error) { return d.RejectTAN(client1, "r0", 1, false, nil) },
			nil, document.ErrNoOpenRequest)
	})
	t.Run("wrong TAN by another user", func(t *testing.T) {
		domaintest.Decide(t, open, func(d *document.Document) ([]domain.Event, error) { return d.RejectTAN(client1b, "r1", 1, false, nil) },
			nil, document.Forbidden)
	})
	t.Run("a consent hash that is no hash", func(t *testing.T) {
		domaintest.Decide(t, open, func(d *document.Document) ([]domain.Event, error) {
			return d.Sign(client1, document.Decision{ReadConfirmed: true, ConsentSHA256: "Ik ga akkoord"}, now)
		}, nil, code("evidence_invalid"))
	})
}

func TestCleanClient(t *testing.T) {
	c := document.CleanClient(" ::ffff:192.0.2.7 ", "Mozilla/5.0\u202e\x00 (X11)\n"+strings.Repeat("a", 600))
	if c.IP != "192.0.2.7" {
		t.Errorf("IP %q", c.IP)
	}
	if strings.ContainsAny(c.UserAgent, "\u202e\x00\n") || len([]rune(c.UserAgent)) != document.MaxUserAgent ||
		!strings.HasPrefix(c.UserAgent, "Mozilla/5.0 (X11)") {
		t.Errorf("user agent %q", c.UserAgent)
	}
	if c := document.CleanClient("not an address", ""); !c.Empty() {
		t.Errorf("junk kept: %+v", c)
	}
	if document.ConsentSHA256("nl") == document.ConsentSHA256("en") || document.ConsentText("xx") != document.ConsentText("nl") {
		t.Error("consent texts")
	}
	if len(document.ConsentHistory()) != 2 {
		t.Error("consent history")
	}
}
