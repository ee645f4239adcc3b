// Package takeoutsim writes a synthetic Google Takeout archive of a
// simulated user (package sim) from the simulator's ground truth, so that
// tests can import it and compare the result with an API export of the
// same user and days.
//
// The archive has the shape people report for real ones (see the Takeout
// section of shared/google-health-api.md):
//
//	Takeout/Fitbit/ (or Takeout/Google Health/)
//	  Your Profile/Profile.csv                id, timezone, member_since, …
//	  Global Export Data/
//	    heart_rate-YYYY-MM-DD.json            one file per UTC day, local MM/DD/YY HH:MM:SS times
//	    steps-, calories-, distance-, altitude-[, floors-]YYYY-MM-01.json
//	                                          one file per month, named by the month's
//	                                          first day even when the data starts later;
//	                                          distance in cm, altitude in ft of gain
//	                                          (only minutes with a gain), numbers as strings
//	    resting_heart_rate-YYYY-MM-01.json    {"date","value","error"}, 0 = no estimate
//	    sedentary_minutes- … very_active_minutes-YYYY-MM-01.json
//	    sleep-YYYY-MM-01.json                 the API's logs by the month they start in,
//	                                          mainSleep instead of isMainSleep
//	    weight-YYYY-MM-01.json                the month's weight logs (months with any):
//	                                          weight in pounds, date MM/DD/YY, bmi, fat
//	  Oxygen Saturation (SpO2)/
//	    Daily SpO2 - {first}-{last}.csv       a month: timestamp (date T00:00:00Z),
//	                                          average_value, lower_bound, upper_bound
//	    Minute SpO2 - {date}.csv              the readings of the nights starting on the
//	                                          local date, UTC "Z" times, with a 50.0
//	                                          sentinel row after every 97th reading
//	  Heart Rate Variability/
//	    Daily Heart Rate Variability Summary - YYYY-MM-01.csv   timestamp, rmssd, nremhr, entropy
//	    Daily Respiratory Rate Summary - YYYY-MM-01.csv         timestamp, daily_respiratory_rate
//	  Temperature/
//	    Computed Temperature - YYYY-MM-01.csv type, sleep_start, sleep_end, temperature_samples
//	                                          (the main sleep's minutes), nightly_temperature,
//	                                          baseline_relative_sample_sum (relative × samples), …
//	  Heart Rate Variability/
//	    Heart Rate Variability Details - {date}.csv  the 5-minute windows of the nights starting
//	                                          on the local date: timestamp (local, no Z), rmssd,
//	                                          coverage, low_frequency, high_frequency
//	  Active Zone Minutes (AZM)/
//	    Active Zone Minutes - YYYY-MM-01.csv  date_time (local "yyyy-MM-ddTHH:mm"), heart_zone_id
//	                                          (FAT_BURN, CARDIO, PEAK), total_minutes (1 or 2)
//	  Global Export Data/
//	    demographic_vo2_max-YYYY-01-01.json   a year of daily estimates (filtered value: the
//	                                          midpoint of the API's range, or the run's number)
//	    run_vo2_max-YYYY-MM-01.json           the days whose score is one number (a run's)
//	    exercise-0.json, exercise-100.json, … the range's activity logs in start order, 100 a
//	                                          file: startTime local MM/DD/YY HH:MM:SS, distance in km
//
// The nightly files hold a row per night with a main sleep (sim.Truth's
// Nightly), under the date the sleep ended; the weight files sim.Truth's
// Weight logs; the exercise and AZM files sim.Truth's Exercises and
// ActiveZoneMinutes (1min).
//
// Heart-rate files hold UTC days while their times are local, so a local
// day's samples span two files, and the fall-back hour's two passes appear
// in recorded order. With Options.Extras the archive also holds what an
// importer must survive: a "no data" file, an empty "[]" file, a truncated
// file, *_GoogleData CSV twins with wrong values (a CSV twin must never be
// read), a header-only CSV, an unrecognised family and non-health files.
package takeoutsim

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

// Roots of the two layouts.
const (
	GoogleHealth = "Takeout/Google Health/"
	Fitbit       = "Takeout/Fitbit/"
)

// Options say what to write.
type Options struct {
	// Root is GoogleHealth or Fitbit (default Fitbit).
	Root string
	// Range is the local days whose data the archive holds.
	Range dates.Range
	// Floors adds floors- files (not every archive has them).
	Floors bool
	// Extras adds the files an importer must survive (see the package doc).
	Extras bool
}

