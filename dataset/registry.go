package dataset

// Default returns the registry of every dataset fitexport knows, in the
// order `fitexport datasets` and the README list them. It builds fresh
// values on each call: there is no package-level state.
func Default() *Registry {
	return NewRegistry(
		heartRate(),
		steps(),
		calories(),
		distance(),
		floors(),
		elevation(),
		dailyActivity(),
		restingHeartRate(),
		heartRateZones(),
		sleepSessions(),
		sleepStages(),
		spo2Daily(),
		spo2Intraday(),
		hrvDaily(),
		hrvIntraday(),
		breathingRate(),
		skinTemperature(),
		vo2Max(),
		activeZoneMinutes(),
		activeZoneMinutesDaily(),
		weight(),
		bodyFat(),
		exercises(),
		devices(),
		profile(),
		coverage(),
	)
}
