package domaintest_test

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	"backoffice/domain/validate"
)

// source says where the text of one event field comes from.
type source struct {
	input string // an input of the story: driven with hostile values below
	from  string // "type path": copied from a field that is itself covered
	fixed string // why no caller's text reaches it (the domain sets it)
}

func in(name string) source    { return source{input: name} }
func from(ref string) source   { return source{from: ref} }
func fixed(why string) source  { return source{fixed: why} }
func role(why string) source   { return fixed("a role the domain sets from " + why) }
func loaded(agg string) source { return fixed("the ID of the loaded " + agg + " aggregate") }

var (
	hourTypeCode = from("client.registered agreement.hour_types[].code")
	hourTypeName = from("client.registered agreement.hour_types[].name")
	expenseType  = from("timesheet.expense_added expense.type")
	expenseDesc  = from("timesheet.expense_added expense.description")
	contentHash  = fixed("a SHA-256 the domain computes")
	// Signing evidence: the connection is sealed before it enters an event.
	consentHash   = fixed("the hex SHA-256 of a consent text; checked as 64 lower-case hex digits")
	sealedSubject = fixed("must be the account stream of the request's signer (checkSealed)")
	sealedText    = fixed("base64 of the ciphertext the command layer sealed; checked as strict base64, at most 4096 bytes")
	// The client's address, in client.registered and client.details_changed.
	clientAddress = map[string]source{
		"address.city": in("client.address.city"), "address.country": in("client.address.country"),
		"address.house_number": in("client.address.house_number"), "address.postal_code": in("client.address.postal_code"),
		"address.street": in("client.address.street"),
	}
)

// with returns the fields of shared and of own in one map.
func with(shared, own map[string]source) map[string]source {
	m := maps.Clone(own)
	maps.Copy(m, shared)
	return m
}

