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
	now        = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	system     = domain.Actor{AccountID: "system", Role: domain.RoleSystem}
	backoffice = domain.Actor{AccountID: "bo-1", Role: domain.RoleBackoffice}
	client1    = domain.Actor{AccountID: "acc-c1", Role: domain.RoleClient, ClientID: "c1"}
	client1b   = domain.Actor{AccountID: "acc-c1b", Role: domain.RoleClient, ClientID: "c1"}
	client2    = domain.Actor{AccountID: "acc-c2", Role: domain.RoleClient, ClientID: "c2"}
	inter1     = domain.Actor{AccountID: "acc-i1", Role: domain.RoleIntermediary, IntermediaryID: "i1"}
	worker1    = domain.Actor{AccountID: "acc-w1", Role: domain.RoleWorker, WorkerID: "w1"}
	sum        = strings.Repeat("ab", 32)
	signer1    = document.Signer{AccountID: "acc-c1", Role: domain.RoleClient, ClientID: "c1", Enabled: true}
)

var code = domaintest.Code

func upload(mod func(*document.Upload)) document.Upload {
	u := document.Upload{DocumentID: "d1", ClientID: "c1", IntermediaryID: "i1", Kind: document.KindDocument,
		Title: "  Overeenkomst  2026 ", FileName: `C:\scans\overeenkomst.pdf`, ContentType: "application/pdf", Size: 1234, SHA256: sum}
	if mod != nil {
		mod(&u)
	}
	return u
}

var uploaded = &document.Uploaded{DocumentID: "d1", ClientID: "c1", IntermediaryID: "i1", Kind: document.KindDocument,
	Category: document.CategoryGeneral, Title: "Overeenkomst 2026", FileName: "overeenkomst.pdf",
	ContentType: "application/pdf", Size: 1234, SHA256: sum}

func TestUpload(t *testing.T) {
	invDate := time.Date(2026, 2, 28, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		cmd     document.Upload
		want    []domain.Event
		wantErr error
	}{
		{"client user, own company", nil, client1, upload(nil), []domain.Event{uploaded}, nil},
		{"back office", nil, backoffice, upload(nil), []domain.Event{uploaded}, nil},
		{"client user of another company", nil, client2, upload(nil), nil, domain.ErrNotFound},
		{"intermediary may not", nil, inter1, upload(nil), nil, document.Forbidden},
		{"worker may not", nil, worker1, upload(nil), nil, document.Forbidden},
		{"client user may not add an invoice", nil, client1, upload(func(u *document.Upload) {
			u.Kind, u.Invoice = document.KindInvoice, &document.Invoice{Number: "F-1", Date: invDate, AmountCents: 100}
		}), nil, document.Forbidden},
		{"invoice by the back office", nil, backoffice, upload(func(u *document.Upload) {
			u.Kind, u.Invoice = document.KindInvoice, &document.Invoice{Number: " F-2026-001 ", Date: invDate, AmountCents: 121_00}
		}), []domain.Event{func() domain.Event {
			e := *uploaded
			e.Kind = document.KindInvoice
			e.Invoice = &document.Invoice{Number: "F-2026-001", Date: time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), AmountCents: 121_00}
			return &e
		}()}, nil},
		{"invoice without fields", nil, backoffice, upload(func(u *document.Upload) { u.Kind = document.KindInvoice }), nil, code("required")},
		{"invoice without date", nil, backoffice, upload(func(u *document.Upload) {
			u.Kind, u.Invoice = document.KindInvoice, &document.Invoice{Number: "F-1"}
		}), nil, code("required")},
		{"invoice amount absurd", nil, backoffice, upload(func(u *document.Upload) {
			u.Kind, u.Invoice = document.KindInvoice, &document.Invoice{Number: "F-1", Date: invDate, AmountCents: 1 << 50}
		}), nil, code("amount_out_of_range")},
		{"invoice as id copy", nil, backoffice, upload(func(u *document.Upload) {
			u.Kind, u.Category, u.Invoice = document.KindInvoice, document.CategoryIDCopy, &document.Invoice{Number: "F-1", Date: invDate}
		}), nil, code("category_invalid")},
		{"document with invoice fields", nil, backoffice, upload(func(u *document.Upload) {
			u.Invoice = &document.Invoice{Number: "F-1", Date: invDate}
		}), nil, code("invoice_fields_not_allowed")},
		{"unknown kind", nil, backoffice, upload(func(u *document.Upload) { u.Kind = "memo" }), nil, code("kind_invalid")},
		{"unknown category", nil, client1, upload(func(u *document.Upload) { u.Category = "secret" }), nil, code("category_invalid")},
		{"empty title", nil, client1, upload(func(u *document.Upload) { u.Title = "   " }), nil, code("required")},
		{"title too long", nil, client1, upload(func(u *document.Upload) { u.Title = strings.Repeat("x", 201) }), nil, code("too_long")},
		{"empty file", nil, client1, upload(func(u *document.Upload) { u.Size = 0 }), nil, code("file_empty")},
		{"file over 2 MB", nil, client1, upload(func(u *document.Upload) { u.Size = document.MaxSize + 1 }), nil, code("file_too_large")},
		{"exactly 2 MB", nil, client1, upload(func(u *document.Upload) { u.Size = document.MaxSize }), []domain.Event{func() domain.Event {
			e := *uploaded
			e.Size = document.MaxSize
			return &e
		}()}, nil},
		{"content type not allowed", nil, client1, upload(func(u *document.Upload) { u.ContentType = "application/zip" }), nil, code("file_type_not_allowed")},
		{"bad checksum", nil, client1, upload(func(u *document.Upload) { u.SHA256 = "abc" }), nil, code("sha256_invalid")},
		{"bad worker id", nil, client1, upload(func(u *document.Upload) { u.WorkerID = "../w" }), nil, code("id_format")},
		{"exists", []domain.Event{uploaded}, client1, upload(nil), nil, code("document_exists")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			domaintest.Decide(t, tt.given, func(d *document.Document) ([]domain.Event, error) { return d.Upload(tt.actor, tt.cmd, now) }, tt.want, tt.wantErr)
		})
	}
}

