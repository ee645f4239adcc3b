// Package takeout reads a Google Takeout archive of Fitbit data as an
// offline source: years of history with no token, no rate limit and no
// network.
//
// # Design: the archive answers the Fitbit protocol
//
// An Archive is a pipeline.Fetcher. For each request the Fitbit protocol
// plans — GET /1/user/-/activities/heart/date/2026-11-20/1d/1sec.json, key
// heart/1sec/2026-11-20 — it renders, from the archive's files, the JSON the
// Fitbit Web API would have sent. The existing Fitbit transforms, the raw
// cache, the state, the layout and `fitexport rebuild` therefore apply
// unchanged, and the rows are those an API export of the same days writes.
// The pipeline runs with Source dataset.Fitbit and SourceName "takeout":
//
//	a, err := takeout.Open("takeout-001.zip", "takeout-002.zip") // or the unpacked folder
//	defer a.Close()
//	p := a.Profile()
//	job := pipeline.Job{Source: dataset.Fitbit, SourceName: "takeout", User: p.UserID,
//		Zone: p.Zone, LastSync: p.LastSync(), Since: p.FirstDay, …}
//	res, err := pipeline.Run(ctx, job, a)
//	for _, w := range a.Warnings() { … } // files reported and skipped
//
// # Reading the archive
//
// Open takes one or more .zip parts (Takeout splits big exports into
// takeout-…-001.zip, -002.zip, …, each a complete zip) and/or unpacked
// folders, and finds the health root: Takeout/Google Health/ or the older
// Takeout/Fitbit/ (when both are present the newer one is read, and a
// warning says so). Everything outside the root (other Google products,
// archive_browser.html) is skipped and counted (Summary.NonHealth).
//
// Nothing is unpacked to disk and the archive is never held in memory:
// Open lists the zip central directories (or walks the folders) into an
// index of file references — family, start of period, part and entry —
// reads Your Profile/Profile.csv, and decodes the first and last few files
// of each family to find the span of days with data. Fetch then reads
// entries on demand (archive/zip gives random access) and keeps at most
// Options.CacheFiles decoded files (default 24; a decoded file is at most a
// month of minutes or a day of heart-rate samples). Concurrent requests for
// one file decode it once.
//
// A file's date is the start of its period, not the day of its data: a
// heart_rate-2026-10-25.json may hold samples of the 24th and the 26th, a
// sleep file named for a month holds logs that end in the next. Every file
// of a family is merged, and each entry goes to the local day its own
// timestamp names (a sleep log to its dateOfSleep). To serve a day, the
// file whose period covers it, the one before it, and those starting the
// day after are read.
//
// # One canonical source per metric
//
// Much of Global Export Data/*.json is repeated in *_GoogleData/*.csv
// files (UTC "Z" times, a "data source" column). Reading both would count
// twice, so each metric has exactly one canonical family; the CSV twins
// are counted (Summary.Twins) and never read.
//
//	| metric            | canonical                                   | not read                     |
//	|-------------------|---------------------------------------------|------------------------------|
//	| heart rate        | Global Export Data/heart_rate-*.json        | *_GoogleData heart-rate CSVs |
//	| steps             | Global Export Data/steps-*.json             | *_GoogleData steps CSVs      |
//	| calories          | Global Export Data/calories-*.json          | *_GoogleData CSVs            |
//	| distance          | Global Export Data/distance-*.json          | *_GoogleData CSVs            |
//	| elevation         | Global Export Data/altitude-*.json          | *_GoogleData CSVs            |
//	| floors            | Global Export Data/floors-*.json (if any)   | *_GoogleData CSVs            |
//	| resting heart rate| Global Export Data/resting_heart_rate-*.json| *_GoogleData CSVs            |
//	| minutes per level | Global Export Data/{sedentary,lightly_active,moderately_active,very_active}_minutes-*.json | |
//	| sleep             | Global Export Data/sleep-*.json             | Sleep/*.csv, *_GoogleData    |
//	| weight, body fat  | Global Export Data/weight-*.json            | *_GoogleData CSVs            |
//	| SpO2, nightly     | Oxygen Saturation (SpO2)/Daily SpO2 - *.csv | *_GoogleData CSVs            |
//	| SpO2 readings     | Oxygen Saturation (SpO2)/Minute SpO2 - *.csv| *_GoogleData CSVs            |
//	| HRV, nightly      | Heart Rate Variability/Daily Heart Rate Variability Summary - *.csv | Heart Rate Variability Details, Histogram |
//	| breathing rate    | Heart Rate Variability/ (or Sleep/) Daily Respiratory Rate Summary - *.csv | Respiratory Rate Summary - *.csv |
//	| skin temperature  | Temperature/Computed Temperature - *.csv    | Device Temperature, Wrist Temperature |
//
// Why the JSON families: they exist in both layouts (older Takeout/Fitbit/
// archives have no CSV twins); they are the API's own data — local
// wall-clock times like the API's, calories with the basal rate included
// like the API's calories, sleep logs with their stages — so the rendered
// answer is the API's answer and the Fitbit transforms treat it exactly as
// they treat an API answer, DST rules included; and the CSV twins are not
// complete copies (steps list only minutes with wear) and their "data
// source" column means one minute may appear once per source. The one thing the CSVs do better —
// UTC instants in the fall-back hour — the JSON files recover from their
// order, as the API's own answers require (below).
//
// The nightly metrics exist only as CSVs (no JSON family), named
// "<prefix> - <start of period>.csv". Their files are found by that
// prefix in any folder under the root (outside *_GoogleData): real
// archives put the respiratory-rate summary in Heart Rate Variability/ or
// in Sleep/. The name's date may be a day ("2026-10-01"), the start of a
// range ("2026-10-01-2026-12-31") or a month with a day that is not a
// date ("2026-10-(15)", read as 2026-10-01). Columns are found by their
// header names, case-insensitively, in any order:
//
//	| file                                  | columns read                                 | served as                    |
//	|---------------------------------------|----------------------------------------------|------------------------------|
//	| Daily SpO2 - …                        | timestamp, average_value                     | spo2 value.avg               |
//	| Minute SpO2 - …                       | timestamp, value                             | spo2 …/all minutes[]         |
//	| Daily Heart Rate Variability Summary -| timestamp, rmssd                             | hrv value.dailyRmssd         |
//	| Daily Respiratory Rate Summary - …    | timestamp, daily_respiratory_rate            | br value.fullSleepSummary    |
//	| Computed Temperature - …              | sleep_end, baseline_relative_sample_sum,     | temp/skin value.nightlyRelative |
//	|                                       | temperature_samples                          |                              |
//
// A nightly row belongs to the date its timestamp (sleep_end for the
// temperature) names, as written — its date part, whether or not the time
// after it carries a "Z" — which is the date the night ended, as the API
// files it. A row whose value is blank (or, for the temperature, whose
// temperature_samples is 0 or blank) holds nothing and has no entry.
// Not read: Daily SpO2's lower_bound and upper_bound (they bound a
// confidence interval of the night's readings, as Google documents for the
// same numbers, not the lowest and highest reading the API's min and max
// are: min_percent and max_percent stay null rather than carry another
// quantity); the HRV summary's nremhr and entropy (no column for them), so
// deep_rmssd_ms is null; the per-stage breathing rates (in Respiratory
// Rate Summary files, not read yet); Computed Temperature's absolute
// nightly_temperature and its type (the Fitbit answer has only the
// relative value: nightly_c, baseline_c and log_type stay null).
//
// Minute SpO2 files hold readings by time, not by night: a file (named for
// the day a night starts) may hold two nights, and a night may span two
// files. A timestamp with "Z" or an offset is an instant (the form
// reported for real archives); one without is local wall clock, resolved
// in file order like the JSON families. Readings of 50.0 are the
// archive's "no reading" sentinel, not measurements: they are dropped.
// The readings around the requested days are merged from every file,
// ordered on the instant line (a reading listed twice is kept once),
// split into nights where they pause for more than 3 hours, and each
// night is filed under the local day of its last reading — the day the
// sleep ended, as the API files it. (A night whose readings pause for more
// than 3 hours across midnight is split there, and its evening part filed
// a day early.) The minutes are served as local wall clock in time order,
// so the Fitbit transform places the fall-back hour's second pass once the
// clock goes back — as it does for the API's own answer; readings sparser
// than the repeated hour could not show that, in the archive or the API.
//
// Weight logs ({"logId","weight","bmi","fat","date":"MM/DD/YY","time",
// "source"}) belong to their date; a body_fat row is a weight log with
// fat. A logId listed twice is served once.
//
// # Units (the table in units.go is the only place they are converted)
//
//	| family                   | in the archive            | served as (Fitbit API) | day total              |
//	|--------------------------|---------------------------|------------------------|------------------------|
//	| heart_rate               | value.bpm                 | bpm                    | —                      |
//	| steps                    | steps per minute          | steps                  | sum                    |
//	| calories                 | kcal per minute, BMR incl.| kcal                   | sum, whole kcal        |
//	| distance                 | centimetres per minute    | km (÷ 100,000 exactly) | sum, 7 decimals        |
//	| altitude                 | feet of gain per minute,  | elevation, m (× 0.3048,| sum, 4 decimals        |
//	|                          | only minutes with a gain  | 4 decimals)            |                        |
//	| floors                   | floors per minute         | floors                 | sum                    |
//	| resting_heart_rate       | value.value, decimal bpm; | restingHeartRate,      | —                      |
//	|                          | 0 = no estimate           | whole bpm (rounded)    |                        |
//	| *_minutes                | minutes per day           | minutes*               | —                      |
//	| sleep                    | sleep-log objects         | the same, mainSleep →  | —                      |
//	|                          |                           | isMainSleep            |                        |
//	| weight                   | pounds                    | kg (× 0.45359237,      | —                      |
//	|                          |                           | 3 decimals)            |                        |
//	| weight bmi, fat          | kg/m², %                  | the same               | —                      |
//	| Daily SpO2, Minute SpO2  | %; Minute: 50.0 = none    | %                      | —                      |
//	| HRV summary rmssd        | ms                        | ms                     | —                      |
//	| daily_respiratory_rate   | breaths/min               | breaths/min            | —                      |
//	| Computed Temperature     | °C: sum of deviations from| °C, 3 decimals         | —                      |
//	|                          | the baseline ÷ samples    |                        |                        |
//
// Weight: people who parse real archives report pounds in the weight
// files, whatever unit the account displays; the API (without
// Accept-Language) serves kilograms. Should an archive turn up in
// kilograms, the correction is the one line of the table.
//
// Numbers may be JSON numbers or strings. A per-minute family lists what it
// lists: every minute of the local day is served (1,440; 1,380 or 1,500 on
// DST days) and a minute the archive does not list is zero, as the API
// serves it.
//
// # Time
//
// Every time in the JSON families is local wall clock, "MM/DD/YY HH:MM:SS"
// (20YY). The account's zone comes from Your Profile/Profile.csv — the only
// zone an offline import knows; the machine's zone is irrelevant.
// Options.Zone overrides it, as a last resort for an archive without a
// profile (Open fails without either). The renderer resolves wall times
// with the same DayClock the Fitbit transforms use, in the order the files
// list them: in the fall-back hour the two passes repeat the same local
// times, and only file order tells them apart, so the first pass takes the
// earlier offset and the clock going back starts the second. Samples of a
// day are rendered in file order (files by period start, then entry order),
// never sorted by wall time. A sparse family (altitude lists only minutes
// with a gain) whose second-pass entries come later than all first-pass
// ones cannot show the clock going back; such entries are read as the
// first pass. Heart rate at 1min/5min/15min is the rounded mean (half away
// from zero) of the samples in each interval of the instant line from local
// midnight, labelled with the interval start's wall clock — the rule of the
// simulator and of the Google Health source.
//
// # Empty and malformed files
//
// A file holding only "no data", [], null, nothing, or (a CSV) only its
// header means nothing was recorded: no error. A truncated or malformed
// file (bad JSON, a CSV row with too few fields, an entry with a bad time
// or value, a CSV without a column it needs) is reported in Warnings with
// its path and line (or entry) and skipped — its days are served from the
// other files — and the import goes on. Each file is reported once.
//
// # Datasets served
//
//	| dataset            | from                                          | notes                                         |
//	|--------------------|-----------------------------------------------|-----------------------------------------------|
//	| heart_rate         | heart_rate                                    | 1sec, 1min, 5min, 15min                       |
//	| steps              | steps                                         |                                               |
//	| calories           | calories                                      | level and mets are null (not in archives)     |
//	| distance           | distance                                      |                                               |
//	| floors             | floors                                        | only when the archive has floors- files       |
//	| elevation          | altitude                                      |                                               |
//	| daily_activity     | sums of the minute families, *_minutes        | calories_bmr_kcal, activity_calories_kcal null|
//	| resting_heart_rate | resting_heart_rate                            |                                               |
//	| sleep_sessions     | sleep                                         |                                               |
//	| sleep_stages       | sleep                                         |                                               |
//	| spo2_daily         | Daily SpO2                                    | min_percent, max_percent null                 |
//	| spo2_intraday      | Minute SpO2                                   | 50.0 rows dropped                             |
//	| hrv_daily          | Daily Heart Rate Variability Summary          | deep_rmssd_ms null                            |
//	| breathing_rate     | Daily Respiratory Rate Summary                | per-stage rates null                          |
//	| skin_temperature   | Computed Temperature                          | nightly_c, baseline_c, log_type null          |
//	| weight             | weight                                        | weight_kg from pounds                         |
//	| body_fat           | weight (the logs with fat)                    |                                               |
//
// SupportedDatasets lists those an archive's files can serve; AllDatasets
// all of them. Not served (requests get ErrNotInArchive): heart_rate_zones
// (the archive's zone minutes carry no bounds), hrv_intraday, VO2 max,
// active zone minutes, exercises, devices, profile.
//
// An import of a simulated archive (package takeoutsim) is tested to equal
// an API export of the same user for every served dataset across a DST
// change (import_test.go), and small hand-checked archives of each file
// family are golden tests (testdata/golden/<case>/: the unpacked archive,
// case.txt saying what it checks, want/ the rows expected; go test -run
// TestGolden -update rewrites want/, to be read before it is committed).
//
// # Completeness and continuing with the API
//
// Profile.LastDay is the last local day with data in the archive (a night
// of SpO2 readings or a sleep log counts for the day it ended);
// Profile.LastSync is the following local midnight. The archive's last day
// is usually cut at the moment of export, so `fitexport --source takeout`
// imports it but records the archive as synced only up to its start: every
// earlier day is complete in the state, the last is incomplete, and a later
// API run into the same OUT continues with it (pipeline's layers: the API's
// answers win for every day they hold, the archive supplies the rest).
package takeout
