package sms

import "strings"

// SignTAN is the text with the TAN of a signature request (manual §5.1),
// in the signer's language ("en", else Dutch). It names no document: the
// mail with the link does.
func SignTAN(lang, tan string) Message {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en") {
		return Message{Body: "Backofficebureau: your TAN code to sign the document is " + tan +
			". Open the link in the e-mail we sent you. Never share this code."}
	}
	return Message{Body: "Backofficebureau: uw TAN-code voor het ondertekenen van het document is " + tan +
		". Open de link in de e-mail die wij u stuurden. Deel deze code met niemand."}
}
