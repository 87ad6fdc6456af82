package timesheetapi_test

import (
	"testing"
)

// TestBulkItemErrorsSpeakTheLanguage: a bulk approval's per-item refusal
// is worded in the request's language, as every other error (it was
// English only).
func TestBulkItemErrorsSpeakTheLanguage(t *testing.T) {
	e := newEnv(t)
	for lang, want := range map[string]string{"nl": "Het urenbriefje is niet aangeboden.", "en": "the timesheet has not been offered"} {
		var bulk struct {
			Results []struct {
				Status int `json:"status"`
				Error  struct {
					Code, Message string
				} `json:"error"`
			} `json:"results"`
		}
		e.must(200, "POST", "/timesheets/approve", "client1", map[string]any{"items": []map[string]any{{"placement": "p1", "week": "2026-W05"}}},
			"Accept-Language", lang).Decode(t, &bulk)
		if len(bulk.Results) != 1 || bulk.Results[0].Error.Code != "not_offered" || bulk.Results[0].Error.Message != want {
			t.Errorf("%s: %+v, want not_offered %q", lang, bulk.Results, want)
		}
	}
}