// coverage has an entry for every string field of every registered event
// type. A new event type, or a new string field, fails the test until it
// is added here, which means saying which input produces it.
var coverage = map[string]map[string]source{
	"account.activated":                {"account_id": in("id.account")},
	"account.activation_issued":        {"account_id": in("id.account"), "token_hash": fixed("legacy, no longer recorded: the hex SHA-256 of a random token")},
	"account.created":                  {"account_id": in("id.account"), "client_id": in("id.client"), "email": in("account.email"), "intermediary_id": fixed("unset for a client login; validate.ID as client_id"), "language": in("account.language"), "role": in("account.role"), "worker_id": fixed("unset for a client login; validate.ID as client_id")},
	"account.disabled":                 {"account_id": in("id.account"), "reason": in("account.disable_reason")},
	"account.enabled":                  {"account_id": in("id.account")},
	"account.language_changed":         {"account_id": in("id.account"), "language": in("account.new_language")},
	"account.mobile_changed":           {"account_id": in("id.account"), "masked_mobile": fixed("validate.MaskMobile of a number validate.NormalizeMobile accepted")},
	"account.password_changed":         {"account_id": in("id.account")},
	"account.password_reset_requested": {"account_id": in("id.account"), "token_hash": fixed("legacy, no longer recorded: the hex SHA-256 of a random token")},
	"token.created":                    {"kind": in("token.kind"), "label": in("token.label"), "token_id": in("id.token")},
	"token.revoked":                    {"reason": in("token.revoke_reason"), "token_id": in("id.token"), "cause": fixed("a RevokeCause constant the domain sets (RevokeNeverActivated)")},
	"client.agreement_changed": {
		"agreement.approval_chain[]": in("client.approval_chain"), "agreement.billing_rates{key}": in("client.billing_rate.code"),
		"agreement.entered_by": in("client.entered_by"), "agreement.hour_types[].code": in("client.hour_type.code"),
		"agreement.hour_types[].name": in("client.new_hour_type.name"), "agreement.normal_hour_type": in("client.normal_hour_type"),
		"client_id": in("id.client"),
	},
	"client.details_changed": with(clientAddress, map[string]source{
		"client_id": in("id.client"), "contact.email": in("client.new_contact.email"), "contact.name": in("client.new_contact.name"),
		"kvk": in("client.kvk"), "name": in("client.new_name"),
	}),
	"client.registered": with(clientAddress, map[string]source{
		"agreement.approval_chain[]":   in("client.approval_chain"),
		"agreement.billing_rates{key}": in("client.billing_rate.code"), "agreement.entered_by": in("client.entered_by"),
		"agreement.hour_types[].code": in("client.hour_type.code"), "agreement.hour_types[].name": in("client.hour_type.name"),
		"agreement.normal_hour_type": in("client.normal_hour_type"), "client_id": in("id.client"),
		"contact.email": in("client.contact.email"), "contact.name": in("client.contact.name"),
		"intermediary_id": loaded("intermediary"), "kvk": in("client.kvk"), "name": in("client.name"),
	}),
	"document.signature_declined": {"document_id": in("id.document"), "remark": in("document.decline_remark"), "request_id": in("id.request"), "sha256": fixed("the stored file's hash, checked as 32 hex bytes at upload"),
		"consent_sha256": consentHash, "client.subject": sealedSubject, "client.ciphertext": sealedText},
	"document.signature_requested": {"document_id": in("id.document"), "request_id": in("id.request"), "reissue_reason": in("document.reissue_reason"), "signer_account_id": loaded("account"),
		"sha256": fixed("the current version's hash, checked as 32 hex bytes when stored")},
	"document.signed": {"document_id": in("id.document"), "remark": in("document.sign_remark"), "request_id": in("id.request"), "sha256": fixed("the stored file's hash, checked as 32 hex bytes at upload"),
		"consent_sha256": consentHash, "client.subject": sealedSubject, "client.ciphertext": sealedText},
	"document.version_added": {"document_id": loaded("document"), "file_name": in("document.version_file_name"),
		"content_type": fixed("sniffed by the command layer, checked against AllowedContentTypes"), "sha256": fixed("computed from the stored file, checked as 32 hex bytes"),
		"superseded_request_id": from("document.signature_requested request_id")},
	"document.signing_screen_opened": {"document_id": loaded("document"), "request_id": from("document.signature_requested request_id"),
		"client.subject": sealedSubject, "client.ciphertext": sealedText},
	"document.tan_rejected": {"document_id": loaded("document"), "request_id": from("document.signature_requested request_id"),
		"client.subject": sealedSubject, "client.ciphertext": sealedText},
	"document.tan_issued": {"channel": fixed("a TANChannel constant the application chooses"), "document_id": loaded("document"), "masked_address": fixed("MaskMobile/MaskEmail of an address validate.NormalizeMobile/NormalizeEmail accepted"), "request_id": loaded("document")},
	"document.uploaded": {
		"category": in("document.category"), "client_id": in("id.client"), "content_type": fixed("sniffed by the command layer, checked against AllowedContentTypes"),
		"document_id": in("id.document"), "file_name": in("document.file_name"), "intermediary_id": loaded("client"),
		"invoice.number": in("document.invoice_number"), "kind": in("document.kind"), "sha256": fixed("computed from the stored file, checked as 32 hex bytes"),
		"title": in("document.title"), "worker_id": in("id.worker"),
	},
	"intermediary.contact_changed": {"contact.email": in("intermediary.new_contact.email"), "contact.name": in("intermediary.new_contact.name"), "intermediary_id": in("id.intermediary")},
	"intermediary.registered":      {"contact.email": in("intermediary.contact.email"), "contact.name": in("intermediary.contact.name"), "intermediary_id": in("id.intermediary"), "kvk": in("intermediary.kvk"), "name": in("intermediary.name")},
	"placement.claimed":            {"client_id": loaded("client"), "placement_id": in("id.placement"), "worker_id": loaded("worker")},
	"placement.ended":              {"placement_id": in("id.placement"), "reason": in("placement.end_reason")},
	"placement.corrected":          {"placement_id": in("id.placement"), "function": in("placement.corrected_function"), "reason": in("placement.correct_reason")},
	"placement.started":            {"client_id": loaded("client"), "function": in("placement.function"), "intermediary_id": loaded("client"), "placement_id": in("id.placement"), "worker_id": loaded("worker")},
	"timesheet.approved":           {"expenses[].description": expenseDesc, "expenses[].type": expenseType, "hash": contentHash, "lines[].hour_type.code": hourTypeCode, "lines[].hour_type.name": hourTypeName},
	"timesheet.expense_added":      {"expense.description": in("timesheet.expense.description"), "expense.type": in("timesheet.expense.type")},
	"timesheet.expense_removed":    {},
	"timesheet.imported":           {"hash": contentHash, "import_batch": in("timesheet.import_batch")},
	"timesheet.line_set":           {"line.hour_type.code": hourTypeCode, "line.hour_type.name": hourTypeName},
	"timesheet.line_wiped":         {"hour_type": fixed("the code of an existing line (WipeLine refuses any other)")},
	"timesheet.offered":            {"chain[]": from("client.registered agreement.approval_chain[]"), "hash": contentHash, "lines[].hour_type.code": hourTypeCode, "lines[].hour_type.name": hourTypeName, "next": from("client.registered agreement.approval_chain[]")},
	"timesheet.opened": {
		"client_id": loaded("placement"), "entered_by": from("client.registered agreement.entered_by"), "intermediary_id": loaded("placement"),
		"normal_hour_type.code": hourTypeCode, "normal_hour_type.name": hourTypeName, "placement_id": in("id.placement"), "worker_id": loaded("placement"),
	},
	"timesheet.offer_withdrawn":    {"by": role("the actor's session"), "hash": contentHash},
	"timesheet.rejected":           {"by": role("the actor's session"), "hash": contentHash, "party": from("client.registered agreement.approval_chain[]"), "reason": in("timesheet.reject_reason"), "returned_to": from("client.registered agreement.entered_by")},
	"timesheet.remark_added":       {"remark.by": role("the actor's session"), "remark.text": in("timesheet.remark")},
	"timesheet.step_approved":      {"by": role("the actor's session"), "hash": contentHash, "next": from("client.registered agreement.approval_chain[]"), "party": from("client.registered agreement.approval_chain[]")},
	"timesheet.time_entry_added":   {"normal_line.hour_type.code": hourTypeCode, "normal_line.hour_type.name": hourTypeName},
	"timesheet.time_entry_changed": {"normal_line.hour_type.code": hourTypeCode, "normal_line.hour_type.name": hourTypeName},
	"timesheet.time_entry_removed": {"normal_line.hour_type.code": hourTypeCode, "normal_line.hour_type.name": hourTypeName},
	"timesheet.reopened": {"by": role("the actor's session"), "hash": contentHash, "import_batch": from("timesheet.imported import_batch"),
		"reason": in("timesheet.reopen_reason"), "returned_to": from("client.registered agreement.entered_by")},
	"payroll.settings_set": {"client_id": in("id.client"), "settings.administration": in("payroll.administration"),
		"settings.debtor_number": in("payroll.debtor_number"), "settings.relation": in("payroll.relation"),
		"settings.package": fixed("a Target constant, checked against payroll.Targets"), "settings.period": fixed("a PeriodKind constant, checked")},
	"payroll.mapping_set": {"client_id": in("id.client"), "entries[].code": hourTypeCode, "entries[].kind": fixed("a SourceKind constant, checked"),
		"entries[].nmbrs": in("payroll.component"), "entries[].loket": fixed("the story's constant; checked by the same component check as entries[].nmbrs"),
		"entries[].easyflex": fixed("the story's constant; checked as entries[].nmbrs"), "entries[].afas": fixed("the story's constant; checked as entries[].nmbrs"),
		"valid_from": fixed("a date the domain formats after validate.ParseDate")},
	"payroll.personnel_number_set": {"administration": from("payroll.settings_set settings.administration"),
		"personnel_number": in("payroll.personnel_number"), "worker_id": in("id.worker")},
	"payroll.batch_created": {"batch_id": fixed("made by the domain: the client ID, the period and a count"), "client_id": in("id.client"), "includes[]": fixed("made by the domain: the client ID, the period and a count"),
		"mapping[].afas": from("payroll.mapping_set entries[].afas"), "mapping[].code": from("payroll.mapping_set entries[].code"),
		"mapping[].easyflex": from("payroll.mapping_set entries[].easyflex"), "mapping[].kind": from("payroll.mapping_set entries[].kind"),
		"mapping[].loket": from("payroll.mapping_set entries[].loket"), "mapping[].nmbrs": from("payroll.mapping_set entries[].nmbrs"),
		"period.Kind":             fixed("a PeriodKind constant (the JSON form is the period's text)"),
		"settings.administration": from("payroll.settings_set settings.administration"), "settings.debtor_number": from("payroll.settings_set settings.debtor_number"),
		"settings.package": from("payroll.settings_set settings.package"), "settings.period": from("payroll.settings_set settings.period"),
		"settings.relation": from("payroll.settings_set settings.relation"), "sources[]": fixed("kind:code of the items' quantities, both checked")},
	"payroll.batch_items_added": {"batch_id": fixed("made by the domain: the client ID, the period and a count"), "items[].correction.original_batch": fixed("made by the domain: the client ID, the period and a count"),
		"items[].expenses[].type": expenseType, "items[].hash": contentHash, "items[].lines[].hour_type": hourTypeCode,
		"items[].name":             fixed("the worker's full name, joined from the worker.registered name fields (each covered)"),
		"items[].personnel_number": from("payroll.personnel_number_set personnel_number"),
		"items[].placement":        in("id.placement"), "items[].worker_id": in("id.worker")},
	"payroll.batch_confirmed": {"batch_id": fixed("made by the domain: the client ID, the period and a count")},
	"payroll.batch_cancelled": {"batch_id": fixed("made by the domain: the client ID, the period and a count"), "reason": in("payroll.cancel_reason")},
	"worker.registered":       {"client_id": loaded("client"), "email": in("worker.email"), "function": in("worker.function"), "name.first": in("worker.name.first"), "name.infix": in("worker.name.infix"), "name.last": in("worker.name.last"), "worker_id": in("id.worker")},
}