// File is one file of the archive, generated when written.
type File struct {
	// Name is the path inside the archive ("Takeout/Fitbit/…").
	Name string
	Body func() []byte
}

// Truncated is the name (under the root) of the truncated file written
// with Extras, for tests that expect its warning.
func Truncated(o Options) string {
	return "Global Export Data/steps-" + o.Range.From.FirstOfMonth().AddMonths(-1).String() + ".json"
}

// Files lists the archive of user u (whose truth is tr) for o.
func Files(tr *sim.Truth, u sim.User, o Options) []File {
	root := o.Root
	if root == "" {
		root = Fitbit
	}
	g := &gen{tr: tr, loc: tr.Zone(), r: o.Range}
	ge := root + "Global Export Data/"
	var out []File
	add := func(name string, body func() []byte) { out = append(out, File{Name: name, Body: body}) }

	add(root+"Your Profile/Profile.csv", func() []byte {
		return []byte("id,full_name,display_name,timezone,locale,member_since,start_of_week\n" +
			u.ID + ",Simulated User " + u.ID + ",Sim," + u.Zone + ",en_GB," + u.MemberSince.String() + ",MONDAY\n")
	})
	// Heart rate: one file per UTC day.
	first, end := o.Range.From.Time(g.loc), o.Range.To.AddDays(1).Time(g.loc)
	for d := o.Range.From.AddDays(-1); !d.After(o.Range.To.AddDays(1)); d = d.AddDays(1) {
		if !d.UTC().Before(end) || !d.AddDays(1).UTC().After(first) {
			continue // no local day of the range overlaps this UTC day
		}
		add(ge+"heart_rate-"+d.String()+".json", func() []byte { return g.heartFile(d) })
	}
	// Per-minute and daily families: one file per month.
	minuteFams := []struct{ name, res string }{{"steps", "steps"}, {"calories", "calories"}, {"distance", "distance"}, {"altitude", "elevation"}}
	if o.Floors {
		minuteFams = append(minuteFams, struct{ name, res string }{"floors", "floors"})
	}
	for _, m := range o.Range.Months() {
		start := m.From.FirstOfMonth().String()
		for _, f := range minuteFams {
			add(ge+f.name+"-"+start+".json", func() []byte { return g.minuteFile(m, f.res) })
		}
		add(ge+"resting_heart_rate-"+start+".json", func() []byte { return g.restingFile(m) })
		for _, f := range []string{"sedentary_minutes", "lightly_active_minutes", "moderately_active_minutes", "very_active_minutes"} {
			add(ge+f+"-"+start+".json", func() []byte { return g.dailyFile(m, f) })
		}
	}
	// Sleep: by the month a log starts in.
	byMonth := map[dates.Date][]sim.SleepLog{}
	o.Range.Each(func(d dates.Date) {
		for _, lg := range tr.Day(d).Sleep {
			k := dates.In(lg.Start, g.loc).FirstOfMonth()
			byMonth[k] = append(byMonth[k], lg)
		}
	})
	var months []dates.Date
	for k := range byMonth {
		months = append(months, k)
	}
	sort.Slice(months, func(i, j int) bool { return months[i].Before(months[j]) })
	for _, k := range months {
		logs := byMonth[k]
		add(ge+"sleep-"+k.String()+".json", func() []byte { return sleepFile(logs) })
	}
	// The nightly CSVs and the weight logs.
	for _, m := range o.Range.Months() {
		start := m.From.FirstOfMonth().String()
		add(root+"Oxygen Saturation (SpO2)/Daily SpO2 - "+m.From.String()+"-"+m.To.String()+".csv", func() []byte { return g.nightlyCSV(m, "spo2") })
		add(root+"Heart Rate Variability/Daily Heart Rate Variability Summary - "+start+".csv", func() []byte { return g.nightlyCSV(m, "hrv") })
		add(root+"Heart Rate Variability/Daily Respiratory Rate Summary - "+start+".csv", func() []byte { return g.nightlyCSV(m, "br") })
		add(root+"Temperature/Computed Temperature - "+start+".csv", func() []byte { return g.nightlyCSV(m, "temp") })
		if logs := g.weights(m); len(logs) > 0 {
			add(ge+"weight-"+start+".json", func() []byte { return weightFile(logs) })
		}
	}
	// Minute SpO2: a file per local date a night starts on (two nights
	// may share one: one starting after midnight, the next before it).
	var spo2Days []dates.Date
	spo2Nights := map[dates.Date][]*sim.Nightly{}
	o.Range.Each(func(d dates.Date) {
		if n := tr.Nightly(d); n != nil && len(n.SpO2) > 0 {
			k := dates.In(n.SpO2[0].Time, g.loc)
			if spo2Nights[k] == nil {
				spo2Days = append(spo2Days, k)
			}
			spo2Nights[k] = append(spo2Nights[k], n)
		}
	})
	for _, k := range spo2Days {
		ns := spo2Nights[k]
		add(root+"Oxygen Saturation (SpO2)/Minute SpO2 - "+k.String()+".csv", func() []byte { return minuteSpO2(ns) })
	}
	// HRV windows: a file per local date a night starts on, like Minute
	// SpO2, local times without "Z".
	var hrvDays []dates.Date
	hrvNights := map[dates.Date][]*sim.Nightly{}
	o.Range.Each(func(d dates.Date) {
		if n := tr.Nightly(d); n != nil && len(n.HRV) > 0 {
			k := dates.In(n.HRV[0].Time, g.loc)
			if hrvNights[k] == nil {
				hrvDays = append(hrvDays, k)
			}
			hrvNights[k] = append(hrvNights[k], n)
		}
	})
	for _, k := range hrvDays {
		ns := hrvNights[k]
		add(root+"Heart Rate Variability/Heart Rate Variability Details - "+k.String()+".csv", func() []byte { return g.hrvDetails(ns) })
	}
	// Active Zone Minutes: a file per month.
	for _, m := range o.Range.Months() {
		add(root+"Active Zone Minutes (AZM)/Active Zone Minutes - "+m.From.FirstOfMonth().String()+".csv", func() []byte { return g.azmCSV(m) })
	}
	// VO2 max: the demographic estimates in a file per year, the run
	// estimates in a file per month with any.
	for _, y := range years(o.Range) {
		add(ge+"demographic_vo2_max-"+y.From.String()[:4]+"-01-01.json", func() []byte { return g.vo2File(y, false) })
	}
	for _, m := range o.Range.Months() {
		if g.hasRunVO2(m) {
			add(ge+"run_vo2_max-"+m.From.FirstOfMonth().String()+".json", func() []byte { return g.vo2File(m, true) })
		}
	}
	// Exercises: every log of the range in start order, 100 to a file
	// named by the index of its first log.
	var logs []sim.Exercise
	o.Range.Each(func(d dates.Date) { logs = append(logs, tr.Exercises(d)...) })
	for i := 0; i < len(logs); i += 100 {
		chunk := logs[i:min(i+100, len(logs))]
		add(ge+"exercise-"+strconv.Itoa(i)+".json", func() []byte { return g.exerciseFile(chunk) })
	}
	if o.Extras {
		before := o.Range.From.FirstOfMonth().AddMonths(-1)
		add(ge+"heart_rate-"+o.Range.From.AddDays(-3).String()+".json", func() []byte { return []byte("no data") })
		add(root+Truncated(o), func() []byte {
			return []byte("[{\n  \"dateTime\" : \"" + mdy(before) + " 00:00:00\",\n  \"value\" : \"0\"\n},{\n  \"dateTi")
		})
		if o.Floors {
			add(ge+"floors-"+before.String()+".json", func() []byte { return []byte("[]\n") })
		}
		add(ge+"time_in_heart_rate_zones-"+o.Range.From.String()+".json", func() []byte { return []byte("[]") })
		add(root+"Physical Activity_GoogleData/steps_"+o.Range.From.MonthKey()+".csv", func() []byte { return g.twinCSV() })
		add(root+"Heart Rate_GoogleData/heart_rate_"+o.Range.From.MonthKey()+".csv", func() []byte {
			return []byte("timestamp,beats per minute,data source\n")
		})
		add("Takeout/archive_browser.html", func() []byte { return []byte("<html></html>") })
		add("Takeout/Google Fit/Daily activity metrics/"+o.Range.From.String()+".csv", func() []byte {
			return []byte("Start time,End time,Step count\n00:00:00.000+01:00,00:15:00.000+01:00,99999\n")
		})
	}
	return out
}

