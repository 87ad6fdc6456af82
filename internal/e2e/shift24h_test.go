package e2e_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// dayTotal24 is Monday's total of 24 hours on the timesheet page.
const dayTotal24 = `data-day-total="0">24<`

// TestPortal24HourShift: in the portal, a start equal to the end is
// refused with a message that names the 24-hour shift choice, and saved
// as a 24-hour shift when that box is ticked (issue 11 §2).
func TestPortal24HourShift(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	jan := login(e, t, janEmail)
	sheet := "/plaatsingen/" + janPlacement + "/weken/2026-W06"
	form := url.Values{"dag": {"2026-02-02"}, "begin": {"08:00"}, "eind": {"08:00"}, "pauze": {"0:00"}}
	status, body := jan.post(sheet+"/tijden", form)
	if !strings.Contains(body, "24-uursdienst") || !strings.Contains(body, `name="etmaaldienst"`) || strings.Contains(body, dayTotal24) {
		t.Fatalf("start = end without the box: %d\n%s", status, body)
	}
	form.Set("etmaaldienst", "1")
	if status, body := jan.post(sheet+"/tijden", form); status != http.StatusOK || !strings.Contains(body, dayTotal24) {
		t.Fatalf("a 24-hour shift: %d\n%s", status, body)
	}
}
