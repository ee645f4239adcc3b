package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// AIP-160 filters of dataPoints list and reconcile, the subset the Health
// API supports: comparisons `field >= "literal"` and `field < "literal"`
// joined by AND (and OR, with parentheses, for sleep only).

// Filter error reasons (ErrorInfo.reason of the 400 answers).
const (
	reasonFilter       = "INVALID_DATA_POINT_FILTER"
	reasonFilterSyntax = "INVALID_DATA_POINT_FILTER_SYNTAX"
	reasonFilterCivil  = "INVALID_DATA_POINT_FILTER_CIVIL_DATE_TIME_FORMAT"
)

// gFieldKind is what a filter field compares.
type gFieldKind int

const (
	gfPhysical gFieldKind = iota // RFC 3339 instant
	gfCivil                      // YYYY-MM-DD[THH:mm:ss] wall clock
	gfDate                       // YYYY-MM-DD
)

// gCond is one comparison.
type gCond struct {
	kind  gFieldKind
	ge    bool      // >= (otherwise <)
	phys  time.Time // gfPhysical
	civil int64     // gfCivil: wall clock as naive Unix seconds
	date  dates.Date
}

// gFilter is a parsed filter: a tree of AND/OR over comparisons; nil
// matches everything.
type gFilter struct {
	op   byte // 'A' (and), 'O' (or), 'C' (comparison)
	kids []*gFilter
	c    gCond
}

// gFilterKey is the value a point offers to the filter: its filtered
// field as an instant, as civil wall clock and as a date.
type gFilterKey struct {
	phys  time.Time
	civil int64
	date  dates.Date
}

func (f *gFilter) match(k gFilterKey) bool {
	if f == nil {
		return true
	}
	switch f.op {
	case 'A':
		for _, c := range f.kids {
			if !c.match(k) {
				return false
			}
		}
		return true
	case 'O':
		for _, c := range f.kids {
			if c.match(k) {
				return true
			}
		}
		return false
	}
	c := f.c
	var cmp int
	switch c.kind {
	case gfPhysical:
		cmp = k.phys.Compare(c.phys)
	case gfCivil:
		cmp = compareInt(k.civil, c.civil)
	default:
		cmp = k.date.Compare(c.date)
	}
	if c.ge {
		return cmp >= 0
	}
	return cmp < 0
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bounds returns the local days holding the instants (or civil times, or
// dates) the filter can match: lo and hi inclusive, nil for unbounded.
func (f *gFilter) bounds(loc *time.Location) (lo, hi *dates.Date) {
	if f == nil {
		return nil, nil
	}
	switch f.op {
	case 'A', 'O':
		for i, c := range f.kids {
			l, h := c.bounds(loc)
			if i == 0 {
				lo, hi = l, h
				continue
			}
			if f.op == 'A' {
				lo, hi = pickDate(lo, l, true), pickDate(hi, h, false)
			} else {
				lo, hi = widenDate(lo, l, true), widenDate(hi, h, false)
			}
		}
		return lo, hi
	}
	// the local day of the literal; for < the day before the literal's
	// instant (a < bound at midnight excludes that day)
	var d dates.Date
	switch c := f.c; c.kind {
	case gfPhysical:
		t := c.phys
		if !c.ge {
			t = t.Add(-time.Nanosecond)
		}
		d = dates.In(t, loc)
	case gfCivil:
		v := c.civil
		if !c.ge {
			v--
		}
		d = dates.Of(time.Unix(v, 0).UTC())
	default:
		d = c.date
		if !c.ge {
			d = d.AddDays(-1)
		}
	}
	if f.c.ge {
		return &d, nil
	}
	return nil, &d
}

// pickDate intersects bounds: the later of two lower bounds or the
// earlier of two upper bounds.
func pickDate(a, b *dates.Date, lower bool) *dates.Date {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case lower == a.Before(*b):
		return b
	}
	return a
}

// widenDate unites bounds: unbounded wins, else the earlier lower bound or
// the later upper bound.
func widenDate(a, b *dates.Date, lower bool) *dates.Date {
	if a == nil || b == nil {
		return nil
	}
	if lower == a.Before(*b) {
		return a
	}
	return b
}

// Lexer.

type gTokKind int

const (
	tkIdent gTokKind = iota
	tkString
	tkOp     // >= < <= > = != :
	tkLParen // (
	tkRParen // )
	tkAnd
	tkOr
	tkNot
	tkOther // anything else (a bare number, a stray character)
	tkEOF
)

type gTok struct {
	kind gTokKind
	text string
	pos  int
}

func filterErr(reason, format string, args ...any) *gErr {
	e := gErr{http.StatusBadRequest, "INVALID_ARGUMENT", reason, "Invalid filter: " + fmt.Sprintf(format, args...)}
	return &e
}

func isIdentByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		return true
	case c >= '0' && c <= '9', c == '.', c == '-':
		return !first
	}
	return false
}

