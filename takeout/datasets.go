package takeout

// served lists, in registry order, the datasets the takeout source can
// serve and the families any of which an archive must hold for each.
var served = []struct {
	dataset string
	needs   []string
}{
	{"heart_rate", []string{"heart_rate"}},
	{"steps", []string{"steps"}},
	{"calories", []string{"calories"}},
	{"distance", []string{"distance"}},
	{"floors", []string{"floors"}},
	{"elevation", []string{"altitude"}},
	{"daily_activity", []string{"steps", "calories", "distance", "floors", "altitude",
		"sedentary_minutes", "lightly_active_minutes", "moderately_active_minutes", "very_active_minutes"}},
	{"resting_heart_rate", []string{"resting_heart_rate"}},
	{"sleep_sessions", []string{"sleep"}},
	{"sleep_stages", []string{"sleep"}},
	{"spo2_daily", []string{famDailySpO2}},
	{"spo2_intraday", []string{famMinuteSpO2}},
	{"hrv_daily", []string{famHRV}},
	{"hrv_intraday", []string{famHRVDetails}},
	{"breathing_rate", []string{famBreathing}},
	{"skin_temperature", []string{famTemperature}},
	{"vo2_max", []string{famVO2Demographic, famVO2Run}},
	{"active_zone_minutes", []string{famAZM}},
	{"active_zone_minutes_daily", []string{famAZM}},
	{"weight", []string{"weight"}},
	{"body_fat", []string{"weight"}},
	{"exercises", []string{famExercise}},
}

// AllDatasets returns every dataset the takeout source can serve from some
// archive, in registry order.
func AllDatasets() []string {
	out := make([]string, 0, len(served))
	for _, s := range served {
		out = append(out, s.dataset)
	}
	return out
}

// SupportedDatasets returns the datasets this archive can serve (those
// whose files it holds), in registry order. Others (heart_rate_zones,
// devices, profile) are not served by the takeout source.
func (a *Archive) SupportedDatasets() []string {
	var out []string
	for _, s := range served {
		for _, fam := range s.needs {
			if a.has(fam) {
				out = append(out, s.dataset)
				break
			}
		}
	}
	return out
}