func TestCleanFileName(t *testing.T) {
	tests := []struct{ in, ct, want string }{
		{"scan.pdf", "application/pdf", "scan.pdf"},
		{`C:\Users\jan\paspoort.jpg`, "image/jpeg", "paspoort.jpg"},
		{"../../etc/passwd", "text/plain; charset=utf-8", "passwd"},
		{"a\"b\x00c.png", "image/png", "abc.png"},
		{"", "application/pdf", "document.pdf"},
		{"..", "image/gif", "document.gif"},
		{strings.Repeat("x", 200) + ".pdf", "application/pdf", strings.Repeat("x", 116) + ".pdf"},
		{"rap\u202Etxt.pdf", "application/pdf", "raptxt.pdf"},       // right-to-left override
		{"a\u200Bb\u2066c\uFEFF.pdf", "application/pdf", "abc.pdf"}, // zero-width, isolate, BOM
		{"a\x85b\x7f.pdf", "application/pdf", "ab.pdf"},             // C1 and DEL
		{"\u202E", "application/pdf", "document.pdf"},
	}
	for _, tt := range tests {
		if got := document.CleanFileName(tt.in, tt.ct); got != tt.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func requested(id string, expires time.Time) *document.SignatureRequested {
	return &document.SignatureRequested{DocumentID: "d1", RequestID: id, SignerAccountID: "acc-c1", ExpiresAt: expires, Version: 1, SHA256: sum}
}

func TestRequestSignature(t *testing.T) {
	open := requested("r1", now.Add(time.Hour))
	expired := requested("r1", now.Add(-time.Second))
	invoice := *uploaded
	invoice.Kind = document.KindInvoice
	idCopy := *uploaded
	idCopy.Category = document.CategoryIDCopy
	// The request ID the command derived is the current (expired) one's.
	expiredSameID := requested("r2", now.Add(-time.Second))
	want := []domain.Event{requested("r2", now.Add(document.SignatureTTL))}
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		signer  document.Signer
		blocked bool
		want    []domain.Event
		wantErr error
	}{
		{"first request", []domain.Event{uploaded}, backoffice, signer1, false, want, nil},
		{"by the system", []domain.Event{uploaded}, system, signer1, false, want, nil},
		{"client user may not", []domain.Event{uploaded}, client1, signer1, false, nil, document.Forbidden},
		{"no document", nil, backoffice, signer1, false, nil, domain.ErrNotFound},
		{"invoice", []domain.Event{&invoice}, backoffice, signer1, false, nil, code("invoice_not_signable")},
		{"ID copy: the signer cannot open it", []domain.Event{&idCopy}, backoffice, signer1, false, nil, code("id_copy_not_signable")},
		{"the current request's ID again", []domain.Event{uploaded, expiredSameID}, backoffice, signer1, false, nil, code("signature_request_id_used")},
		{"open request", []domain.Event{uploaded, open}, backoffice, signer1, false, nil, code("signature_request_open")},
		{"replaces a blocked open one", []domain.Event{uploaded, open}, backoffice, signer1, true, want, nil},
		{"blocked does not unlock a signed one", []domain.Event{uploaded, open, &document.Signed{DocumentID: "d1", RequestID: "r1", SHA256: sum}},
			backoffice, signer1, true, nil, code("already_signed")},
		{"replaces an expired one", []domain.Event{uploaded, expired}, backoffice, signer1, false, want, nil},
		{"replaces a declined one", []domain.Event{uploaded, open, &document.SignatureDeclined{DocumentID: "d1", RequestID: "r1", SHA256: sum}},
			backoffice, signer1, false, want, nil},
		{"signed is final", []domain.Event{uploaded, open, &document.Signed{DocumentID: "d1", RequestID: "r1", SHA256: sum}},
			backoffice, signer1, false, nil, code("already_signed")},
		{"signer of another client", []domain.Event{uploaded}, backoffice,
			document.Signer{AccountID: "acc-c2", Role: domain.RoleClient, ClientID: "c2", Enabled: true}, false, nil, code("signer_not_client_user")},
		{"signer is a worker", []domain.Event{uploaded}, backoffice,
			document.Signer{AccountID: "acc-w1", Role: domain.RoleWorker, Enabled: true}, false, nil, code("signer_not_client_user")},
		{"signer disabled", []domain.Event{uploaded}, backoffice,
			document.Signer{AccountID: "acc-c1", Role: domain.RoleClient, ClientID: "c1"}, false, nil, code("signer_not_client_user")},
		{"signer unknown", []domain.Event{uploaded}, backoffice, document.Signer{}, false, nil, code("signer_not_client_user")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			domaintest.Decide(t, tt.given, func(d *document.Document) ([]domain.Event, error) {
				return d.RequestSignature(tt.actor, "r2", tt.signer, tt.blocked, now)
			}, tt.want, tt.wantErr)
		})
	}
}

