package takeout

import (
	"fmt"
	"math"

	"github.com/fitexport/fitexport/transform"
)

// kind says how a family's entries are laid out and rendered.
type kind int

const (
	// kindSamples: irregular samples, {"dateTime","value":{"bpm":…}}.
	kindSamples kind = iota
	// kindMinutes: one entry per minute, {"dateTime","value":"…"}; a
	// minute that is not listed is zero.
	kindMinutes
	// kindDaily: one entry per day, {"dateTime":"MM/DD/YY 00:00:00","value":"…"}.
	kindDaily
	// kindResting: one entry per day, {"dateTime","value":{"date","value","error"}};
	// a value of 0 is the "no estimate" sentinel.
	kindResting
	// kindSleep: the API's sleep-log objects, mainSleep for isMainSleep.
	kindSleep
)

// family is one metric's file family in Global Export Data (files
// "{name}-{yyyy-MM-dd}.json", the date being the start of the file's
// period). Every unit conversion of the package is in families(): a
// correction is one line.
type family struct {
	// name is the file prefix.
	name string
	kind kind
	// resource is the Fitbit Web API resource the family answers
	// ("heart", "steps", "elevation", "minutesSedentary", …).
	resource string
	// The API value is the file's decimal value × 10^exp10 × factor, then
	// rounded to decimals places (decimals < 0: not rounded). exp10 shifts
	// the decimal string exactly ("8640" cm → "0.0864" km).
	exp10    int
	factor   float64
	decimals int
	// totalDecimals rounds a day total (the sum of the day's minutes).
	totalDecimals int
	// fileUnit and apiUnit document the conversion.
	fileUnit, apiUnit string
}

// families is THE table of file families and unit conversions (see the
// package doc for the same table in prose).
func families() []family {
	return []family{
		{name: "heart_rate", kind: kindSamples, resource: "heart", factor: 1, decimals: 0, fileUnit: "bpm (value.bpm)", apiUnit: "bpm"},
		{name: "steps", kind: kindMinutes, resource: "steps", factor: 1, decimals: -1, totalDecimals: 0, fileUnit: "steps", apiUnit: "steps"},
		// Energy of the minute, basal rate included (as the API's calories);
		// the API's day total is whole kcal.
		{name: "calories", kind: kindMinutes, resource: "calories", factor: 1, decimals: -1, totalDecimals: 0, fileUnit: "kcal", apiUnit: "kcal"},
		// Centimetres in the archive, kilometres in the API (no Accept-Language).
		{name: "distance", kind: kindMinutes, resource: "distance", exp10: -5, factor: 1, decimals: -1, totalDecimals: 7, fileUnit: "cm", apiUnit: "km"},
		// Feet of gain, listed only for minutes with a gain; metres in the API.
		{name: "altitude", kind: kindMinutes, resource: "elevation", factor: 0.3048, decimals: 4, totalDecimals: 4, fileUnit: "ft of gain", apiUnit: "m"},
		{name: "floors", kind: kindMinutes, resource: "floors", factor: 1, decimals: -1, totalDecimals: 0, fileUnit: "floors", apiUnit: "floors"},
		// A decimal estimate in the archive; the API serves whole bpm.
		{name: "resting_heart_rate", kind: kindResting, resource: "restingHeartRate", factor: 1, decimals: 0, fileUnit: "bpm (value.value)", apiUnit: "bpm"},
		{name: "sleep", kind: kindSleep, resource: "sleep", factor: 1, decimals: -1, fileUnit: "sleep logs", apiUnit: "sleep logs"},
		{name: "sedentary_minutes", kind: kindDaily, resource: "minutesSedentary", factor: 1, decimals: 0, fileUnit: "min", apiUnit: "min"},
		{name: "lightly_active_minutes", kind: kindDaily, resource: "minutesLightlyActive", factor: 1, decimals: 0, fileUnit: "min", apiUnit: "min"},
		{name: "moderately_active_minutes", kind: kindDaily, resource: "minutesFairlyActive", factor: 1, decimals: 0, fileUnit: "min", apiUnit: "min"},
		{name: "very_active_minutes", kind: kindDaily, resource: "minutesVeryActive", factor: 1, decimals: 0, fileUnit: "min", apiUnit: "min"},
	}
}

// convert turns a value as the archive holds it into the API's unit.
func (f *family) convert(n transform.Num) (float64, error) {
	var v float64
	var err error
	if f.exp10 != 0 {
		v, err = n.Float64E(f.exp10)
	} else {
		v, err = n.Float64()
	}
	if err != nil {
		return 0, err
	}
	if f.factor != 1 && f.factor != 0 {
		v *= f.factor
	}
	if f.decimals >= 0 {
		v = roundTo(v, f.decimals)
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("not a number: %q", n.String())
	}
	return v, nil
}

// roundTo rounds v to n decimal places (half away from zero).
func roundTo(v float64, n int) float64 {
	p := math.Pow10(n)
	return math.Round(v*p) / p
}
