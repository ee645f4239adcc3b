package transform

import (
	"encoding/json"
	"fmt"
	"unsafe"
)

// IntradayPoint is one entry of a Fitbit intraday "dataset" array:
// {"time":"HH:mm:ss","value":N} for heart rate and activity, plus "level"
// and "mets" for calories. A field that is absent or null is the zero Num
// (and Time is "" when "time" is absent or null), exactly as encoding/json
// would leave a fresh struct.
type IntradayPoint struct {
	Time               string
	Value, Level, Mets Num
}

// IntradayRowsEstimate is about the most entries compact intraday answers
// of n bytes in all can hold (an entry such as {"time":"06:59:10","value":72},
// is at least 30 bytes): a transform reserves that many rows
// (array.RecordBuilder.Reserve) before appending, so that its column
// buffers are allocated once instead of regrown and copied as they fill.
// Whitespace or a large summary only make it an overestimate, by at most
// one row per 30 bytes of answer.
func IntradayRowsEstimate(n int) int { return n / 30 }

// maxScanDepth matches encoding/json's nesting limit.
const maxScanDepth = 10000

// ScanIntraday reads a Fitbit intraday response body and calls fn with each
// entry of body[key].dataset, in order; key is the top-level member, such as
// "activities-heart-intraday" or "activities-steps-intraday". It is the
// fast path for the large intraday arrays (a day of 1-second heart rate is
// up to 86,400 entries): one pass over the bytes, no reflection, and no
// allocation per entry in the common case.
//
// found reports whether the member is present and not null; a missing
// "dataset" inside it (or "dataset": null) is found with no entries.
//
// The whole body is checked as strictly as encoding/json checks it (syntax,
// string escapes, nesting depth, nothing after the value), so malformed
// input is an error, never a partial success. The document is read once,
// front to back: fn may already have been called for some entries when an
// error later in the body is found, so a caller must discard what it built
// when ScanIntraday returns an error (a failed transform does).
//
// Differences from decoding the same body into structs with encoding/json,
// all on inputs Fitbit does not send: member names match exactly (not
// case-insensitively); a second key member, or a second "dataset" in it,
// is an error (encoding/json keeps the last); a value of the wrong JSON type
// ("time" not a string, "dataset" not an array, an entry not an object or
// null) is reported as soon as it is read. Inside an entry a repeated field
// keeps its last value, as with encoding/json.
//
// The strings in the point passed to fn (Time, and the Num values) may
// share memory with body: they are valid while body is not modified. fn must
// not keep the *IntradayPoint itself (it is reused).
func ScanIntraday(body []byte, key string, fn func(pt *IntradayPoint) error) (found bool, err error) {
	s := scanner{b: body}
	s.ws()
	if s.i >= len(s.b) {
		return false, s.syntax("unexpected end of JSON input")
	}
	switch c := s.b[s.i]; c {
	case '{':
	case 'n':
		if err := s.literal("null"); err != nil {
			return false, err
		}
		return false, s.end()
	default:
		if err := s.skipValue(0); err != nil {
			return false, err
		}
		if err := s.end(); err != nil {
			return false, err
		}
		return false, fmt.Errorf("the answer is %s, want a JSON object", kindOf(c))
	}
	s.i++
	first, seen := true, false
	for {
		s.ws()
		if s.i >= len(s.b) {
			return found, s.syntax("unexpected end of JSON input")
		}
		if s.b[s.i] == '}' && first {
			s.i++
			break
		}
		name, err := s.key()
		if err != nil {
			return found, err
		}
		first = false
		if name == key {
			if seen {
				return found, fmt.Errorf("%s appears twice in the answer", key)
			}
			seen = true
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == 'n' {
				// null: as if absent.
				if err := s.literal("null"); err != nil {
					return found, err
				}
			} else {
				found = true
				if err := s.intraday(key, fn); err != nil {
					return found, err
				}
			}
		} else if err := s.skipValue(1); err != nil {
			return found, err
		}
		s.ws()
		if s.i >= len(s.b) {
			return found, s.syntax("unexpected end of JSON input")
		}
		if s.b[s.i] == ',' {
			s.i++
			continue
		}
		if s.b[s.i] == '}' {
			s.i++
			break
		}
		return found, s.syntax("after object member: want , or }")
	}
	return found, s.end()
}