// nightlyCSV renders a month of a nightly CSV family (kind spo2, hrv, br
// or temp), a row per night with a main sleep, as real archives lay them
// out (see the takeout package doc).
func (g *gen) nightlyCSV(m dates.Range, kind string) []byte {
	var b strings.Builder
	b.WriteString(map[string]string{
		"spo2": "timestamp,average_value,lower_bound,upper_bound\n",
		"hrv":  "timestamp,rmssd,nremhr,entropy\n",
		"br":   "timestamp,daily_respiratory_rate\n",
		"temp": "type,sleep_start,sleep_end,temperature_samples,nightly_temperature,baseline_relative_sample_sum,baseline_relative_sample_sum_of_squares,baseline_relative_nightly_standard_deviation,baseline_relative_sample_standard_deviation\n",
	}[kind])
	f := func(v float64) string { return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64) }
	m.Each(func(d dates.Date) {
		n := g.tr.Nightly(d)
		if n == nil {
			return
		}
		switch kind {
		case "spo2":
			fmt.Fprintf(&b, "%sT00:00:00Z,%s,%s,%s\n", d, f(n.SpO2Avg), f(n.SpO2Min), f(n.SpO2Max))
		case "hrv":
			fmt.Fprintf(&b, "%sT00:00:00,%s,%s,%s\n", d, f(n.DailyRMSSD), f(52.5), f(2.41))
		case "br":
			fmt.Fprintf(&b, "%sT00:00:00,%s\n", d, f(n.BreathingRate))
		case "temp":
			lg := n.Sleep
			samples := int(lg.Duration / 60000)
			rel := n.SkinTempRelative
			wall := func(t time.Time) string { return t.In(g.loc).Format("2006-01-02T15:04:05") }
			fmt.Fprintf(&b, "IDT,%s,%s,%d,%s,%s,%s,0.21,0.35\n", wall(lg.Start), wall(lg.End), samples,
				f(33.9+rel), f(rel*float64(samples)), f((rel*rel+0.1)*float64(samples)))
		}
	})
	return []byte(b.String())
}

