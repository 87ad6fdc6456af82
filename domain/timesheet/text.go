package timesheet

import (
	"backoffice/domain"
	"backoffice/domain/validate"
)

// The texts a timesheet's events carry go through the shared check of
// domain/validate (see docs/validation.md): a remark and a rejection reason
// are multi-line, an expense description and an import batch one line.
// Error fields are the API's input names (a remark is {"text"}).

// MaxRemarks caps the remarks on one timesheet: a week's remarks are read
// on one screen and travel with every detail answer.
const MaxRemarks = 200

// MaxImportBatchLength is the longest import batch reference.
const MaxImportBatchLength = 100

func remarkText(s string) (string, error) {
	s, err := validate.MultiLine("text", s, MaxRemarkLength)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", domain.Invalid("remark_empty", "text", "the remark is empty", "De opmerking is leeg.")
	}
	return s, nil
}

func errTooManyRemarks() error {
	return domain.Rule("too_many_remarks", "text",
		"this timesheet has the maximum of 200 remarks; put further notes in an existing remark or contact the back office",
		"Dit urenbriefje heeft al het maximum van 200 opmerkingen; vul een bestaande opmerking aan of neem contact op met het backofficebureau.")
}

func reasonText(s string) (string, error) {
	s, err := validate.MultiLine("reason", s, MaxReasonLength)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", domain.Invalid("reason_required", "reason", "give a reason for the rejection", "Geef een reden voor het afkeuren.")
	}
	return s, nil
}

func descriptionText(s string) (string, error) {
	return validate.OptionalText("description", s, MaxDescriptionLength)
}

func importBatchText(s string) (string, error) {
	s, err := validate.Label("import_batch", s, MaxImportBatchLength)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", domain.Invalid("import_batch_required", "import_batch", "the import batch is required", "De importbatch ontbreekt.")
	}
	return s, nil
}