type scanner struct {
	b []byte
	i int
	// scratch holds a point between calls of fn.
	pt IntradayPoint
}

func (s *scanner) syntax(msg string) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", s.i, msg)
}

func kindOf(c byte) string {
	switch {
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '{':
		return "an object"
	}
	return "a number"
}

// ws skips JSON whitespace.
func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// end checks that only whitespace follows.
func (s *scanner) end() error {
	s.ws()
	if s.i != len(s.b) {
		return s.syntax("data after the top-level value")
	}
	return nil
}

func (s *scanner) literal(lit string) error {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return s.syntax("invalid literal")
	}
	s.i += len(lit)
	return nil
}

// key reads a member name and the colon after it.
func (s *scanner) key() (string, error) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return "", s.syntax("want a member name")
	}
	name, err := s.str()
	if err != nil {
		return "", err
	}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return "", s.syntax("after member name: want :")
	}
	s.i++
	return name, nil
}

// str reads a JSON string at s.i (which is '"') and returns its value. A
// string of plain printable ASCII is returned as a view of the body;
// anything else (escapes, UTF-8, control characters) goes through
// encoding/json so that errors and replacements are identical.
func (s *scanner) str() (string, error) {
	start := s.i
	j := s.i + 1
	for j < len(s.b) {
		c := s.b[j]
		if c == '"' {
			v := s.b[start+1 : j]
			s.i = j + 1
			return view(v), nil
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return s.slowStr(start)
		}
		j++
	}
	s.i = len(s.b)
	return "", s.syntax("unexpected end of JSON input in a string")
}

func (s *scanner) slowStr(start int) (string, error) {
	end, err := s.skipString(start)
	if err != nil {
		return "", err
	}
	var v string
	if err := json.Unmarshal(s.b[start:end], &v); err != nil {
		s.i = start
		return "", s.syntax("invalid string")
	}
	s.i = end
	return v, nil
}

// skipString validates a string starting at start ('"') and returns the
// offset after its closing quote.
func (s *scanner) skipString(start int) (int, error) {
	j := start + 1
	for j < len(s.b) {
		c := s.b[j]
		switch {
		case c == '"':
			return j + 1, nil
		case c == '\\':
			if j+1 >= len(s.b) {
				s.i = len(s.b)
				return 0, s.syntax("unexpected end of JSON input in a string")
			}
			switch s.b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(s.b) {
					s.i = len(s.b)
					return 0, s.syntax("unexpected end of JSON input in a string")
				}
				for k := j + 2; k < j+6; k++ {
					if !isHex(s.b[k]) {
						s.i = k
						return 0, s.syntax("invalid \\u escape")
					}
				}
				j += 6
			default:
				s.i = j
				return 0, s.syntax("invalid escape in a string")
			}
		case c < 0x20:
			s.i = j
			return 0, s.syntax("control character in a string")
		default:
			j++
		}
	}
	s.i = len(s.b)
	return 0, s.syntax("unexpected end of JSON input in a string")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// view returns b as a string without copying. Callers only use it for
// bytes of the body, which ScanIntraday's contract says stay unmodified.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// number validates a JSON number at s.i and returns its text.
func (s *scanner) number() (string, error) {
	start := s.i
	j := s.i
	if j < len(s.b) && s.b[j] == '-' {
		j++
	}
	switch {
	case j < len(s.b) && s.b[j] == '0':
		j++
	case j < len(s.b) && s.b[j] >= '1' && s.b[j] <= '9':
		for j < len(s.b) && s.b[j] >= '0' && s.b[j] <= '9' {
			j++
		}
	default:
		s.i = j
		return "", s.syntax("invalid number")
	}
	if j < len(s.b) && s.b[j] == '.' {
		j++
		d := j
		for j < len(s.b) && s.b[j] >= '0' && s.b[j] <= '9' {
			j++
		}
		if j == d {
			s.i = j
			return "", s.syntax("invalid number: no digits after .")
		}
	}
	if j < len(s.b) && (s.b[j] == 'e' || s.b[j] == 'E') {
		j++
		if j < len(s.b) && (s.b[j] == '+' || s.b[j] == '-') {
			j++
		}
		d := j
		for j < len(s.b) && s.b[j] >= '0' && s.b[j] <= '9' {
			j++
		}
		if j == d {
			s.i = j
			return "", s.syntax("invalid number: no digits in exponent")
		}
	}
	s.i = j
	return view(s.b[start:j]), nil
}