// Every package under domain/ with an event registry is in
// domaintest.Registries, so a new aggregate cannot escape the table.
func TestEveryRegistryIsListed(t *testing.T) {
	files, err := filepath.Glob("../*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "domain.NewRegistry(") {
			continue
		}
		pkg := filepath.Base(filepath.Dir(f))
		if _, ok := domaintest.Registries[pkg]; !ok {
			t.Errorf("%s declares an event registry that domaintest.Registries does not list", f)
		}
	}
}

// Every string field of every registered event type has a source; every
// source names an input of the story or a covered field.
func TestTextCoverageIsComplete(t *testing.T) {
	var types []string
	for pkg, reg := range domaintest.Registries {
		for _, typ := range reg.Types() {
			types = append(types, typ)
			fields, ok := coverage[typ]
			if !ok {
				t.Errorf("%s: event type %s has no entry in coverage", pkg, typ)
				continue
			}
			paths := domaintest.StringFields(reg, typ)
			for _, p := range paths {
				if _, ok := fields[p]; !ok {
					t.Errorf("%s: string field %q has no source in coverage: say which input produces it", typ, p)
				}
			}
			for p := range fields {
				if !slices.Contains(paths, p) {
					t.Errorf("%s: coverage names %q, which is not a string field of the event", typ, p)
				}
			}
		}
	}
	for typ, fields := range coverage {
		if !slices.Contains(types, typ) {
			t.Errorf("coverage names %s, which no registry knows", typ)
		}
		for p, src := range fields {
			if err := resolves(src, 0); err != "" {
				t.Errorf("%s %s: %s", typ, p, err)
			}
		}
	}
}