func lexFilter(s string) ([]gTok, *gErr) {
	var toks []gTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			k := tkLParen
			if c == ')' {
				k = tkRParen
			}
			toks = append(toks, gTok{k, string(c), i})
			i++
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, filterErr(reasonFilterSyntax, "unterminated string literal at position %d", i)
			}
			toks = append(toks, gTok{tkString, s[i+1 : j], i})
			i = j + 1
		case c == '>' || c == '<' || c == '=' || c == '!' || c == ':':
			j := i + 1
			if j < len(s) && s[j] == '=' && c != ':' {
				j++
			}
			op := s[i:j]
			if op == "!" {
				return nil, filterErr(reasonFilterSyntax, "unexpected %q at position %d", op, i)
			}
			toks = append(toks, gTok{tkOp, op, i})
			i = j
		case isIdentByte(c, true):
			j := i + 1
			for j < len(s) && isIdentByte(s[j], false) {
				j++
			}
			w := s[i:j]
			k := tkIdent
			switch w {
			case "AND":
				k = tkAnd
			case "OR":
				k = tkOr
			case "NOT":
				k = tkNot
			}
			toks = append(toks, gTok{k, w, i})
			i = j
		default:
			j := i + 1
			for j < len(s) && s[j] != ' ' && s[j] != ')' && s[j] != '(' {
				j++
			}
			toks = append(toks, gTok{tkOther, s[i:j], i})
			i = j
		}
	}
	return append(toks, gTok{tkEOF, "", len(s)}), nil
}

// Parser.

type filterParser struct {
	toks  []gTok
	i     int
	gt    *gType
	hasOr bool
}

// parseFilter parses and checks a filter for data type gt.
func parseFilter(s string, gt *gType) (*gFilter, *gErr) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	toks, err := lexFilter(s)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks, gt: gt}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tkEOF {
		if t.kind == tkIdent || t.kind == tkString || t.kind == tkLParen {
			return nil, filterErr(reasonFilterSyntax, "expected AND or OR before %q at position %d", t.text, t.pos)
		}
		return nil, filterErr(reasonFilterSyntax, "unexpected %q at position %d", t.text, t.pos)
	}
	if p.hasOr && gt.kind != gkSession {
		return nil, filterErr(reasonFilter, "OR is supported only for sleep; join the comparisons of %s with AND", gt.kebab)
	}
	return f, nil
}

func (p *filterParser) peek() gTok { return p.toks[p.i] }
func (p *filterParser) next() gTok { t := p.toks[p.i]; p.i++; return t }

func (p *filterParser) or() (*gFilter, *gErr) {
	f, err := p.and()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tkOr {
		return f, nil
	}
	node := &gFilter{op: 'O', kids: []*gFilter{f}}
	for p.peek().kind == tkOr {
		p.next()
		p.hasOr = true
		k, err := p.and()
		if err != nil {
			return nil, err
		}
		node.kids = append(node.kids, k)
	}
	return node, nil
}

func (p *filterParser) and() (*gFilter, *gErr) {
	f, err := p.factor()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tkAnd {
		return f, nil
	}
	node := &gFilter{op: 'A', kids: []*gFilter{f}}
	for p.peek().kind == tkAnd {
		p.next()
		k, err := p.factor()
		if err != nil {
			return nil, err
		}
		node.kids = append(node.kids, k)
	}
	return node, nil
}

