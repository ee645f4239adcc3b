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
	// kindWeight: weight-log objects {"logId","weight","bmi","fat","date":"MM/DD/YY","time","source"}.
	kindWeight
	// kindCSVDaily: a CSV with one row per night, the value in csv.value
	// (÷ csv.div when set) under the date csv.date names.
	kindCSVDaily
	// kindCSVSamples: a CSV of timed readings (csv.date, csv.value and
	// the optional csv.extra columns).
	kindCSVSamples
	// kindCSVZones: a CSV of timed readings per heart-rate zone (csv.date,
	// csv.zone, csv.value): Active Zone Minutes.
	kindCSVZones
	// kindExercise: activity-log objects as the API's activities/list
	// holds them, in files "exercise-{index}.json".
	kindExercise
	// kindVO2: one entry per estimate, {"dateTime","value":{…}}, the
	// estimate under the first of family.keys present.
	kindVO2
)

// csvSpec says where a CSV family's files are and which columns it reads.
type csvSpec struct {
	// prefix is the file name's start ("Daily SpO2 - "); the date of the
	// period start follows it. Files are matched by name in any folder of
	// the root (real archives put some in different folders), never in a
	// *_GoogleData folder.
	prefix string
	// folder is the folder real archives use (documentation only).
	folder string
	// date and value are the columns read (matched case-insensitively);
	// div, when set, divides value (a sum by its count).
	date, value, div string
	// drop is a value that marks "no measurement" (a sentinel), when
	// hasDrop: rows holding it are left out.
	drop    float64
	hasDrop bool
	// extra are optional value columns read with each reading (blank or
	// missing: absent), served under the API names extraAPI.
	extra, extraAPI []string
	// zone is the column naming the heart-rate zone (kindCSVZones).
	zone string
	// window is the length of time (seconds) a reading covers: a night of
	// readings ends window after its last reading.
	window int32
}

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
	// csv is set for the CSV families.
	csv *csvSpec
	// keys are the value fields a kindVO2 family reads, the first present
	// wins.
	keys []string
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
		// Weight logs hold pounds (what people who parse real archives
		// report, whatever the account's display unit); the API serves kg
		// without Accept-Language. Grams are kept (3 decimals). bmi (kg/m²)
		// and fat (%) are passed through unchanged.
		{name: "weight", kind: kindWeight, resource: "weight", factor: lbToKg, decimals: 3, fileUnit: "lb", apiUnit: "kg"},
		// The nightly CSVs: percent, ms, breaths/min and °C, unchanged.
		{name: "Daily SpO2", kind: kindCSVDaily, resource: "spo2", factor: 1, decimals: -1, fileUnit: "% (average_value)", apiUnit: "% (value.avg)",
			csv: &csvSpec{prefix: "Daily SpO2 - ", folder: "Oxygen Saturation (SpO2)/", date: "timestamp", value: "average_value"}},
		// 50.0 is the archive's "no reading" sentinel, not a measurement.
		{name: "Minute SpO2", kind: kindCSVSamples, resource: "spo2-all", factor: 1, decimals: -1, fileUnit: "% (value)", apiUnit: "% (minutes[].value)",
			csv: &csvSpec{prefix: "Minute SpO2 - ", folder: "Oxygen Saturation (SpO2)/", date: "timestamp", value: "value", drop: 50, hasDrop: true}},
		{name: "Daily Heart Rate Variability Summary", kind: kindCSVDaily, resource: "hrv", factor: 1, decimals: -1, fileUnit: "ms (rmssd)", apiUnit: "ms (value.dailyRmssd)",
			csv: &csvSpec{prefix: "Daily Heart Rate Variability Summary - ", folder: "Heart Rate Variability/", date: "timestamp", value: "rmssd"}},
		{name: "Daily Respiratory Rate Summary", kind: kindCSVDaily, resource: "br", factor: 1, decimals: -1, fileUnit: "breaths/min (daily_respiratory_rate)", apiUnit: "breaths/min (value.breathingRate)",
			csv: &csvSpec{prefix: "Daily Respiratory Rate Summary - ", folder: "Heart Rate Variability/", date: "timestamp", value: "daily_respiratory_rate"}},
		// The night's mean deviation from the baseline: the sum of the
		// samples' deviations over their count, °C, 3 decimals (float noise
		// dropped), filed under the date the sleep ended.
		{name: "Computed Temperature", kind: kindCSVDaily, resource: "temp-skin", factor: 1, decimals: 3, fileUnit: "°C (baseline_relative_sample_sum ÷ temperature_samples)", apiUnit: "°C (value.nightlyRelative)",
			csv: &csvSpec{prefix: "Computed Temperature - ", folder: "Temperature/", date: "sleep_end", value: "baseline_relative_sample_sum", div: "temperature_samples"}},
		// HRV in 5-minute windows of the main sleep: RMSSD in ms, coverage
		// 0–1, the band powers in ms², unchanged. Local times without "Z".
		{name: famHRVDetails, kind: kindCSVSamples, resource: "hrv-all", factor: 1, decimals: -1,
			fileUnit: "ms (rmssd), 0–1 (coverage), ms² (high_frequency, low_frequency)", apiUnit: "ms (rmssd), 0–1 (coverage), ms² (hf, lf)",
			csv: &csvSpec{prefix: "Heart Rate Variability Details - ", folder: "Heart Rate Variability/", date: "timestamp", value: "rmssd",
				extra: []string{"coverage", "high_frequency", "low_frequency"}, extraAPI: []string{"coverage", "hf", "lf"}, window: 300}},
		// Active Zone Minutes per minute and zone: total_minutes already
		// counts as the API counts (see azmZones), served unchanged.
		{name: famAZM, kind: kindCSVZones, resource: "azm", factor: 1, decimals: -1,
			fileUnit: "AZM per minute and zone (total_minutes: 1 a fat-burn minute, 2 a cardio or peak minute)", apiUnit: "AZM per zone (the same)",
			csv: &csvSpec{prefix: "Active Zone Minutes - ", folder: "Active Zone Minutes (AZM)/", date: "date_time", zone: "heart_zone_id", value: "total_minutes"}},
		// Activity logs: passed through in the API's own units (duration
		// and activeDuration ms, calories kcal, distance in distanceUnit,
		// which the Fitbit transform converts to metres); startTime, local
		// wall clock in the archive, gets its UTC offset.
		{name: famExercise, kind: kindExercise, resource: "exercises", factor: 1, decimals: -1,
			fileUnit: "activity logs (ms, kcal, distance in distanceUnit; startTime local MM/DD/YY HH:MM:SS)", apiUnit: "the same; startTime with its UTC offset"},
		// The daily estimate from resting heart rate, age, sex and weight
		// (mL/kg/min, a decimal): the API shows it as a range 4 wide
		// around the rounded estimate (see vo2Range).
		{name: famVO2Demographic, kind: kindVO2, resource: "cardioscore", factor: 1, decimals: -1,
			fileUnit: "mL/kg/min (value.filteredDemographicVO2Max)", apiUnit: `mL/kg/min, a range "lo-hi"`,
			keys: []string{"filteredDemographicVO2Max", "demographicVO2Max"}},
		// The estimate from a GPS run (mL/kg/min): the API shows one
		// number, 2 decimals.
		{name: famVO2Run, kind: kindVO2, resource: "cardioscore-run", factor: 1, decimals: 2,
			fileUnit: "mL/kg/min (value.filteredRunVO2Max)", apiUnit: "mL/kg/min, one number, 2 decimals",
			keys: []string{"filteredRunVO2Max", "runVO2Max"}},
	}
}