func resolves(src source, depth int) string {
	switch {
	case depth > 5:
		return "a cycle of from() references"
	case src.input != "":
		if _, ok := domaintest.TextNamed(src.input); !ok {
			return "input " + src.input + " is not an input of the story"
		}
	case src.from != "":
		typ, path, _ := strings.Cut(src.from, " ")
		next, ok := coverage[typ][path]
		if !ok {
			return src.from + " is not in coverage"
		}
		return resolves(next, depth+1)
	case src.fixed == "":
		return "an empty source"
	}
	return ""
}

// hostileValues are the values driven through one input: the default with
// a poison character in the middle, and a value one character too long.
func hostileValues(txt domaintest.Text) map[string]string {
	base := txt.Default
	if base == "" {
		base = "id-1"
	}
	mid := len(base) / 2
	for mid > 0 && !utf8.RuneStart(base[mid]) {
		mid--
	}
	inject := func(s string) string { return base[:mid] + s + base[mid:] }
	long := 10_000
	if txt.Max > 0 {
		long = txt.Max + 1
	}
	out := map[string]string{
		"NUL":           inject("\x00"),
		"escape":        inject("\x1b"),
		"DEL":           inject("\x7f"),
		"C1 NEL":        inject("\u0085"),
		"invalid UTF-8": inject("\xff"),
		"surrogate":     inject("\xed\xa0\x80"),
		"RLO U+202E":    inject("\u202e"),
		"RLI U+2067":    inject("\u2067"),
		"noncharacter":  inject("\uffff"),
		"very long":     "1" + strings.Repeat("x", long-1),
	}
	if txt.Single {
		out["line feed"] = inject("\n")
		out["tab"] = inject("\t")
	}
	return out
}