// skipValue validates and skips any JSON value at s.i (after whitespace).
func (s *scanner) skipValue(depth int) error {
	s.ws()
	if s.i >= len(s.b) {
		return s.syntax("unexpected end of JSON input")
	}
	switch c := s.b[s.i]; {
	case c == '"':
		end, err := s.skipString(s.i)
		if err != nil {
			return err
		}
		s.i = end
		return nil
	case c == '{':
		if depth+1 > maxScanDepth {
			return s.syntax("exceeded max depth")
		}
		s.i++
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == '}' {
			s.i++
			return nil
		}
		for {
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != '"' {
				return s.syntax("want a member name")
			}
			end, err := s.skipString(s.i)
			if err != nil {
				return err
			}
			s.i = end
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return s.syntax("after member name: want :")
			}
			s.i++
			if err := s.skipValue(depth + 1); err != nil {
				return err
			}
			s.ws()
			if s.i >= len(s.b) {
				return s.syntax("unexpected end of JSON input")
			}
			if s.b[s.i] == ',' {
				s.i++
				continue
			}
			if s.b[s.i] == '}' {
				s.i++
				return nil
			}
			return s.syntax("after object member: want , or }")
		}
	case c == '[':
		if depth+1 > maxScanDepth {
			return s.syntax("exceeded max depth")
		}
		s.i++
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ']' {
			s.i++
			return nil
		}
		for {
			if err := s.skipValue(depth + 1); err != nil {
				return err
			}
			s.ws()
			if s.i >= len(s.b) {
				return s.syntax("unexpected end of JSON input")
			}
			if s.b[s.i] == ',' {
				s.i++
				continue
			}
			if s.b[s.i] == ']' {
				s.i++
				return nil
			}
			return s.syntax("after array element: want , or ]")
		}
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		_, err := s.number()
		return err
	}
	return s.syntax(fmt.Sprintf("invalid character %q looking for a value", s.b[s.i]))
}

// rawValue validates the value at s.i and returns its text.
func (s *scanner) rawValue(depth int) (string, error) {
	s.ws()
	start := s.i
	if err := s.skipValue(depth); err != nil {
		return "", err
	}
	return view(s.b[start:s.i]), nil
}

// intraday reads the key member's object (s.i is at its value).
func (s *scanner) intraday(key string, fn func(pt *IntradayPoint) error) error {
	if s.i >= len(s.b) {
		return s.syntax("unexpected end of JSON input")
	}
	if c := s.b[s.i]; c != '{' {
		return fmt.Errorf("%s is %s, want an object", key, kindOf(c))
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	seen := false
	for {
		s.ws()
		name, err := s.key()
		if err != nil {
			return err
		}
		if name == "dataset" {
			s.ws()
			if s.i >= len(s.b) {
				return s.syntax("unexpected end of JSON input")
			}
			if seen {
				return fmt.Errorf("%s.dataset appears twice in the answer", key)
			}
			seen = true
			if err := s.dataset(key, fn); err != nil {
				return err
			}
		} else if err := s.skipValue(2); err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return s.syntax("unexpected end of JSON input")
		}
		if s.b[s.i] == ',' {
			s.i++
			continue
		}
		if s.b[s.i] == '}' {
			s.i++
			return nil
		}
		return s.syntax("after object member: want , or }")
	}
}

