package mail

import (
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// compose builds the RFC 5322 message both senders write.
func compose(from string, msg Message, now time.Time) (*gomail.Msg, error) {
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	m := gomail.NewMsg()
	if err := m.From(from); err != nil {
		return nil, fmt.Errorf("mail: invalid from address %q: %w", from, err)
	}
	if err := m.To(msg.To); err != nil {
		return nil, errors.New("mail: invalid recipient address")
	}
	m.Subject(msg.Subject)
	m.SetDateWithValue(now)
	m.SetMessageID()
	if msg.Language != "" {
		m.SetGenHeader(gomail.HeaderContentLang, msg.Language)
	}
	switch {
	case msg.TextBody != "" && msg.HTMLBody != "":
		m.SetBodyString(gomail.TypeTextPlain, msg.TextBody)
		m.AddAlternativeString(gomail.TypeTextHTML, msg.HTMLBody)
	case msg.HTMLBody != "":
		m.SetBodyString(gomail.TypeTextHTML, msg.HTMLBody)
	default:
		m.SetBodyString(gomail.TypeTextPlain, msg.TextBody)
	}
	return m, nil
}