// safeStory fails when any recorded event holds a text a projector could
// not store or a user could be fooled by.
func safeStory(t *testing.T, s domaintest.Story) {
	t.Helper()
	for _, e := range s.Events {
		for _, v := range domaintest.StringsOf(e.Event) {
			if !validate.SafeText(v) {
				t.Fatalf("%s recorded the unsafe text %q", e.Event.EventType(), v)
			}
		}
	}
}

// TestHostileTextsAreRefused drives every hostile value through every
// input of the story: the command taking it refuses it with a typed error
// on the input's field (422 for a free text), records nothing, and nothing
// unsafe was recorded before. A normalised input (a file name) is cleaned
// instead.
func TestHostileTextsAreRefused(t *testing.T) {
	full := domaintest.Run("full", nil, domaintest.Numbers{})
	if full.Err != nil {
		t.Fatalf("the default story fails at %s: %v", full.Failed, full.Err)
	}
	used := map[string]bool{}
	for _, fields := range coverage {
		for _, src := range fields {
			used[src.input] = true
		}
	}
	var names []string
	for _, txt := range domaintest.Texts {
		names = append(names, txt.Name)
		if !used[txt.Name] {
			t.Errorf("input %s reaches no event field in coverage", txt.Name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		txt, _ := domaintest.TextNamed(name)
		for hname, v := range hostileValues(txt) {
			s := domaintest.Run("h", domaintest.Inputs{name: v}, domaintest.Numbers{})
			safeStory(t, s)
			if txt.Normalised {
				if s.Err != nil {
					t.Errorf("%s (%s): a normalised input was refused: %v", name, hname, s.Err)
				}
				continue
			}
			var de *domain.Error
			if !errors.As(s.Err, &de) {
				t.Errorf("%s (%s): want a typed refusal, got %v", name, hname, s.Err)
				continue
			}
			if len(s.Events) >= len(full.Events) {
				t.Errorf("%s (%s): the refused story recorded %d events, as many as the full one", name, hname, len(s.Events))
			}
			if de.Field != txt.Field {
				t.Errorf("%s (%s): field %q, want %q (%v)", name, hname, de.Field, txt.Field, de)
			}
			if txt.Max > 0 {
				if de.Kind != domain.KindRule || (de.Code != "text_encoding" && de.Code != "too_long") {
					t.Errorf("%s (%s): want a 422 text_encoding or too_long, got %+v", name, hname, de)
				}
			} else if de.Kind != domain.KindInvalid && de.Kind != domain.KindRule {
				t.Errorf("%s (%s): want a 400 or 422, got %+v", name, hname, de)
			}
		}
	}
}

// A multi-line text keeps its line breaks: the refusals above are about
// the characters, not about lines.
func TestMultiLineInputsKeepLines(t *testing.T) {
	for _, txt := range domaintest.Texts {
		if !txt.MultiLine {
			continue
		}
		v := "regel één 🙂\nregel\ttwee"
		s := domaintest.Run("ml", domaintest.Inputs{txt.Name: v}, domaintest.Numbers{})
		if s.Err != nil {
			t.Fatalf("%s: %v", txt.Name, s.Err)
		}
		found := false
		for _, e := range s.Events {
			found = found || slices.Contains(domaintest.StringsOf(e.Event), v)
		}
		if !found {
			t.Errorf("%s: %q was not recorded as entered", txt.Name, v)
		}
	}
}

// FuzzStoryInput: any value in any input of the story either is refused or
// is recorded only as safe text.
//
//	go test ./domain/domaintest -run '^$' -fuzz FuzzStoryInput -fuzztime 1m
func FuzzStoryInput(f *testing.F) {
	for i, txt := range domaintest.Texts {
		for _, v := range hostileValues(txt) {
			f.Add(i, v)
		}
		f.Add(i, txt.Default)
	}
	f.Fuzz(func(t *testing.T, i int, v string) {
		txt := domaintest.Texts[uint(i)%uint(len(domaintest.Texts))]
		s := domaintest.Run("f", domaintest.Inputs{txt.Name: v}, domaintest.Numbers{})
		safeStory(t, s)
		var de *domain.Error
		if s.Err != nil && !errors.As(s.Err, &de) {
			t.Fatalf("%s = %q: untyped error %v", txt.Name, v, s.Err)
		}
	})
}
