package payroll

import "backoffice/domain"

// Event type names.
//
// WARNING: these names are stored with every event forever. Never rename
// one; add a new event type instead.
const (
	TypeSettingsSet        = "payroll.settings_set"
	TypeMappingSet         = "payroll.mapping_set"
	TypePersonnelNumberSet = "payroll.personnel_number_set"
	TypeBatchCreated       = "payroll.batch_created"
	TypeBatchItemsAdded    = "payroll.batch_items_added"
	TypeBatchConfirmed     = "payroll.batch_confirmed"
	TypeBatchCancelled     = "payroll.batch_cancelled"
)

// Events is the registry of the payroll event payloads.
var Events = domain.NewRegistry(
	&SettingsSet{}, &MappingSet{}, &PersonnelNumberSet{},
	&BatchCreated{}, &BatchItemsAdded{}, &BatchConfirmed{}, &BatchCancelled{},
)

// Stream name prefixes.
//
// WARNING: stored stream names; never change.
const (
	ClientStreamPrefix  = "payroll-client-"
	WorkerStreamPrefix  = "payroll-worker-"
	ExportsStreamPrefix = "payroll-exports-"
)

// ClientStream, WorkerStream and ExportsStream name the aggregates' streams.
func ClientStream(clientID string) string  { return ClientStreamPrefix + clientID }
func WorkerStream(workerID string) string  { return WorkerStreamPrefix + workerID }
func ExportsStream(clientID string) string { return ExportsStreamPrefix + clientID }

// SettingsSet records a client's payroll settings (replacing earlier ones).
type SettingsSet struct {
	ClientID string   `json:"client_id"`
	Settings Settings `json:"settings"`
}

// MappingSet records the client's complete mapping valid from a date (a
// CAO change): it replaces the mapping from that date on.
type MappingSet struct {
	ClientID  string    `json:"client_id"`
	ValidFrom string    `json:"valid_from"` // YYYY-MM-DD
	Entries   []Mapping `json:"entries"`
}

// PersonnelNumberSet records a worker's personnel number in an employer
// administration (replacing an earlier one there).
type PersonnelNumberSet struct {
	WorkerID        string `json:"worker_id"`
	Administration  string `json:"administration"`
	PersonnelNumber string `json:"personnel_number"`
}

// BatchCreated opens an export batch. It fixes everything the files are
// made of besides the items: period, settings and the mapping in force.
// The items follow in BatchItemsAdded events of the same append.
type BatchCreated struct {
	BatchID  string    `json:"batch_id"`
	ClientID string    `json:"client_id"`
	Period   Period    `json:"period"`
	Settings Settings  `json:"settings"`
	Mapping  []Mapping `json:"mapping"`
	Items    int       `json:"items"` // number of items that follow
	// Includes are the client's batches of the same period confirmed
	// before this one: formats that take absolute totals per period
	// (Loket) add their items to this batch's.
	Includes []string `json:"includes,omitempty"`
	// Sources are the sources the items have quantities of ("hours:100",
	// "expense:parking"), sorted: a file's mapping check needs no pass
	// over the items.
	Sources []string `json:"sources,omitempty"`
}

// BatchItemsAdded carries a chunk of a new batch's items (at most
// MaxItemsPerEvent), in file order.
type BatchItemsAdded struct {
	BatchID string `json:"batch_id"`
	Items   []Item `json:"items"`
}

// BatchConfirmed records that payroll imported the batch: final.
type BatchConfirmed struct {
	BatchID string `json:"batch_id"`
}

// BatchCancelled records that the batch was withdrawn before confirmation;
// its timesheets return to the backlog.
type BatchCancelled struct {
	BatchID string `json:"batch_id"`
	Reason  string `json:"reason,omitempty"`
}

func (*SettingsSet) EventType() string        { return TypeSettingsSet }
func (*MappingSet) EventType() string         { return TypeMappingSet }
func (*PersonnelNumberSet) EventType() string { return TypePersonnelNumberSet }
func (*BatchCreated) EventType() string       { return TypeBatchCreated }
func (*BatchItemsAdded) EventType() string    { return TypeBatchItemsAdded }
func (*BatchConfirmed) EventType() string     { return TypeBatchConfirmed }
func (*BatchCancelled) EventType() string     { return TypeBatchCancelled }
