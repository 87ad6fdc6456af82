package domain

// UnmarshalText is the body of UnmarshalText of a value with a text form (a
// week, a time of day, a payroll period): it parses b into *dst and leaves
// *dst as it was when parse refuses b.
func UnmarshalText[T any](dst *T, b []byte, parse func(string) (T, error)) error {
	v, err := parse(string(b))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}