func (p *filterParser) factor() (*gFilter, *gErr) {
	t := p.next()
	switch t.kind {
	case tkLParen:
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tkRParen {
			return nil, filterErr(reasonFilterSyntax, "missing ) for the ( at position %d", t.pos)
		}
		return f, nil
	case tkNot:
		return nil, filterErr(reasonFilter, "NOT is not supported")
	case tkIdent:
	case tkEOF:
		return nil, filterErr(reasonFilterSyntax, "unexpected end of filter: expected a comparison")
	default:
		return nil, filterErr(reasonFilterSyntax, "expected a field name at position %d, got %q", t.pos, t.text)
	}
	op := p.next()
	if op.kind != tkOp {
		return nil, filterErr(reasonFilterSyntax, "expected a comparison operator after %s at position %d", t.text, op.pos)
	}
	lit := p.next()
	if lit.kind != tkString {
		return nil, filterErr(reasonFilterSyntax, "expected a quoted literal after %s %s at position %d", t.text, op.text, lit.pos)
	}
	kind, err := p.field(t.text)
	if err != nil {
		return nil, err
	}
	if op.text != ">=" && op.text != "<" {
		return nil, filterErr(reasonFilter, "operator %s is not supported on %s: use >= and <", op.text, t.text)
	}
	c := gCond{kind: kind, ge: op.text == ">="}
	switch kind {
	case gfPhysical:
		ts, perr := time.Parse(time.RFC3339Nano, lit.text)
		if perr != nil {
			return nil, filterErr(reasonFilter, "%s needs an RFC 3339 timestamp such as \"2026-11-20T00:00:00Z\", got %q", t.text, lit.text)
		}
		c.phys = ts
	case gfCivil:
		cv, ok := parseCivil(lit.text)
		if !ok {
			return nil, filterErr(reasonFilterCivil, "%s needs a civil date-time YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss without an offset, got %q", t.text, lit.text)
		}
		c.civil = cv
	case gfDate:
		d, derr := dates.Parse(lit.text)
		if derr != nil || len(lit.text) != 10 {
			return nil, filterErr(reasonFilterCivil, "%s needs a date YYYY-MM-DD, got %q", t.text, lit.text)
		}
		c.date = d
	}
	return &gFilter{op: 'C', c: c}, nil
}

// field resolves a field name for the request's data type.
func (p *filterParser) field(name string) (gFieldKind, *gErr) {
	gt := p.gt
	var fields map[string]gFieldKind
	switch gt.kind {
	case gkSample:
		fields = map[string]gFieldKind{"sample_time.physical_time": gfPhysical, "sample_time.civil_time": gfCivil}
	case gkInterval:
		fields = map[string]gFieldKind{"interval.start_time": gfPhysical, "interval.civil_start_time": gfCivil}
	case gkDaily:
		fields = map[string]gFieldKind{"date": gfDate}
	case gkSession:
		fields = map[string]gFieldKind{"interval.end_time": gfPhysical, "interval.civil_end_time": gfCivil}
	}
	var names []string
	for f := range fields {
		names = append(names, gt.snake+"."+f)
	}
	slices.Sort(names)
	use := strings.Join(names, " or ")
	typ, path, _ := strings.Cut(name, ".")
	if typ != gt.snake {
		hint := ""
		if strings.Contains(typ, "-") {
			hint = " (identifiers are snake_case)"
		}
		return 0, filterErr(reasonFilter, "field %s does not belong to data type %s%s: use %s", name, gt.kebab, hint, use)
	}
	k, ok := fields[path]
	if !ok {
		return 0, filterErr(reasonFilter, "unsupported field %s for %s: use %s", name, gt.kebab, use)
	}
	return k, nil
}

// parseCivil parses YYYY-MM-DD[THH:mm:ss] into naive Unix seconds.
func parseCivil(s string) (int64, bool) {
	layout := "2006-01-02"
	if len(s) > 10 {
		layout = "2006-01-02T15:04:05"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return 0, false
	}
	return t.Unix(), true
}

// civilSeconds is t's wall clock in loc as naive Unix seconds.
func civilSeconds(t time.Time, loc *time.Location) int64 {
	_, off := t.In(loc).Zone()
	return t.Unix() + int64(off)
}
