package sim

import (
	"fmt"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// GooglePoint is one data point of the Google face, as facts.
type GooglePoint struct {
	// Start and End bound the point (UTC): the one-minute interval, the
	// sleep session, or for samples and daily points End == Start (the
	// sample instant; the local midnight of a daily point's date).
	Start, End time.Time
	// Value is what the point carries: bpm (heart-rate,
	// daily-resting-heart-rate), steps, floors, millimetres (distance),
	// gain millimetres (altitude), kcal (active-energy-burned), or for
	// sleep the minutes asleep.
	Value float64
}

// GoogleUserID returns the user's Health User ID (identity.healthUserId).
func (t *Truth) GoogleUserID() string { return googleUserID(t.u) }

// GooglePoints returns, oldest first, the points the Google face serves now
// for dataType (kebab-case: heart-rate, steps, distance, floors, altitude,
// active-energy-burned, daily-resting-heart-rate, sleep) on local day d:
// samples and intervals starting on d, the daily point of d, or the sleep
// logs whose dateOfSleep is d. It panics on another data type.
func (t *Truth) GooglePoints(d dates.Date, dataType string) []GooglePoint {
	gt := googleTypes[dataType]
	if gt == nil || !gt.list {
		panic(fmt.Sprintf("sim: GooglePoints: no points for data type %q", dataType))
	}
	var out []GooglePoint
	for _, p := range t.s.googleDayPoints(t.u, gt, d, t.s.syncCutoff(t.u)) {
		gp := GooglePoint{Start: p.start.UTC(), End: p.end.UTC(), Value: float64(p.ival)}
		switch {
		case p.log != nil:
			gp.Value = float64(p.log.MinutesAsleep)
		case dataType == "active-energy-burned":
			gp.Value = p.fval
		}
		out = append(out, gp)
	}
	return out
}

// GoogleRollup is what the Google face's rollups serve for one window.
type GoogleRollup struct {
	// ServedMinutes counts the recorded, synced minutes whose start lies in
	// the window; an activity type's window is listed when it is not 0.
	ServedMinutes int
	// HeartSamples counts the heart samples in the window; a heart-rate
	// window is listed when it is not 0.
	HeartSamples int

	Steps          int64   // steps.countSum
	DistanceMM     int64   // distance.millimetersSum
	Floors         int64   // floors.countSum
	AltitudeGainMM int64   // altitude.gainMillimetersSum
	TotalKcal      float64 // totalCalories.kcalSum (BMR included, as Fitbit's calories)
	ActiveKcal     float64 // activeEnergyBurned.kcalSum
	HeartAvg       float64 // heartRate.beatsPerMinuteAvg (2 decimals)
	HeartMin       int     // heartRate.beatsPerMinuteMin
	HeartMax       int     // heartRate.beatsPerMinuteMax
}

// GoogleRollup returns the rollup values of the physical window [from, to).
func (t *Truth) GoogleRollup(from, to time.Time) GoogleRollup {
	return t.rollup(t.s.googleSums(t.u, from, to, t.s.syncCutoff(t.u)))
}

// GoogleDailyRollup returns the rollup values of the local days [from, to)
// (dailyRollUp's civil range, end exclusive).
func (t *Truth) GoogleDailyRollup(from, to dates.Date) GoogleRollup {
	return t.GoogleRollup(from.Time(t.u.loc), to.Time(t.u.loc))
}

func (t *Truth) rollup(g gSums) GoogleRollup {
	r := GoogleRollup{
		ServedMinutes: g.served, HeartSamples: g.hrN, Steps: g.steps, DistanceMM: g.mm, Floors: g.floors,
		AltitudeGainMM: g.gainMM, TotalKcal: round(g.totalKcal, 4), ActiveKcal: round(g.activeKcal, 4),
		HeartMin: g.hrMin, HeartMax: g.hrMax,
	}
	if g.hrN > 0 {
		r.HeartAvg = round(float64(g.hrSum)/float64(g.hrN), 2)
	}
	return r
}
