package takeout

import (
	"math"

	"github.com/fitexport/fitexport/transform"
)

// A fast path for the series families: a minimal scanner for the one shape
// they have, [{"dateTime":"…","value":…},…], several times faster than
// encoding/json. Anything it does not expect (an escape in a string, a bad
// entry, malformed JSON) makes it give up, and decodeFamily decodes the
// file again with encoding/json, which reports the error with its line.

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\n', '\r', '\t':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string without escapes.
func (s *scanner) str() (string, bool) {
	b, ok := s.raw()
	return string(b), ok
}

// raw reads a string without escapes and returns its bytes (no copy).
func (s *scanner) raw() ([]byte, bool) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	start := s.i + 1
	for j := start; j < len(s.b); j++ {
		switch s.b[j] {
		case '"':
			s.i = j + 1
			return s.b[start:j], true
		case '\\':
			return nil, false
		}
	}
	return nil, false
}

// scalar reads a string or a number as a Num (null is absent).
func (s *scanner) scalar() (transform.Num, bool) {
	s.ws()
	if s.i >= len(s.b) {
		return transform.Num{}, false
	}
	if s.b[s.i] == '"' {
		v, ok := s.str()
		return transform.NumOf(v), ok
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= 'a' && c <= 'z') {
			s.i++
			continue
		}
		break
	}
	tok := string(s.b[start:s.i])
	switch {
	case tok == "null":
		return transform.Num{}, true
	case tok == "" || tok == "true" || tok == "false":
		return transform.Num{}, false
	}
	return transform.NumOf(tok), true
}

// skip skips any value.
func (s *scanner) skip() bool {
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, ok := s.str()
		return ok
	case '{':
		return s.object(func([]byte) bool { return s.skip() })
	case '[':
		s.i++
		if s.eat(']') {
			return true
		}
		for {
			if !s.skip() {
				return false
			}
			if s.eat(',') {
				continue
			}
			return s.eat(']')
		}
	}
	_, ok := s.scalar()
	return ok
}

// object reads {"key":value,…}; field must consume the value.
func (s *scanner) object(field func(key []byte) bool) bool {
	if !s.eat('{') {
		return false
	}
	if s.eat('}') {
		return true
	}
	for {
		key, ok := s.raw()
		if !ok || !s.eat(':') || !field(key) {
			return false
		}
		if s.eat(',') {
			continue
		}
		return s.eat('}')
	}
}

// array reads [elem,…] and requires the end of the input after it.
func (s *scanner) array(elem func() bool) bool {
	if !s.eat('[') {
		return false
	}
	if !s.eat(']') {
		for {
			if !elem() {
				return false
			}
			if s.eat(',') {
				continue
			}
			if !s.eat(']') {
				return false
			}
			break
		}
	}
	s.ws()
	return s.i == len(s.b)
}

// fastDecode decodes a samples, minutes or daily file; ok is false when
// the file needs encoding/json (it is then decoded again).
func fastDecode(f *family, data []byte) (*decoded, bool) {
	if f.kind != kindSamples && f.kind != kindMinutes && f.kind != kindDaily {
		return nil, false
	}
	dec := &decoded{}
	s := &scanner{b: data}
	ok := s.array(func() bool {
		var stamp []byte
		var n transform.Num
		ok := s.object(func(key []byte) bool {
			switch string(key) {
			case "dateTime":
				var ok bool
				stamp, ok = s.raw()
				return ok
			case "value":
				if f.kind != kindSamples {
					var ok bool
					n, ok = s.scalar()
					return ok
				}
				return s.object(func(key []byte) bool {
					if string(key) == "bpm" {
						var ok bool
						n, ok = s.scalar()
						return ok
					}
					return s.skip()
				})
			}
			return s.skip()
		})
		if !ok {
			return false
		}
		day, sec, ok := parseStamp(stamp)
		if !ok {
			return false
		}
		x, err := f.convert(n)
		if err != nil {
			return false
		}
		switch f.kind {
		case kindSamples:
			if x > 0 && x <= math.MaxInt16 {
				dec.add(day, sample{sec, x})
			}
		case kindMinutes:
			dec.add(day, sample{sec, x})
		case kindDaily:
			dec.set(day, x)
		}
		return true
	})
	return dec, ok
}
