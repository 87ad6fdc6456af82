// Package eml reads back the messages the mail package writes: headers and
// the plain-text body of a (possibly multipart) RFC 5322 message.
package eml

import (
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// Parsed is a decoded message.
type Parsed struct {
	Header  mail.Header
	From    string
	To      []string
	Subject string
	Date    time.Time
	Text    string // the text/plain part, decoded
	HTML    string // the text/html part, decoded
}

var dec = mime.WordDecoder{}

// Parse decodes a message.
func Parse(r io.Reader) (Parsed, error) {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return Parsed{}, fmt.Errorf("eml: %w", err)
	}
	p := Parsed{Header: m.Header}
	p.Subject, err = dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		p.Subject = m.Header.Get("Subject")
	}
	p.From = m.Header.Get("From")
	if list, err := m.Header.AddressList("To"); err == nil {
		for _, a := range list {
			p.To = append(p.To, a.Address)
		}
	}
	p.Date, _ = m.Header.Date()
	if err := p.body(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body, 0); err != nil {
		return p, err
	}
	return p, nil
}

func (p *Parsed) body(ctype, cte string, r io.Reader, depth int) error {
	if depth > 5 {
		return fmt.Errorf("eml: multipart nested too deep")
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if ctype == "" || err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("eml: %w", err)
			}
			if err := p.body(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part, depth+1); err != nil {
				return err
			}
		}
	}
	if mt != "text/plain" && mt != "text/html" {
		return nil
	}
	var dr io.Reader = r
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		dr = quotedprintable.NewReader(r)
	case "base64":
		dr = base64.NewDecoder(base64.StdEncoding, r) // ignores line breaks
	}
	b, err := io.ReadAll(dr)
	if err != nil {
		return fmt.Errorf("eml: body: %w", err)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	if mt == "text/plain" && p.Text == "" {
		p.Text = s
	} else if mt == "text/html" && p.HTML == "" {
		p.HTML = s
	}
	return nil
}
