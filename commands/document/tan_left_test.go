package document_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
)

// TestWrongTANSaysHowManyTriesAreLeft: a wrong TAN said only "De
// verificatiecode is onjuist.", so a signer could not know that the fifth
// mistake blocks the request. Each wrong TAN now says how many tries are
// left (Dutch and English), still as tan_wrong on the field tan.
func TestWrongTANSaysHowManyTriesAreLeft(t *testing.T) {
	e, id, tan := askedToSign(t, "Contract")
	in := cmd.Signature{TAN: wrongTAN(tan), ReadConfirmed: true}
	for i := 1; i < cmd.MaxTANAttempts; i++ {
		_, err := e.Handler.Sign(context.Background(), dt.Meta(e.Client1), id, in)
		var de *domain.Error
		if !errors.Is(err, cmd.ErrTANWrong) || !errors.As(err, &de) || de.Field != "tan" {
			t.Fatalf("wrong TAN %d: %v", i, err)
		}
		left := cmd.MaxTANAttempts - i
		nl := fmt.Sprintf("De verificatiecode is onjuist. U kunt het nog %d keer proberen.", left)
		en := fmt.Sprintf("%d attempt", left)
		if de.MessageNL != nl || !strings.Contains(de.Message, en) {
			t.Fatalf("wrong TAN %d: %q / %q, want %q and %q", i, de.MessageNL, de.Message, nl, en)
		}
	}
}
