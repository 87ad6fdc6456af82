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
func writeJSONL(w io.Writer, src Source) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	c := src.Created
	err := src.Items(func(it payroll.Item) error {
		return enc.Encode(jsonLine{Batch: c.BatchID, ClientID: c.ClientID, Period: c.Period.String(), Item: it})
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}
