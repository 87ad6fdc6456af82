package payrollfile

import (
	"bufio"
	"encoding/json"
	"io"

	"backoffice/domain/payroll"
)

// jsonLine is one line of the canonical export: the batch and one
// exported timesheet with its approved content (minutes and cents).
type jsonLine struct {
	Batch    string `json:"batch"`
	ClientID string `json:"client_id"`
	Period   string `json:"period"`
	payroll.Item
}

// writeJSONL writes one JSON object per item, in file order.
func writeJSONL(w io.Writer, b *payroll.Batch) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, it := range b.Items {
		if err := enc.Encode(jsonLine{Batch: b.Created.BatchID, ClientID: b.Created.ClientID,
			Period: b.Created.Period.String(), Item: it}); err != nil {
			return err
		}
	}
	return bw.Flush()
}
