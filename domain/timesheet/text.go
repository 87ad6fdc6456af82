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

// nonEmpty runs check and refuses a value that is empty once checked.
func nonEmpty(check func(field, s string, maxLen int) (string, error), field, s string, maxLen int, empty error) (string, error) {
	s, err := check(field, s, maxLen)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", empty
	}
	return s, nil
}

func remarkText(s string) (string, error) {
	return nonEmpty(validate.MultiLine, "text", s, MaxRemarkLength,
		domain.Invalid("remark_empty", "text", "the remark is empty", "De opmerking is leeg."))
}

func errTooManyRemarks() error {
	return domain.Rule("too_many_remarks", "text",
		"this timesheet has the maximum of 200 remarks; put further notes in an existing remark or contact the back office",
		"Dit urenbriefje heeft al het maximum van 200 opmerkingen; vul een bestaande opmerking aan of neem contact op met het backofficebureau.")
}

func reasonText(s string) (string, error) {
	return nonEmpty(validate.MultiLine, "reason", s, MaxReasonLength,
		domain.Invalid("reason_required", "reason", "give a reason for the rejection", "Geef een reden voor het afkeuren."))
}

func descriptionText(s string) (string, error) {
	return validate.OptionalText("description", s, MaxDescriptionLength)
}

func importBatchText(s string) (string, error) {
	return nonEmpty(validate.Label, "import_batch", s, MaxImportBatchLength,
		domain.Invalid("import_batch_required", "import_batch", "the import batch is required", "De importbatch ontbreekt."))
}