func TestSignAndDecline(t *testing.T) {
	open := []domain.Event{uploaded, requested("r1", now.Add(time.Hour))}
	read := document.Decision{ReadConfirmed: true, Remark: "  akkoord,\n  zie bijlage "}
	v1 := document.Evidence{Version: 1}
	signed := &document.Signed{DocumentID: "d1", RequestID: "r1", Remark: "akkoord, zie bijlage", SHA256: sum, Evidence: v1}
	declined := &document.SignatureDeclined{DocumentID: "d1", RequestID: "r1", Remark: "akkoord, zie bijlage", SHA256: sum, Evidence: v1}
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		decline bool
		in      document.Decision
		want    []domain.Event
		wantErr error
	}{
		{"sign", open, client1, false, read, []domain.Event{signed}, nil},
		{"decline", open, client1, true, read, []domain.Event{declined}, nil},
		{"decline needs no read confirmation", open, client1, true, document.Decision{},
			[]domain.Event{&document.SignatureDeclined{DocumentID: "d1", RequestID: "r1", SHA256: sum, Evidence: v1}}, nil},
		{"sign needs the read confirmation", open, client1, false, document.Decision{}, nil, code("read_not_confirmed")},
		{"another user of the client", open, client1b, false, read, nil, document.Forbidden},
		{"the back office cannot sign for the client", open, backoffice, false, read, nil, document.Forbidden},
		{"never requested", []domain.Event{uploaded}, client1, false, read, nil, document.ErrNoOpenRequest},
		{"expired", []domain.Event{uploaded, requested("r1", now)}, client1, false, read, nil, code("signature_request_expired")},
		{"signed already", append(open[:2:2], signed), client1, false, read, nil, document.ErrNoOpenRequest},
		{"declined already", append(open[:2:2], declined), client1, true, read, nil, document.ErrNoOpenRequest},
		{"remark too long", open, client1, false, document.Decision{ReadConfirmed: true, Remark: strings.Repeat("x", 1001)}, nil, code("too_long")},
		{"no document", nil, client1, false, read, nil, domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			domaintest.Decide(t, tt.given, func(d *document.Document) ([]domain.Event, error) {
				if tt.decline {
					return d.Decline(tt.actor, tt.in, now)
				}
				return d.Sign(tt.actor, tt.in, now)
			}, tt.want, tt.wantErr)
		})
	}
}

