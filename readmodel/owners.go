package readmodel

// Owners names, for every table of the application, the one package that
// owns it: its migrations create the table (Sets; the event store's,
// ledger's and checkpoints' own) and only its non-test code writes it
// (INSERT, UPDATE, DELETE, TRUNCATE). Other packages call the owner's Go
// functions to change its rows, and to read a private table (one not
// under readmodel/): only the read models are there for every query to
// read. TestTableOwners (owners_test.go) checks the first two,
// TestTableReads (reads_test.go) the reads, with its list of known debts;
// docs/architecture.md "Who owns which table" is this list for people.
var Owners = map[string]string{
	// API idempotency (http/api/idempotency.go).
	"idempotency_keys": "http/api",

	// Login: credentials, tokens, sessions, throttling, integration tokens.
	"credentials":    "commands/auth",
	"auth_tokens":    "commands/auth",
	"sessions":       "commands/auth",
	"login_failures": "commands/auth",
	"api_tokens":     "commands/auth",

	// The identity vault: personal data never in events, and the BSN index.
	"data_keys":              "commands/identity",
	"personal_data":          "commands/identity",
	"personal_data_erasures": "commands/identity",
	"personal_data_bsn":      "commands/identity",

	// Document files (upload) and each signature request's TAN and link.
	"document_files":      "commands/document",
	"document_tans":       "commands/document",
	"document_sign_links": "commands/document",
	// Invoice numbers claimed per client (one use each).
	"document_invoice_numbers": "commands/document",

	// Read models (projectors).
	"intermediaries":     "readmodel/identity",
	"clients":            "readmodel/identity",
	"client_agreements":  "readmodel/identity",
	"workers":            "readmodel/identity",
	"placements":         "readmodel/identity",
	"accounts":           "readmodel/identity",
	"ts_placements":      "readmodel/timesheets",
	"ts_timesheets":      "readmodel/timesheets",
	"ts_status_counts":   "readmodel/timesheets",
	"payroll_timesheets": "readmodel/payroll",
	"payroll_feed":       "readmodel/payroll",
	"documents":          "readmodel/documents",
	"document_versions":  "readmodel/documents",
	"mw_placements":      "readmodel/missingweeks",
	"mw_sheets":          "readmodel/missingweeks",
	"missing_weeks":      "readmodel/missingweeks",
	"missing_window":     "readmodel/missingweeks",

	// Side effects: the mail queue, the mailers' memory, settings, reminders.
	"mail_deliveries":        "notify/mail",
	"sms_deliveries":         "notify/sms",
	"link_requests":          "notify/linkmail",
	"mail_recipient_names":   "notify/reactors",
	"notify_event_mails":     "notify/reactors",
	"document_decline_mails": "notify/reactors",
	"sign_tan_records":       "notify/reactors",
	"notify_settings":        "notify/prefs",
	"notify_reminders":       "notify/reminders",

	// The ledger and the projections runtime (their own migrations).
	"eventstore_streams":     "eventstore/postgres",
	"eventstore_events":      "eventstore/postgres",
	"eventstore_chain":       "eventstore/postgres",
	"ledger_digests":         "eventstore/ledger",
	"ledger_heads":           "eventstore/ledger",
	"projection_checkpoints": "projections",
}