// azmZones maps the archive's heart_zone_id to the API's per-zone field,
// in the API's order. People who parse real archives report the ids
// FAT_BURN, CARDIO and PEAK (the *_GoogleData twin writes them "fat
// burn", "cardio", "peak": ids are matched case-insensitively, a space
// read as "_"), and total_minutes of 1 for a fat-burn minute and 2 for a
// cardio or peak minute (Google's README of the twin: "equals to 1 for
// low intensity (fat burn) zones or 2 for high intensity zones") — Active
// Zone Minutes already counted as the API counts its per-zone values, so
// they are served unchanged; activeZoneMinutes is their sum. Another id
// is an error (the file is reported and skipped), never guessed.
var azmZones = [3]struct{ id, apiField string }{
	{"FAT_BURN", "fatBurnActiveZoneMinutes"},
	{"CARDIO", "cardioActiveZoneMinutes"},
	{"PEAK", "peakActiveZoneMinutes"},
}

// vo2RangeHalf is half the width of the API's cardio fitness range: a
// demographic estimate v is served as "lo-hi" with lo = round(v) − 2 and
// hi = lo + 4 (the app and the API show ranges 4 wide: "44-48").
const vo2RangeHalf = 2

// lbToKg is the international avoirdupois pound in kilograms (exact).
const lbToKg = 0.45359237

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
	v = f.scale(v)
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("not a number: %q", n.String())
	}
	return v, nil
}

// scale applies the family's factor and rounding to a value in the file's
// unit (exp10 aside).
func (f *family) scale(v float64) float64 {
	if f.factor != 1 && f.factor != 0 {
		v *= f.factor
	}
	if f.decimals >= 0 {
		v = roundTo(v, f.decimals)
	}
	return v
}

// roundTo rounds v to n decimal places (half away from zero).
func roundTo(v float64, n int) float64 {
	p := math.Pow10(n)
	return math.Round(v*p) / p
}