// TestStateAfterRequests: the latest request is the one that counts.
func TestStateAfterRequests(t *testing.T) {
	d, err := domain.Replay[document.Document](uploaded, requested("r1", now.Add(time.Hour)),
		&document.SignatureDeclined{DocumentID: "d1", RequestID: "r1"}, requested("r2", now.Add(2*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	r := d.Request()
	if r.ID != "r2" || r.Status != document.RequestOpen || !r.OpenAt(now) || r.OpenAt(now.Add(2*time.Hour)) {
		t.Fatalf("request %+v", r)
	}
	// A late event of the replaced request does not touch the new one.
	if err := d.Apply(&document.Signed{DocumentID: "d1", RequestID: "r1"}); err != nil {
		t.Fatal(err)
	}
	if d.Request().Status != document.RequestOpen {
		t.Fatalf("r2 changed by an event of r1: %+v", d.Request())
	}
}

// TestEventsRoundTrip: every registered event survives encode/decode.
func TestEventsRoundTrip(t *testing.T) {
	domaintest.RoundTrip(t, document.Events,
		&document.Uploaded{DocumentID: "d1", ClientID: "c1", Kind: document.KindInvoice, Category: document.CategoryGeneral,
			Title: "t", FileName: "f.pdf", ContentType: "application/pdf", Size: 1, SHA256: sum,
			Invoice: &document.Invoice{Number: "F1", Date: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), AmountCents: -5}},
		requested("r1", now),
		&document.Signed{DocumentID: "d1", RequestID: "r1", Remark: "ok", SHA256: sum},
		&document.SignatureDeclined{DocumentID: "d1", RequestID: "r1", Remark: "nee", SHA256: sum},
		&document.VersionAdded{DocumentID: "d1", Version: 2, FileName: "v2.pdf", ContentType: "application/pdf",
			Size: 9, SHA256: sum, SupersededRequestID: "r1"},
		&document.SigningOpened{DocumentID: "d1", RequestID: "r1", Version: 2, Client: sealed},
		&document.TANRejected{DocumentID: "d1", RequestID: "r1", Attempt: 5, Blocked: true, Client: sealed},
		&document.TANIssued{DocumentID: "d1", RequestID: "r1", Channel: document.ChannelSMS, MaskedAddress: "+31 6 ••• ••78"},
	)
}

func TestPolicy(t *testing.T) {
	payroll := domain.Actor{AccountID: "p", Role: domain.RolePayroll}
	auditor := domain.Actor{AccountID: "a", Role: domain.RoleAuditor}
	halfClient := domain.Actor{AccountID: "x", Role: domain.RoleClient}
	worker2 := domain.Actor{AccountID: "acc-w2", Role: domain.RoleWorker, WorkerID: "w2"}
	tests := []struct {
		name          string
		actor         domain.Actor
		cat           document.Category
		worker        string
		see, readFile bool
	}{
		{"back office, ID copy", backoffice, document.CategoryIDCopy, "w1", true, true},
		{"client user, general", client1, document.CategoryGeneral, "", true, true},
		{"client user, ID copy", client1, document.CategoryIDCopy, "w1", true, false},
		{"other client", client2, document.CategoryGeneral, "", false, false},
		{"intermediary, general", inter1, document.CategoryGeneral, "", true, true},
		{"intermediary, ID copy", inter1, document.CategoryIDCopy, "w1", true, false},
		{"worker, own ID copy", worker1, document.CategoryIDCopy, "w1", true, true},
		{"worker, another's ID copy", worker2, document.CategoryIDCopy, "w1", false, false},
		{"worker, client document", worker1, document.CategoryGeneral, "", false, false},
		{"payroll", payroll, document.CategoryGeneral, "", false, false},
		{"auditor, general", auditor, document.CategoryGeneral, "", true, true},
		{"auditor, ID copy", auditor, document.CategoryIDCopy, "w1", true, false},
		{"client role without client", halfClient, document.CategoryGeneral, "", false, false},
	}
	for _, tt := range tests {
		if got := document.CanSee(tt.actor, "c1", "i1", tt.worker); got != tt.see {
			t.Errorf("%s: CanSee = %v, want %v", tt.name, got, tt.see)
		}
		if got := document.CanReadFile(tt.actor, tt.cat, "c1", "i1", tt.worker); got != tt.readFile {
			t.Errorf("%s: CanReadFile = %v, want %v", tt.name, got, tt.readFile)
		}
	}
}

func TestReissueReason(t *testing.T) {
	tests := []struct {
		blocked int
		reason  string
		want    string
		err     bool
	}{
		{0, "", "", false},
		{2, "wordt genegeerd", "", false},
		{3, "", "", true},
		{3, "  ", "", true},
		{3, "telefonisch gecontroleerd", "telefonisch gecontroleerd", false},
		{7, "a\x00b", "", true},
		{3, strings.Repeat("x", 501), "", true},
	}
	for _, tt := range tests {
		got, err := document.ReissueReason(tt.blocked, tt.reason)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("ReissueReason(%d, %q) = %q, %v", tt.blocked, tt.reason, got, err)
		}
	}
}