// hrvDetails renders nights' HRV windows as a Heart Rate Variability
// Details file: local wall-clock times without "Z" (as people who parse
// real archives report), rmssd in ms, coverage 0–1, the band powers in ms².
func (g *gen) hrvDetails(nights []*sim.Nightly) []byte {
	var b strings.Builder
	b.WriteString("timestamp,rmssd,coverage,low_frequency,high_frequency\n")
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, n := range nights {
		for _, h := range n.HRV {
			fmt.Fprintf(&b, "%s,%s,%s,%s,%s\n", h.Local.Format("2006-01-02T15:04:05"), f(h.RMSSD), f(h.Coverage), f(h.LF), f(h.HF))
		}
	}
	return []byte(b.String())
}

// azmCSV renders the Active Zone Minutes of the days of m: a row per
// minute and zone that earned any, local "yyyy-MM-ddTHH:mm" without a
// zone, total_minutes 1 a fat-burn minute and 2 a cardio or peak minute.
func (g *gen) azmCSV(m dates.Range) []byte {
	var b strings.Builder
	b.WriteString("date_time,heart_zone_id,total_minutes\n")
	m.Each(func(d dates.Date) {
		for _, x := range g.tr.ActiveZoneMinutes(d, "1min") {
			for _, z := range []struct {
				id string
				n  int
			}{{"FAT_BURN", x.FatBurn}, {"CARDIO", x.Cardio}, {"PEAK", x.Peak}} {
				if z.n > 0 {
					fmt.Fprintf(&b, "%s,%s,%d\n", x.Local.Format("2006-01-02T15:04"), z.id, z.n)
				}
			}
		}
	})
	return []byte(b.String())
}

// years splits r at the new years.
func years(r dates.Range) []dates.Range {
	var out []dates.Range
	for from := r.From; !from.After(r.To); {
		end := dates.Date{Year: from.Year, Month: 12, Day: 31}
		if end.After(r.To) {
			end = r.To
		}
		out = append(out, dates.Range{From: from, To: end})
		from = end.AddDays(1)
	}
	return out
}

// hasRunVO2 reports whether a day of m has a score from a run (one number,
// not a range).
func (g *gen) hasRunVO2(m dates.Range) bool {
	has := false
	m.Each(func(d dates.Date) {
		if n := g.tr.Nightly(d); n != nil && n.VO2Max.Low == nil {
			has = true
		}
	})
	return has
}