// dataset reads the dataset array (s.i is at its value).
func (s *scanner) dataset(key string, fn func(pt *IntradayPoint) error) error {
	switch c := s.b[s.i]; c {
	case 'n':
		return s.literal("null")
	case '[':
	default:
		return fmt.Errorf("%s.dataset is %s, want an array", key, kindOf(c))
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil
	}
	for n := 0; ; n++ {
		s.ws()
		if s.i >= len(s.b) {
			return s.syntax("unexpected end of JSON input")
		}
		s.pt = IntradayPoint{}
		switch c := s.b[s.i]; c {
		case '{':
			if !s.fastEntry() {
				if err := s.entry(key, n); err != nil {
					return err
				}
			}
		case 'n':
			if err := s.literal("null"); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s.dataset[%d] is %s, want an object", key, n, kindOf(c))
		}
		if err := fn(&s.pt); err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return s.syntax("unexpected end of JSON input")
		}
		if s.b[s.i] == ',' {
			s.i++
			continue
		}
		if s.b[s.i] == ']' {
			s.i++
			return nil
		}
		return s.syntax("after array element: want , or ]")
	}
}

// fastEntry reads the compact form Fitbit sends,
// {"time":"HH:mm:ss","value":<digits>}, in one go; it leaves s.i alone and
// returns false for anything else.
func (s *scanner) fastEntry() bool {
	const pre, mid = `{"time":"`, `","value":`
	b, i := s.b, s.i
	if len(b)-i < len(pre)+8+len(mid)+2 || string(b[i:i+len(pre)]) != pre {
		return false
	}
	t := i + len(pre)
	for k := t; k < t+8; k++ {
		if c := b[k]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return false
		}
	}
	v := t + 8
	if string(b[v:v+len(mid)]) != mid {
		return false
	}
	d := v + len(mid)
	j := d
	if j < len(b) && b[j] == '-' {
		j++
	}
	k := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == k || j-k > 1 && b[k] == '0' || j >= len(b) || b[j] != '}' {
		return false
	}
	s.pt.Time = view(b[t : t+8])
	s.pt.Value = Num{raw: view(b[d:j]), present: true}
	s.i = j + 1
	return true
}

// entry reads one dataset entry object in its general form (s.i is at '{').
func (s *scanner) entry(key string, n int) error {
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		s.ws()
		name, err := s.key()
		if err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return s.syntax("unexpected end of JSON input")
		}
		switch name {
		case "time":
			switch c := s.b[s.i]; c {
			case '"':
				v, err := s.str()
				if err != nil {
					return err
				}
				s.pt.Time = v
			case 'n':
				if err := s.literal("null"); err != nil {
					return err
				}
				// null leaves a Go string as it was.
			default:
				if err := s.skipValue(4); err != nil {
					return err
				}
				return fmt.Errorf("%s.dataset[%d].time is %s, want a string", key, n, kindOf(c))
			}
		case "value":
			if err := s.num(&s.pt.Value); err != nil {
				return err
			}
		case "level":
			if err := s.num(&s.pt.Level); err != nil {
				return err
			}
		case "mets":
			if err := s.num(&s.pt.Mets); err != nil {
				return err
			}
		default:
			if err := s.skipValue(4); err != nil {
				return err
			}
		}
		s.ws()
		if s.i >= len(s.b) {
			return s.syntax("unexpected end of JSON input")
		}
		if s.b[s.i] == ',' {
			s.i++
			continue
		}
		if s.b[s.i] == '}' {
			s.i++
			return nil
		}
		return s.syntax("after object member: want , or }")
	}
}

// num reads a Num the way Num.UnmarshalJSON does: null is absent, a string
// is its content, anything else is kept as written.
func (s *scanner) num(n *Num) error {
	switch c := s.b[s.i]; {
	case c == 'n':
		if err := s.literal("null"); err != nil {
			return err
		}
		*n = Num{}
	case c == '"':
		v, err := s.str()
		if err != nil {
			return err
		}
		*n = Num{raw: v, present: true}
	case c == '-' || c >= '0' && c <= '9':
		v, err := s.number()
		if err != nil {
			return err
		}
		*n = Num{raw: v, present: true}
	default:
		v, err := s.rawValue(4)
		if err != nil {
			return err
		}
		*n = Num{raw: v, present: true}
	}
	return nil
}
