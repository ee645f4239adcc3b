package dates

import "testing"

// FuzzParse: Parse never panics; a date it accepts prints back as the very
// string it was given (yyyy-MM-dd is the only form), survives a round trip
// through text, and is a real calendar day.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2026-11-20", "2024-02-29", "2026-02-29", "2026-13-01", "0000-01-01", "9999-12-31",
		"2026-1-5", "2026-11-20T00:00:00Z", " 2026-11-20", "+2026-11-20", "-001-01-01", "２０２６-11-20", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			if d != (Date{}) {
				t.Fatalf("Parse(%q) failed but returned %v", s, d)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("Parse(%q) = %v, which prints differently", s, d)
		}
		b, _ := d.MarshalText()
		var e Date
		if err := e.UnmarshalText(b); err != nil || e != d {
			t.Fatalf("%q does not survive a text round trip: %v %v", s, e, err)
		}
		if d.AddDays(1).AddDays(-1) != d || !d.Before(d.AddDays(1)) {
			t.Fatalf("%v: day arithmetic is off", d)
		}
	})
}