// vo2File renders the VO2 max estimates of the days of r: the demographic
// estimate every day with a score ({"demographicVO2Max",
// "demographicVO2MaxError", "filteredDemographicVO2Max",
// "filteredDemographicVO2MaxError"}, the filtered value the range's
// midpoint, or the run's number), or (run) the days whose score comes from
// a run ({"exerciseId","runVO2Max","runVO2MaxError","filteredRunVO2Max",
// "filteredRunVO2MaxError"}, at the time of the day's first exercise, else
// 18:00).
func (g *gen) vo2File(r dates.Range, run bool) []byte {
	var b strings.Builder
	b.WriteString("[")
	first := true
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	r.Each(func(d dates.Date) {
		n := g.tr.Nightly(d)
		if n == nil || (run && n.VO2Max.Low != nil) {
			return
		}
		if !first {
			b.WriteString(",")
		}
		first = false
		v := n.VO2Max.Value
		if !run {
			fmt.Fprintf(&b, "{\n  \"dateTime\" : \"%s 00:00:00\",\n  \"value\" : {\n    \"demographicVO2Max\" : %s,\n    \"demographicVO2MaxError\" : 3.0000000000000004,\n    \"filteredDemographicVO2Max\" : %s,\n    \"filteredDemographicVO2MaxError\" : 1.5123900000000001\n  }\n}",
				mdy(d), f(math.Round((v+0.37)*1e6)/1e6), f(v))
			return
		}
		at, id := d.Time(g.loc).Add(18*time.Hour), int64(0)
		if ex := g.tr.Exercises(d); len(ex) > 0 {
			at, id = ex[0].Start, ex[0].LogID
		}
		fmt.Fprintf(&b, "{\n  \"dateTime\" : \"%s\",\n  \"value\" : {\n    \"exerciseId\" : %d,\n    \"runVO2Max\" : %s,\n    \"runVO2MaxError\" : 3.94238,\n    \"filteredRunVO2Max\" : %s,\n    \"filteredRunVO2MaxError\" : 3.04534\n  }\n}",
			stamp(at.In(g.loc)), id, f(math.Round((v-0.81)*1e6)/1e6), f(v))
	})
	b.WriteString("]")
	return []byte(b.String())
}

type activityLevel struct {
	Minutes int    `json:"minutes"`
	Name    string `json:"name"`
}

type zoneMinutes struct {
	MinuteMultiplier int    `json:"minuteMultiplier"`
	Minutes          int    `json:"minutes"`
	Order            int    `json:"order"`
	Type             string `json:"type"`
	ZoneName         string `json:"zoneName"`
}

// takeoutExercise is an activity log as the archive holds it: the API's
// object with local "MM/DD/YY HH:MM:SS" times.
type takeoutExercise struct {
	LogID             int64           `json:"logId"`
	ActivityName      string          `json:"activityName"`
	ActivityTypeID    int             `json:"activityTypeId"`
	ActivityLevel     []activityLevel `json:"activityLevel"`
	AverageHeartRate  *int            `json:"averageHeartRate,omitempty"`
	Calories          int             `json:"calories"`
	Distance          json.Number     `json:"distance"`
	DistanceUnit      string          `json:"distanceUnit"`
	Duration          int64           `json:"duration"`
	ActiveDuration    int64           `json:"activeDuration"`
	Steps             int             `json:"steps"`
	Source            map[string]any  `json:"source"`
	LogType           string          `json:"logType"`
	ActiveZoneMinutes struct {
		MinutesInHeartRateZones []zoneMinutes `json:"minutesInHeartRateZones"`
		TotalMinutes            int           `json:"totalMinutes"`
	} `json:"activeZoneMinutes"`
	LastModified         string `json:"lastModified"`
	StartTime            string `json:"startTime"`
	OriginalStartTime    string `json:"originalStartTime"`
	OriginalDuration     int64  `json:"originalDuration"`
	HasGPS               bool   `json:"hasGps"`
	ShouldFetchDetails   bool   `json:"shouldFetchDetails"`
	HasActiveZoneMinutes bool   `json:"hasActiveZoneMinutes"`
}

// exerciseFile renders activity logs as an exercise file: the API's
// fields, local "MM/DD/YY HH:MM:SS" start (no offset), distance in
// kilometres as the API serves it without Accept-Language.
func (g *gen) exerciseFile(logs []sim.Exercise) []byte {
	out := make([]takeoutExercise, 0, len(logs))
	for _, e := range logs {
		st := stamp(e.Start.In(g.loc))
		x := takeoutExercise{LogID: e.LogID, ActivityName: e.Name, ActivityTypeID: e.TypeID,
			ActivityLevel:    []activityLevel{{e.Levels[0], "sedentary"}, {e.Levels[1], "lightly"}, {e.Levels[2], "fairly"}, {e.Levels[3], "very"}},
			AverageHeartRate: e.AverageHR, Calories: e.Calories,
			Distance: json.Number(strconv.FormatFloat(e.DistanceKm, 'f', -1, 64)), DistanceUnit: "Kilometer",
			Duration: e.DurationMS, ActiveDuration: e.DurationMS, Steps: e.Steps,
			Source:  map[string]any{"type": "tracker", "name": e.Source, "url": "https://www.fitbit.com/", "trackerFeatures": []string{}},
			LogType: e.LogType, LastModified: stamp(e.End.Add(10 * time.Minute).In(g.loc)), StartTime: st, OriginalStartTime: st,
			OriginalDuration: e.DurationMS, HasActiveZoneMinutes: true}
		x.ActiveZoneMinutes.TotalMinutes = e.AZM
		x.ActiveZoneMinutes.MinutesInHeartRateZones = []zoneMinutes{
			{0, 0, 0, "OUT_OF_ZONE", "Out of Range"},
			{1, e.FatBurnMin, 1, "FAT_BURN", "Fat Burn"},
			{2, e.CardioMin, 2, "CARDIO", "Cardio"},
			{2, e.PeakMin, 3, "PEAK", "Peak"},
		}
		out = append(out, x)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

// minuteSpO2 renders a night's readings as a Minute SpO2 file: UTC
// instants with "Z", and, after every 97th reading, a 50.0 row (the
// archive's "no reading" sentinel, which an importer must leave out).
func minuteSpO2(nights []*sim.Nightly) []byte {
	var b strings.Builder
	b.WriteString("timestamp,value\n")
	for _, n := range nights {
		for i, s := range n.SpO2 {
			fmt.Fprintf(&b, "%s,%s\n", s.Time.UTC().Format("2006-01-02T15:04:05Z"), strconv.FormatFloat(s.Percent, 'f', 1, 64))
			if i%97 == 96 {
				fmt.Fprintf(&b, "%s,50.0\n", s.Time.UTC().Add(30*time.Second).Format("2006-01-02T15:04:05Z"))
			}
		}
	}
	return []byte(b.String())
}

// weights returns the weight logs of the days of m.
func (g *gen) weights(m dates.Range) []*sim.WeightLog {
	var out []*sim.WeightLog
	m.Each(func(d dates.Date) {
		if w := g.tr.Weight(d); w != nil {
			out = append(out, w)
		}
	})
	return out
}

// weightFile renders weight logs as the archive holds them: weight in
// pounds, date "MM/DD/YY", local time, bmi and (when measured) fat.
func weightFile(logs []*sim.WeightLog) []byte {
	var b strings.Builder
	b.WriteString("[")
	for i, w := range logs {
		if i > 0 {
			b.WriteString(",")
		}
		fat := ""
		if w.Fat != nil {
			fat = fmt.Sprintf(",\n  \"fat\" : %s", strconv.FormatFloat(*w.Fat, 'f', -1, 64))
		}
		lb := math.Round(w.WeightKg/0.45359237*1e6) / 1e6
		fmt.Fprintf(&b, "{\n  \"logId\" : %d,\n  \"weight\" : %s,\n  \"bmi\" : %s%s,\n  \"date\" : \"%s\",\n  \"time\" : \"%s\",\n  \"source\" : \"%s\"\n}",
			w.LogID, strconv.FormatFloat(lb, 'f', -1, 64), strconv.FormatFloat(w.BMI, 'f', -1, 64), fat,
			w.Local.Format("01/02/06"), w.Local.Format("15:04:05"), w.Source)
	}
	b.WriteString("]")
	return []byte(b.String())
}

// WriteDir writes files under dir (an unpacked archive).
func WriteDir(dir string, files []File) error {
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Body(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// WriteZips writes files into len(paths) zip parts, as Takeout splits a
// large export: consecutive runs of files, one run per part.
func WriteZips(paths []string, files []File) error {
	per := (len(files) + len(paths) - 1) / len(paths)
	for i, p := range paths {
		lo, hi := min(i*per, len(files)), min((i+1)*per, len(files))
		if err := writeZip(p, files[lo:hi]); err != nil {
			return err
		}
	}
	return nil
}

func writeZip(path string, files []File) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	for _, f := range files {
		w, err := zw.Create(f.Name)
		if err != nil {
			out.Close()
			return err
		}
		if _, err := w.Write(f.Body()); err != nil {
			out.Close()
			return err
		}
	}
	if err := zw.Close(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

type gen struct {
	tr  *sim.Truth
	loc *time.Location
	r   dates.Range
	// heart memoises the 1sec samples of the last few local days (files
	// are written in day order).
	heart map[dates.Date][]sim.Point
}

func (g *gen) heartOf(d dates.Date) []sim.Point {
	if p, ok := g.heart[d]; ok {
		return p
	}
	if g.heart == nil || len(g.heart) > 4 {
		g.heart = map[dates.Date][]sim.Point{}
	}
	p := g.tr.Heart(d, "1sec")
	g.heart[d] = p
	return p
}

// mdy is "MM/DD/YY".
func mdy(d dates.Date) string { return fmt.Sprintf("%02d/%02d/%02d", int(d.Month), d.Day, d.Year%100) }

// stamp is the archive's local "MM/DD/YY HH:MM:SS" of a wall-clock time.
func stamp(local time.Time) string { return local.Format("01/02/06 15:04:05") }

// heartUTC returns the 1sec samples of the range's local days whose
// instant falls on UTC day d, in recorded order.
func (g *gen) heartUTC(d dates.Date) []sim.Point {
	var out []sim.Point
	for l := d.AddDays(-1); !l.After(d.AddDays(1)); l = l.AddDays(1) {
		if !g.r.Contains(l) {
			continue
		}
		for _, p := range g.heartOf(l) {
			if dates.Of(p.Time.UTC()) == d {
				out = append(out, p)
			}
		}
	}
	return out
}

func (g *gen) heartFile(d dates.Date) []byte {
	var b bytes.Buffer
	pts := g.heartUTC(d)
	b.Grow(len(pts)*100 + 2)
	b.WriteString("[")
	for i, p := range pts {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "{\n  \"dateTime\" : \"%s\",\n  \"value\" : {\n    \"bpm\" : %d,\n    \"confidence\" : %d\n  }\n}", stamp(p.Local), int(p.Value), 1+i%3)
	}
	b.WriteString("]")
	return b.Bytes()
}

// minuteFile renders a month of a per-minute family; distance in cm,
// elevation as altitude in feet listed only for minutes with a gain
// (floors likewise only where climbed).
func (g *gen) minuteFile(m dates.Range, res string) []byte {
	var b bytes.Buffer
	b.Grow(m.Days() * 1440 * 60)
	b.WriteString("[")
	first := true
	m.Each(func(d dates.Date) {
		for _, p := range g.tr.Activity(d, res, "1min") {
			var v string
			switch res {
			case "steps", "floors":
				v = strconv.Itoa(int(p.Value))
			case "calories":
				v = strconv.FormatFloat(p.Value, 'f', -1, 64)
			case "distance":
				v = shift(strconv.FormatFloat(p.Value, 'f', -1, 64), 5) // km → cm
			case "elevation":
				v = strconv.FormatFloat(math.Round(p.Value/0.3048*1e6)/1e6, 'f', -1, 64) // m → ft
			}
			if (res == "elevation" || res == "floors") && p.Value == 0 {
				continue
			}
			if !first {
				b.WriteString(",")
			}
			first = false
			fmt.Fprintf(&b, "{\n  \"dateTime\" : \"%s\",\n  \"value\" : \"%s\"\n}", stamp(p.Local), v)
		}
	})
	b.WriteString("]")
	return b.Bytes()
}

// shift multiplies a decimal string by 10^k exactly.
func shift(s string, k int) string {
	v, err := strconv.ParseFloat(s+"e"+strconv.Itoa(k), 64)
	if err != nil {
		panic(err)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func (g *gen) restingFile(m dates.Range) []byte {
	var b bytes.Buffer
	b.WriteString("[")
	m.Each(func(d dates.Date) {
		if d != m.From {
			b.WriteString(",")
		}
		v, e := "0.0", "0.0" // the archive's "no estimate"
		if r := g.tr.Day(d).RestingHR; r != nil {
			v, e = strconv.Itoa(*r)+".0", "6.83"
		}
		fmt.Fprintf(&b, "{\n  \"dateTime\" : \"%s 00:00:00\",\n  \"value\" : {\n    \"date\" : \"%s\",\n    \"value\" : %s,\n    \"error\" : %s\n  }\n}", mdy(d), mdy(d), v, e)
	})
	b.WriteString("]")
	return b.Bytes()
}

func (g *gen) dailyFile(m dates.Range, fam string) []byte {
	var b bytes.Buffer
	b.WriteString("[")
	m.Each(func(d dates.Date) {
		t := g.tr.Day(d).Totals
		v := map[string]int{"sedentary_minutes": t.MinutesSedentary, "lightly_active_minutes": t.MinutesLightlyActive,
			"moderately_active_minutes": t.MinutesFairlyActive, "very_active_minutes": t.MinutesVeryActive}[fam]
		if d != m.From {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "{\n  \"dateTime\" : \"%s 00:00:00\",\n  \"value\" : \"%d\"\n}", mdy(d), v)
	})
	b.WriteString("]")
	return b.Bytes()
}

// twinCSV is a steps CSV twin with UTC times and values that differ from
// the JSON family: an importer that read it would count wrong.
func (g *gen) twinCSV() []byte {
	var b strings.Builder
	b.WriteString("timestamp,steps,data source\n")
	for _, p := range g.tr.Activity(g.r.From, "steps", "1min") {
		if p.Value > 0 {
			fmt.Fprintf(&b, "%s,%d,Charge 6\n", p.Time.UTC().Format("2006-01-02T15:04:05Z"), int(p.Value)+1000)
		}
	}
	return []byte(b.String())
}

type levelEntry struct {
	DateTime string `json:"dateTime"`
	Level    string `json:"level"`
	Seconds  int    `json:"seconds"`
}

type levelSummary struct {
	Count               int  `json:"count"`
	Minutes             int  `json:"minutes"`
	ThirtyDayAvgMinutes *int `json:"thirtyDayAvgMinutes,omitempty"`
}

// takeoutSleep is a sleep log as the archive holds it: the API's object
// with mainSleep instead of isMainSleep.
type takeoutSleep struct {
	LogID               int64  `json:"logId"`
	DateOfSleep         string `json:"dateOfSleep"`
	StartTime           string `json:"startTime"`
	EndTime             string `json:"endTime"`
	Duration            int64  `json:"duration"`
	MinutesToFallAsleep int    `json:"minutesToFallAsleep"`
	MinutesAsleep       int    `json:"minutesAsleep"`
	MinutesAwake        int    `json:"minutesAwake"`
	MinutesAfterWakeup  int    `json:"minutesAfterWakeup"`
	TimeInBed           int    `json:"timeInBed"`
	Efficiency          int    `json:"efficiency"`
	Type                string `json:"type"`
	InfoCode            int    `json:"infoCode"`
	LogType             string `json:"logType"`
	Levels              struct {
		Summary   map[string]levelSummary `json:"summary"`
		Data      []levelEntry            `json:"data"`
		ShortData []levelEntry            `json:"shortData"`
	} `json:"levels"`
	MainSleep bool `json:"mainSleep"`
}

// sleepFile renders logs, every time at the offset in force when the log
// started (as the API does).
func sleepFile(logs []sim.SleepLog) []byte {
	out := make([]takeoutSleep, 0, len(logs))
	for _, lg := range logs {
		loc := time.FixedZone("", lg.Offset)
		wall := func(t time.Time) string { return t.In(loc).Format("2006-01-02T15:04:05.000") }
		s := takeoutSleep{LogID: lg.LogID, DateOfSleep: lg.DateOfSleep.String(), StartTime: wall(lg.Start),
			EndTime: wall(lg.End), Duration: lg.Duration, MinutesToFallAsleep: lg.MinutesToFallAsleep,
			MinutesAsleep: lg.MinutesAsleep, MinutesAwake: lg.MinutesAwake, MinutesAfterWakeup: lg.MinutesAfterWakeup,
			TimeInBed: lg.TimeInBed, Efficiency: lg.Efficiency, Type: lg.Type, InfoCode: lg.InfoCode,
			LogType: lg.LogType, MainSleep: lg.IsMainSleep}
		s.Levels.Summary = map[string]levelSummary{}
		s.Levels.Data, s.Levels.ShortData = []levelEntry{}, []levelEntry{}
		for _, st := range lg.Stages {
			e := levelEntry{wall(st.Start), st.Level, st.Seconds}
			if st.Short {
				s.Levels.ShortData = append(s.Levels.ShortData, e)
			} else {
				s.Levels.Data = append(s.Levels.Data, e)
			}
		}
		for l, ls := range lg.Levels {
			s.Levels.Summary[l] = levelSummary(ls)
		}
		out = append(out, s)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}
